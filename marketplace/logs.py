"""One log format for every process: JSON lines with an ISO 8601 UTC time, the level, the
logger, the message, the request id and the process role (web, worker, beat, migrate, sandbox,
from PROCESS_ROLE, which deploy/start.py sets). Django, Celery (its root logger is ours: the
worker does not hijack it) and gunicorn (deploy/gunicorn.conf.py) all use this formatter."""

import logging
import os
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

# Python warnings (e.g. Celery's at start-up) become log records too, not plain stderr text.
logging.captureWarnings(True)


def iso_utc(created: float) -> str:
    """`2026-12-07T21:00:00.123Z` for a log record's time."""
    moment = datetime.fromtimestamp(created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(BaseJsonFormatter):
    """JSON lines: time (ISO 8601, UTC), level, logger, message, request_id, role, and any
    `extra` fields of the record."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_record: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record["time"] = iso_utc(record.created)
        log_record.setdefault("request_id", getattr(record, "request_id", None) or "-")
        log_record["role"] = os.environ.get("PROCESS_ROLE", "").strip() or "-"


class TextFormatter(logging.Formatter):
    """The text format for development: the same fields, one readable line."""

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None) or "-"
        role = os.environ.get("PROCESS_ROLE", "").strip() or "-"
        line = (
            f"{iso_utc(record.created)} {record.levelname} {record.name} [{role} {request_id}] "
            f"{record.getMessage()}"
        )
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line
