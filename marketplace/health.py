"""Extra readiness checks that upper layers register at start-up (payments registers Stripe's).

A check is slow and remote, so its answer is cached per process for `ttl` seconds: /healthz/
stays cheap however often a load balancer polls it."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Check:
    fn: Callable[[], None]
    ttl: Callable[[], float]
    critical: bool
    at: float = float("-inf")
    result: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


_checks: dict[str, _Check] = {}


def register(
    name: str, fn: Callable[[], None], *, ttl: Callable[[], float], critical: bool = False
) -> None:
    """Add check `name`: `fn` raises when the dependency is not reachable. A critical check
    failing makes /healthz/ answer 503; another one only marks it degraded."""
    _checks[name] = _Check(fn=fn, ttl=ttl, critical=critical)


def run_registered(now: float | None = None) -> dict[str, tuple[str, bool]]:
    """Each registered check's answer ("ok" or "error: …") and whether it is critical, from
    the cache when fresh."""
    results: dict[str, tuple[str, bool]] = {}
    for name, check in _checks.items():
        with check.lock:
            moment = time.monotonic() if now is None else now
            if moment - check.at >= check.ttl():
                try:
                    check.fn()
                    check.result = "ok"
                except Exception as exc:  # noqa: BLE001 - any failure means not reachable
                    check.result = f"error: {type(exc).__name__}"
                check.at = moment
            results[name] = (check.result, check.critical)
    return results


def forget_cached() -> None:
    """Drop cached answers (tests)."""
    for check in _checks.values():
        check.at = float("-inf")
