"""Middleware of the ground layer (the request id's lives in request_id.py)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve

from .apis import not_found
from .listcache import SCOPES_ATTRIBUTE, list_validators, not_modified, not_modified_response


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
