"""Middleware of the ground layer (the request id's lives in request_id.py)."""

import io
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

from .apis import not_found
from .exceptions import request_limit_error
from .listcache import list_validators, not_modified, not_modified_response
from .listpath import page_response, plain_anonymous_get, public_list

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


class PublicListMiddleware:
    """Anonymous JSON GETs of a public list page, before sessions, authentication and DRF:

    - a conditional GET or HEAD whose validators still hold is answered 304 from the list
      versions alone (`marketplace.listcache`), with no page query;
    - a plain anonymous GET (no cookies, no credentials, JSON) of a page this process has
      already answered in full is answered from its kept SQL (`marketplace.listpath`).

    Requests with credentials (an Authorization header or a session cookie) or asking for HTML
    go on to the view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        meta = request.META
        conditional = "HTTP_IF_NONE_MATCH" in meta or "HTTP_IF_MODIFIED_SINCE" in meta
        if conditional and not (
            request.method in ("GET", "HEAD")
            and "HTTP_AUTHORIZATION" not in meta
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "html" not in meta.get("HTTP_ACCEPT", "")
            and request.GET.get("format", "json") == "json"
        ):
            return self.get_response(request)
        plain = plain_anonymous_get(request)
        if not conditional and not plain:
            return self.get_response(request)
        target = public_list(request.path_info)
        if target is None:
            return self.get_response(request)
        full_path = request.get_full_path()
        etag, modified = list_validators(full_path, target.scopes)
        if conditional and not_modified(request, etag, modified):
            return not_modified_response(etag, modified)
        if plain:
            answer = page_response(request, target, full_path, (etag, modified))
            if answer is not None:
                return answer
        return self.get_response(request)
