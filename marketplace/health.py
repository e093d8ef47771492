"""Extra readiness checks that upper layers register at start-up (payments registers Stripe's).

A check is slow and remote, so its answer is cached per process for `ttl` seconds: /healthz/
stays cheap however often a load balancer polls it."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .celery import app as celery_app


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


# --- Heartbeats of the background processes -------------------------------------------------
# Beat writes its heartbeat from its scheduler loop; the worker's is written by a task beat
# schedules (so it proves the whole path: beat → broker → a worker taking work). Both go to the
# shared cache, which every process of a deployment reads.
HEARTBEAT_KEY = "heartbeat:{role}"
HEARTBEAT_ROLES = ("beat", "worker")


def heartbeat(role: str, now: float | None = None) -> None:
    """Record that process `role` is alive and working now (a Unix timestamp)."""
    moment = time.time() if now is None else now
    cache.set(HEARTBEAT_KEY.format(role=role), moment, timeout=None)


def heartbeat_state(role: str, *, max_age: float, now: float | None = None) -> str:
    """The state of process `role`'s last heartbeat: ok, stale (with its age) or missing."""
    last = cache.get(HEARTBEAT_KEY.format(role=role))
    if last is None:
        return "missing"
    age = (time.time() if now is None else now) - float(last)
    return "ok" if age <= max_age else f"stale: {int(age)} s ago"


@dataclass
class Readiness:
    """What /readyz/ answers: the overall status, each check's answer and the HTTP status."""

    status: str
    checks: dict[str, str]

    @property
    def http_status(self) -> int:
        return 503 if self.status == "error" else 200


def readiness() -> Readiness:
    """Can this web process serve requests? The database and the shared cache must answer
    (503 otherwise), and the broker when one is configured and HEALTH_BROKER_REQUIRED is on;
    Stripe and the background processes' heartbeats only mark the answer "degraded"."""
    checks: dict[str, str] = {}
    failed = degraded = False

    def probe(name: str, fn: Callable[[], None], *, critical: bool) -> None:
        nonlocal failed, degraded
        try:
            fn()
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not reachable
            checks[name] = f"error: {type(exc).__name__}"
            if critical:
                failed = True
            else:
                degraded = True

    def database() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    def shared_cache() -> None:
        # Throttles, the admin lockout and the list cache: a request that needs it 500s.
        key = "health:probe"
        cache.set(key, "1", timeout=30)
        if cache.get(key) != "1":
            raise RuntimeError("the cache did not keep a value")

    def broker() -> None:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)

    probe("database", database, critical=True)
    probe("cache", shared_cache, critical=True)
    if settings.CELERY_BROKER_URL:
        probe("broker", broker, critical=settings.HEALTH_BROKER_REQUIRED)
        if checks["cache"] == "ok":
            for role in HEARTBEAT_ROLES:
                state = heartbeat_state(role, max_age=settings.HEARTBEAT_MAX_AGE_SECONDS)
                checks[role] = state
                degraded = degraded or state != "ok"
    else:
        checks["broker"] = "not configured (tasks run in process)"
    for name, (result, critical) in run_registered().items():
        checks[name] = result
        if result != "ok":
            failed = failed or critical
            degraded = True
    status = "error" if failed else "degraded" if degraded else "ok"
    return Readiness(status=status, checks=checks)
