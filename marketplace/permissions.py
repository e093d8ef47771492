from rest_framework import permissions, throttling


class IsStaff(permissions.BasePermission):
    """Staff users only."""

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class AuthThrottle(throttling.AnonRateThrottle):
    """Throttles login, refresh and registration per client address."""

    scope = "auth"


class WriteThrottle(throttling.UserRateThrottle):
    """Throttles unsafe methods per user (or address for anonymous callers)."""

    scope = "writes"

    def allow_request(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().allow_request(request, view)
