"""gunicorn settings for the web process (Procfile `web`, deploy/compose.yaml `web`).

Every value can be overridden from the environment: PORT, WEB_CONCURRENCY, GUNICORN_THREADS,
GUNICORN_TIMEOUT. Access log lines are JSON, with the request id the app answers with."""

import multiprocessing
import os


def env(name: str, default: str) -> str:
    """An environment variable; unset or blank is `default`."""
    return os.environ.get(name, "").strip() or default


bind = f"{env('GUNICORN_HOST', '0.0.0.0')}:{env('PORT', '8000')}"
# The usual 2 × cores + 1 sync workers, each with a few threads for requests that wait on
# Stripe; WEB_CONCURRENCY caps it where the database pool is small.
workers = int(env("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(env("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A request that takes longer than this is killed (Stripe calls time out well before).
timeout = int(env("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (bounded memory growth), not all at once.
max_requests = 2000
max_requests_jitter = 200
# Behind a load balancer or the compose network: trust its X-Forwarded-* headers.
forwarded_allow_ips = env("FORWARDED_ALLOW_IPS", "*")
accesslog = "-"
errorlog = "-"
loglevel = env("LOG_LEVEL", "info").lower()
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "remote": "%(h)s", "method": "%(m)s", '
    '"path": "%(U)s", "query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", '
    '"duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", "agent": "%(a)s"}'
)
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "access": {"format": "%(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "access": {"class": "logging.StreamHandler", "formatter": "access"},
        "error": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}
