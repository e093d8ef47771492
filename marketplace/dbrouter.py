"""Reads of the public lists and of matching from a read replica, with read-your-writes.

With `DATABASE_REPLICA_URL` set, the database alias `replica` exists and `READ_REPLICA` names
it. `ReplicaReadsMiddleware` marks the GET and HEAD requests of the views named in
`REPLICA_READ_VIEWS` (the public lists, the matches of a brief, a creator's recommended briefs),
and `ReplicaRouter` sends their ORM reads to the replica. Everything else (writes, the reads of
every other view, raw SQL on `django.db.connection`) stays on the primary.

A replica lags the primary a little, so a user who has just written reads the primary for
`READ_YOUR_WRITES_SECONDS` (10 by default): each successful write by a signed-in user sets a
signed cookie with the time and a cache mark under the user's id (API clients with tokens keep
no cookies); while either is fresh, that user's replica-eligible reads go to the primary.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, resolve

COOKIE = "rm_wrote"
SALT = "marketplace.dbrouter.read-your-writes"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_reading: ContextVar[HttpRequest | None] = ContextVar("replica_request", default=None)


def replica_alias() -> str:
    """The replica's database alias, or "" when none is configured."""
    return getattr(settings, "READ_REPLICA", "")


def _window() -> int:
    return int(getattr(settings, "READ_YOUR_WRITES_SECONDS", 10))


def _writer_key(user_id: Any) -> str:
    return f"ryw:{user_id}"


def wrote_recently(request: HttpRequest) -> bool:
    """Whether the request's user wrote within the window: the signed cookie of their last
    write, or the cache mark of their user id (known once authentication has run)."""
    try:
        written = float(request.get_signed_cookie(COOKIE, salt=SALT))
        if time.time() - written < _window():
            return True
    except (KeyError, ValueError, signing.BadSignature):
        pass
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    known = getattr(request, "_wrote_recently", None)
    if known is None:
        known = request._wrote_recently = cache.get(_writer_key(user.pk)) is not None  # type: ignore[attr-defined]
    return known


class ReplicaRouter:
    """Reads of requests marked by `ReplicaReadsMiddleware` go to the replica unless their
    user wrote recently; every write, and every other read, goes to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        alias = replica_alias()
        request = _reading.get()
        if not alias or request is None or wrote_recently(request):
            return None
        return alias

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: objects read from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == replica_alias() else None


def _view_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


@contextmanager
def replica_reads(request: HttpRequest, view_name: str | None) -> Iterator[None]:
    """Within it, the reads of `request` go to the replica when it is a GET or HEAD of a view
    named in `REPLICA_READ_VIEWS` (and its user did not write recently: `ReplicaRouter`)."""
    token = None
    if (
        replica_alias()
        and request.method in ("GET", "HEAD")
        and view_name in getattr(settings, "REPLICA_READ_VIEWS", ())
    ):
        token = _reading.set(request)
    try:
        yield
    finally:
        if token is not None:
            _reading.reset(token)


class ReplicaReadsMiddleware:
    """Marks replica-eligible reads (see the module docstring) and remembers who wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not replica_alias():
            return self.get_response(request)
        with replica_reads(request, _view_name(request)):
            response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.method not in SAFE_METHODS
            and response.status_code < 400
            and user is not None
            and user.is_authenticated
        ):
            response.set_signed_cookie(
                COOKIE, str(time.time()), salt=SALT, max_age=_window(), httponly=True,
                samesite="Lax", secure=request.is_secure(),
            )  # fmt: skip
            cache.set(_writer_key(user.pk), 1, timeout=_window())
        return response
