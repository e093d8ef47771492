"""`Idempotency-Key` on the API's POSTs: a retry after a timeout replays the first answer.

A client that sends `Idempotency-Key: <1-255 visible characters>` with a POST under `/api/`
gets, for every later POST with the same key (from the same caller, within
`IDEMPOTENCY_TTL` seconds, 24 h by default):
- the same body, the first answer's status and body, with `Idempotent-Replayed: true`;
- another method, path or body: 422 `idempotency_key_reused` naming the header;
- while the first request is still running: 409 `idempotency_key_in_progress` with
  `Retry-After`.
The record is a row (`IdempotencyRecord`), unique per (caller, key), inserted before the view
runs: two workers racing with the same key cannot both run it. An answer of 500 or more is not
kept (the work did not happen, or must be retried anyway), so the retry runs again.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

from .models import IdempotencyRecord

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
META_KEY = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADER = "Idempotent-Replayed"
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
KEY_REUSED = "idempotency_key_reused"
KEY_IN_PROGRESS = "idempotency_key_in_progress"
KEY_INVALID = "idempotency_key_invalid"


def ttl() -> timedelta:
    """How long a key is remembered."""
    return timedelta(seconds=int(getattr(settings, "IDEMPOTENCY_TTL", 24 * 3600)))


def _error(status: int, code: str, message: str, **extra: object) -> JsonResponse:
    body = {"error": {"code": code, "message": message, "fields": {HEADER: [message]}, **extra}}
    return JsonResponse(body, status=status)


def caller_scope(request: HttpRequest) -> str | None:
    """Whose key this is: `user:<id>` for a valid bearer token or session, `anon` without
    credentials, None when the credentials are invalid (the view answers 401 itself)."""
    if request.META.get("HTTP_AUTHORIZATION"):
        try:
            found = JWTAuthentication().authenticate(request)  # type: ignore[arg-type]
        except (AuthenticationFailed, InvalidToken):
            return None
        if found is not None:
            return f"user:{found[0].pk}"
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "anon"


def fingerprint(request: HttpRequest, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0")
    digest.update(request.path.encode())
    digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()


def replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body or b""),
        status=record.status_code,
        content_type=record.content_type or "application/json",
    )
    response[REPLAYED_HEADER] = "true"
    response[HEADER] = record.key
    return response


def claim(scope: str, key: str, print_: str, request: HttpRequest) -> IdempotencyRecord | None:
    """Insert the running record for (scope, key); the existing one if the key is taken.

    A record older than the TTL is forgotten first (deleted), so the key is free again.
    """
    now = timezone.now()
    IdempotencyRecord.objects.filter(scope=scope, key=key, created_at__lt=now - ttl()).delete()
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                scope=scope,
                key=key,
                fingerprint=print_,
                method=request.method,
                path=request.path[:500],
                created_at=now,
            )
    except IntegrityError:
        return IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    return None


class IdempotencyMiddleware:
    """Replays the first answer to a POST retried with the same `Idempotency-Key`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(META_KEY)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not _VALID_KEY.match(key):
            return _error(400, KEY_INVALID, f"{HEADER} must be 1 to 255 visible ASCII characters")
        scope = caller_scope(request)
        if scope is None:
            return self.get_response(request)
        try:
            body = request.body
        except RequestDataTooBig:
            return self.get_response(request)
        print_ = fingerprint(request, body)
        existing = claim(scope, key, print_, request)
        if existing is not None:
            return self.answer_retry(existing, print_)
        try:
            response = self.get_response(request)
        except Exception:
            IdempotencyRecord.objects.filter(scope=scope, key=key, status_code=None).delete()
            raise
        self.remember(scope, key, response)
        response[HEADER] = key
        return response

    def answer_retry(self, record: IdempotencyRecord, print_: str) -> HttpResponse:
        if record.fingerprint != print_:
            return _error(
                422,
                KEY_REUSED,
                f"this {HEADER} was used with another request ({record.method} "
                f"{record.path}); use a new key for a new request",
            )
        if record.status_code is None:
            response = _error(
                409,
                KEY_IN_PROGRESS,
                f"a request with this {HEADER} is still being processed; retry shortly",
            )
            response["Retry-After"] = "1"
            return response
        return replay(record)

    def remember(self, scope: str, key: str, response: HttpResponse) -> None:
        records = IdempotencyRecord.objects.filter(scope=scope, key=key, status_code=None)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            records.delete()
            return
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        records.update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", "application/json")[:100],
            body=bytes(response.content),
            completed_at=timezone.now(),
        )


def forget_expired() -> int:
    """Delete records past the TTL (a beat job); returns how many."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - ttl()).delete()
    return deleted
