"""Middleware of the ground layer (the request id's lives in request_id.py)."""

import io
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import Resolver404, resolve

from .apis import not_found
from .exceptions import request_limit_error
from .listcache import SCOPES_ATTRIBUTE, list_validators, not_modified, not_modified_response

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


def public_list_scopes(path: str) -> tuple[str, ...] | None:
    """The list scopes of the view `path` resolves to, when it is a ViewSet's `list` wrapped by
    `cached_public_list`; None otherwise."""
    try:
        func = resolve(path).func
    except Resolver404:
        return None
    actions = getattr(func, "actions", None) or {}
    if actions.get("get") != "list":
        return None
    return getattr(getattr(func.cls, "list", None), SCOPES_ATTRIBUTE, None)


class PublicListNotModifiedMiddleware:
    """A conditional GET or HEAD of an anonymous JSON public list page whose validators still
    hold is answered 304 here, before sessions, authentication and DRF run: the validators
    come from the list versions alone (`marketplace.listcache`). Requests with credentials (an
    Authorization header or a session cookie) or asking for HTML go on to the view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        meta = request.META
        if (
            request.method in ("GET", "HEAD")
            and ("HTTP_IF_NONE_MATCH" in meta or "HTTP_IF_MODIFIED_SINCE" in meta)
            and "HTTP_AUTHORIZATION" not in meta
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "html" not in meta.get("HTTP_ACCEPT", "")
            and request.GET.get("format", "json") == "json"
        ):
            scopes = public_list_scopes(request.path_info)
            if scopes:
                etag, modified = list_validators(request.get_full_path(), scopes)
                if not_modified(request, etag, modified):
                    return not_modified_response(etag, modified)
        return self.get_response(request)
