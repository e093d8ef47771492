"""Middleware of the ground layer (the request id's lives in request_id.py)."""

import io
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse

from .apis import not_found
from .exceptions import request_limit_error

_CHUNK = 64 * 1024


def _too_large() -> JsonResponse:
    body, status = request_limit_error(RequestDataTooBig())
    return JsonResponse(body, status=status)


class BodySizeLimitMiddleware:
    """A body over `DATA_UPLOAD_MAX_MEMORY_SIZE` is a 413 before any of it is read, whatever
    its content type (Django's own cap skips file parts of multipart bodies, which it spools
    to disk first).

    A declared `Content-Length` over the cap is refused at once. A streamed body (chunked, no
    length) is read into memory up to the cap and refused as soon as it passes it; within the
    cap it is handed on as a body of known length."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.strip():
            try:
                length = int(declared)
            except ValueError:
                length = 0
            if length > limit:
                return _too_large()
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            source = request.META.get("wsgi.input")
            if source is not None:
                data = bytearray()
                while chunk := source.read(_CHUNK):
                    data += chunk
                    if len(data) > limit:
                        return _too_large()
                request.META["CONTENT_LENGTH"] = str(len(data))
                request._stream = LimitedStream(io.BytesIO(bytes(data)), len(data))
        return self.get_response(request)


class ApiNotFoundMiddleware:
    """Under /api/ a 404 is always the JSON error body, also with DEBUG=1 (where Django would
    answer its HTML debug page); a trailing-slash redirect still happens first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/")
        ):
            return not_found(request)
        return response
