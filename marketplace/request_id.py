"""The request id: taken from the caller's X-Request-ID (or made up), answered in the same
header, put on every log line, and carried into the Celery tasks the request starts (a message
header) and so into their Stripe calls."""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import sentry_sdk
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_current: ContextVar[str] = ContextVar("request_id", default="")


def get() -> str:
    """The id of the request or task this code runs for ("" outside one)."""
    return _current.get()


def set_current(value: str) -> None:
    """Make `value` the current request id (a task taking over its request's id)."""
    _current.set(value)
    sentry_sdk.set_tag("request_id", value or None)


def new() -> str:
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every log record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _current.get() or "-"
        return True


class RequestIdMiddleware:
    """Accept a well-formed X-Request-ID from the caller (a load balancer's) or make one, and
    answer with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        value = given if _VALID.match(given) else new()
        # Not reset on the way out: Django logs a 4xx/5xx answer after the middleware chain
        # returns, and that line must carry the id too; the next request sets its own.
        set_current(value)
        request.request_id = value  # type: ignore[attr-defined]
        response = self.get_response(request)
        response[HEADER] = value
        return response


def add_to_task_headers(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """Celery `before_task_publish`: send the current request id with the task."""
    value = _current.get()
    if value and headers is not None:
        headers.setdefault(TASK_HEADER, value)


def take_from_task(task: Any = None, **_: Any) -> None:
    """Celery `task_prerun`: the task logs under the id of the request that started it, or a
    new one (a beat job)."""
    request = getattr(task, "request", None)
    value = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(
        TASK_HEADER
    )
    if getattr(request, "is_eager", False) and _current.get():
        return  # run in process: already under the caller's id
    set_current(value if isinstance(value, str) and _VALID.match(value) else new())


def clear_after_task(task: Any = None, **_: Any) -> None:
    """Celery `task_postrun`: forget the id in a worker (not in a request that ran the task
    in process)."""
    if not getattr(getattr(task, "request", None), "is_eager", False):
        _current.set("")
