import math
from typing import Any

from rest_framework import permissions, throttling

from .counters import counter_add, counter_get


class IsStaff(permissions.BasePermission):
    """Staff users only."""

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class AtomicRateThrottle(throttling.SimpleRateThrottle):
    """DRF's rate throttle on an atomic shared counter (`marketplace.counters`).

    The rate's period is cut into windows; a request adds one to its window's count and is
    let through when that count, plus the previous window's weighted by how much of it still
    overlaps the last period (a sliding estimate), stays within the limit; a refused request
    takes its hit back. Each concurrent request sees a different count, so a burst of any size
    lets through at most the limit.
    """

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        elapsed = (self.now - window * self.duration) / self.duration
        previous = counter_get(f"{self.key}:{window - 1}")
        carried = math.ceil(previous * (1 - elapsed))  # rounded up: never lets one more in
        key = f"{self.key}:{window}"
        count = counter_add(key, 1, ttl_s=2 * self.duration + 1)
        if count + carried <= self.num_requests:
            return True
        counter_add(key, -1, ttl_s=2 * self.duration + 1)
        if count > self.num_requests:  # the current window alone is full: wait for the next
            self.retry_after = (window + 1) * self.duration - self.now
        else:  # until enough of the previous window has aged out of the period
            enough = 1 - (self.num_requests - count) / previous
            self.retry_after = self.duration * (enough - elapsed)
        return False

    def wait(self) -> float | None:
        return max(0.0, getattr(self, "retry_after", 0.0)) or None


class AuthThrottle(AtomicRateThrottle, throttling.AnonRateThrottle):
    """Throttles login, refresh and registration per client address."""

    scope = "auth"


class WriteThrottle(AtomicRateThrottle, throttling.UserRateThrottle):
    """Throttles unsafe methods per user (or address for anonymous callers)."""

    scope = "writes"

    def allow_request(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().allow_request(request, view)
