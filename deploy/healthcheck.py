"""Container health checks.

    python deploy/healthcheck.py              # web: GET /readyz/ answers 200
    python deploy/healthcheck.py beat         # beat: its heartbeat is fresh
    python deploy/healthcheck.py worker       # a worker ran the heartbeat task lately

The web check asks this container's web process with a Host header the settings accept (the
first of ALLOWED_HOSTS). The heartbeat checks read the shared cache, where beat records a
heartbeat on every tick of its scheduler and a worker on every run of the heartbeat task beat
schedules: a beat that hangs or stops scheduling turns unhealthy, not only one that exited.
Exit 0 when healthy."""

import os
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def check_web() -> int:
    port = os.environ.get("PORT", "").strip() or "8000"
    host = (os.environ.get("ALLOWED_HOSTS", "").split(",")[0].strip() or "localhost").lstrip(".")
    request = urllib.request.Request(f"http://127.0.0.1:{port}/readyz/", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


def check_heartbeat(role: str) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.production")
    import django

    django.setup()
    from django.conf import settings

    from marketplace import health

    try:
        state = health.heartbeat_state(role, max_age=settings.HEARTBEAT_MAX_AGE_SECONDS)
    except Exception as exc:  # noqa: BLE001 - the cache does not answer: unhealthy
        state = f"error: {type(exc).__name__}"
    if state != "ok":
        print(f"unhealthy: {role} heartbeat {state}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] == "web":
        return check_web()
    if argv[0] in ("beat", "worker"):
        return check_heartbeat(argv[0])
    print(f"usage: healthcheck.py [web|beat|worker] (not {argv[0]!r})", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
