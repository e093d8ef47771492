"""gunicorn settings for the web process (`python deploy/start.py web`: the Procfile and
deploy/compose.yaml).

Every value comes from the environment: GUNICORN_HOST, PORT, WEB_CONCURRENCY, GUNICORN_THREADS,
GUNICORN_TIMEOUT, GRACEFUL_STOP_SECONDS, FORWARDED_ALLOW_IPS, RUN_DIR, LOG_LEVEL. It listens on
127.0.0.1 unless told otherwise (compose: 0.0.0.0 inside its private network, reachable only
through the proxy service). Every log line, access lines included, is JSON (marketplace/logs.py)
with an ISO 8601 UTC time, the request id the app answered with and the role "web"."""

import multiprocessing
import os
import sys
from pathlib import Path

from gunicorn import glogging

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PROCESS_ROLE", "web")


def env(name: str, default: str) -> str:
    """An environment variable; unset or blank is `default`."""
    return os.environ.get(name, "").strip() or default


bind = f"{env('GUNICORN_HOST', '127.0.0.1')}:{env('PORT', '8000')}"
# The usual 2 × cores + 1 sync workers, each with a few threads for requests that wait on
# Stripe; WEB_CONCURRENCY caps it where the database pool is small.
workers = int(env("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(env("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A request that takes longer than this is killed (Stripe calls time out well before).
timeout = int(env("GUNICORN_TIMEOUT", "60"))
# How long a stopping worker may finish its requests. `make prod` (honcho) and compose wait a
# few seconds longer than this before they kill (deploy/prod.py, compose's stop_grace_period).
graceful_timeout = int(env("GRACEFUL_STOP_SECONDS", "25"))
keepalive = 5
# Recycle workers now and then (bounded memory growth), not all at once.
max_requests = 2000
max_requests_jitter = 200
# Only these addresses' X-Forwarded-* headers are trusted: the proxy in front (compose sets
# the proxy service's address); by default only this machine.
forwarded_allow_ips = env("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicornc's control socket: one per run directory, never shared between two deployments on
# one host (the default is one per user).
_run_dir = Path(env("RUN_DIR", str(ROOT / ".run")))
_run_dir.mkdir(parents=True, exist_ok=True)
control_socket = str(_run_dir / "gunicorn.ctl")
accesslog = "-"
errorlog = "-"
loglevel = env("LOG_LEVEL", "info").lower()


class JsonAccessLogger(glogging.Logger):
    """Access lines as structured log records (the JSON formatter writes the fields)."""

    def access(self, resp, req, environ, request_time) -> None:  # type: ignore[no-untyped-def]
        status = str(resp.status).split(None, 1)[0]
        request_id = next(
            (value for name, value in resp.headers if name.lower() == "x-request-id"), "-"
        )
        self.access_log.info(
            "%s %s %s",
            req.method,
            req.path,
            status,
            extra={
                "remote": environ.get("REMOTE_ADDR", "-"),
                "method": req.method,
                "path": req.path,
                "query": req.query,
                "status": int(status) if status.isdigit() else status,
                "bytes": getattr(resp, "sent", 0),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "request_id": request_id,
                "agent": environ.get("HTTP_USER_AGENT", ""),
            },
        )


logger_class = JsonAccessLogger
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "marketplace.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
