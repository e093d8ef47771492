"""One JSON error shape for every 4xx/5xx: {"error": {"code", "message", "fields"?, ...}}."""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import CommonError, DomainError

logger = logging.getLogger(__name__)


def _first_message(detail: Any) -> str:
    """The first message of a DRF error detail, prefixed with the field it names (never with
    DRF's own `detail`/`non_field_errors` keys)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("detail", "non_field_errors"):
                return _first_message(value)
            return f"{key}: {_first_message(value)}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def request_limit_error(exc: SuspiciousOperation) -> tuple[dict[str, Any], int]:
    """The JSON body and status for a request Django refused as too big or malformed."""
    if isinstance(exc, RequestDataTooBig):
        message = f"the body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes"
        return {"error": {"code": CommonError.BODY_TOO_LARGE, "message": message}}, 413
    if isinstance(exc, TooManyFieldsSent):
        message = f"the body has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields"
        return {"error": {"code": CommonError.TOO_MANY_FIELDS, "message": message}}, 400
    return {"error": {"code": CommonError.BAD_REQUEST, "message": "bad request"}}, 400


# SQLSTATE class 23 (integrity constraint violation) codes, and SQLite's wording of them.
_UNIQUE_VIOLATION = "23505"
_SQLITE_UNIQUE = ("UNIQUE constraint failed",)


def integrity_error_response(exc: IntegrityError) -> Response:
    """A unique violation the services did not turn into a domain error (two requests racing
    for the same row) is a 409 `duplicate`; any other integrity error (NOT NULL, foreign key,
    check) means the code and the schema disagree: logged with its stack and answered 500, never
    passed off as a conflict the client could resolve."""
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    constraint = getattr(getattr(cause, "diag", None), "constraint_name", None)
    if sqlstate == _UNIQUE_VIOLATION or str(exc).startswith(_SQLITE_UNIQUE):
        logger.warning("unique violation answered as 409 duplicate: %s", exc)
        body: dict[str, Any] = {
            "code": CommonError.DUPLICATE,
            "message": "a record with these values already exists",
        }
        if constraint:
            body["constraint"] = constraint
        return Response({"error": body}, status=status.HTTP_409_CONFLICT)
    logger.error("integrity error (sqlstate %s): %s", sqlstate or "-", exc, exc_info=exc)
    return Response(
        {
            "error": {
                "code": CommonError.SERVER_ERROR,
                "message": "something went wrong on our side",
            }
        },
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Translate domain, validation and framework errors into the shared JSON error body;
    a 503 or 429 always carries `Retry-After`."""
    response = _handle(exc, context)
    if (
        response is not None
        and response.status_code in (429, 503)
        and not response.has_header("Retry-After")
    ):
        response["Retry-After"] = str(getattr(settings, "RETRY_AFTER_SECONDS", 5))
    return response


def _handle(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, SuspiciousOperation):
        logger.warning("request refused: %s: %s", type(exc).__name__, exc)
        body, status_code = request_limit_error(exc)
        return Response(body, status=status_code)
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": str(exc.code), "message": exc.message}
        if exc.field:
            body["fields"] = {exc.field: [exc.message]}
        body.update(exc.extra)
        return Response({"error": body}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, IntegrityError):
        return integrity_error_response(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "error": {"code": "invalid", "message": _first_message(detail), "fields": detail}
        }
    else:
        code = getattr(exc, "default_code", "error")
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        if isinstance(codes, str):
            code = codes
        response.data = {"error": {"code": code, "message": _first_message(response.data)}}
    return response
