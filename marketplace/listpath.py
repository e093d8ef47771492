"""The anonymous page path: a public list page answered by `PublicListMiddleware`, before the
rest of the middleware, the URL resolver and DRF's dispatch run.

What an anonymous client of a public list sends (an app, a CDN, curl) is a GET with no cookies,
no Authorization header, no `format` parameter and an Accept of `*/*` or `application/json`.
Once this process has answered the same URL through the whole stack (and so kept its page SQL:
`marketplace.pagesql`), that page is answered here from the kept SQL by the view's own parts:
its permission and throttle checks, its paginator (count and links), its `page_items`, its first
renderer, DRF's `Allow`/`Vary` headers, the validators and page cache of `marketplace.listcache`,
and the response side of the middleware it skips (`X-Frame-Options`, `Content-Length`). The
answer is the full stack's, header for header and byte for byte
(tests/marketplace/test_list_fast_path.py). Anything else — a cookie (a session, a CSRF token,
read-your-writes), credentials, HTML, a page this process never ran in full, a page past the
end, a refused check — goes on through the whole stack, which answers as it always did.
"""

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.http import HttpRequest, HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.urls import Resolver404, ResolverMatch, get_urlconf, resolve
from rest_framework.exceptions import APIException

from . import pagesql
from .dbrouter import replica_reads
from .listcache import SCOPES_ATTRIBUTE, page_answer

LIMIT = 512  # paths whose resolution each process keeps
PLAIN_ACCEPT = ("*/*", "application/json")
_lists: "OrderedDict[tuple, PublicList | None]" = OrderedDict()


@dataclass(frozen=True)
class PublicList:
    """A path that resolves to the `list` of a ViewSet wrapped by `cached_public_list`."""

    match: ResolverMatch
    scopes: tuple[str, ...]


def public_list(path: str) -> PublicList | None:
    """What `path` resolves to when it is a public list (None otherwise), kept per process."""
    key = (get_urlconf() or settings.ROOT_URLCONF, path)
    if key in _lists:
        _lists.move_to_end(key)
        return _lists[key]
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    found = None
    actions = getattr(getattr(match, "func", None), "actions", None) or {}
    if match is not None and actions.get("get") == "list" and not match.args:
        scopes = getattr(getattr(match.func.cls, "list", None), SCOPES_ATTRIBUTE, None)
        if scopes and not match.kwargs:
            found = PublicList(match, tuple(scopes))
    _lists[key] = found
    while len(_lists) > LIMIT:
        _lists.popitem(last=False)
    return found


def plain_anonymous_get(request: HttpRequest) -> bool:
    """A GET that carries nothing of its user and asks for the JSON the list renders first."""
    meta = request.META
    return (
        request.method == "GET"
        and not meta.get("HTTP_COOKIE")
        and "HTTP_AUTHORIZATION" not in meta
        and meta.get("HTTP_ACCEPT", "*/*") in PLAIN_ACCEPT
        and "format" not in request.GET
    )


def _pass(request: HttpRequest) -> None:
    return None


_auth = AuthenticationMiddleware(_pass)
_common = CommonMiddleware(_pass)
_frame = XFrameOptionsMiddleware(_pass)


def _view(target: PublicList, request: HttpRequest) -> Any:
    """The ViewSet instance DRF's view function makes for `request`, with its DRF request."""
    func = target.match.func
    view = func.cls(**func.initkwargs)
    actions = dict(func.actions)
    actions.setdefault("head", actions["get"])
    view.action_map = actions
    for method, action in actions.items():
        setattr(view, method, getattr(view, action))
    view.args, view.kwargs, view.format_kwarg = (), {}, None
    view.request = view.initialize_request(request)
    view.headers = view.default_response_headers
    return view


def page_response(
    request: HttpRequest, target: PublicList, full_path: str, validators: tuple[str, int]
) -> HttpResponseBase | None:
    """The page of a plain anonymous GET from its kept SQL (see the module docstring), or None
    when the whole stack must answer."""
    cls = target.match.func.cls
    entry = pagesql.lookup(pagesql.anonymous_key(cls, request.GET.get("page"), full_path))
    if entry is None or _common.process_request(request) is not None:
        return None
    request.resolver_match = target.match
    _auth.process_request(request)
    view = _view(target, request)
    drf = view.request
    renderer = view.renderer_classes[0]()
    try:
        view.perform_authentication(drf)
        view.check_permissions(drf)
        view.check_throttles(drf)
    except APIException:
        return None
    if drf.user.is_authenticated or renderer.format != "json":
        return None
    drf.accepted_renderer, drf.accepted_media_type = renderer, renderer.media_type

    def make() -> tuple[bytes, str] | None:
        with replica_reads(request, target.match.view_name):
            rows = view.paginator.cached_page(drf, view, entry)
        if rows is None:
            return None
        body = view.paginator.page_body(view.page_items(rows))
        context = view.get_renderer_context()
        return renderer.render(body, renderer.media_type, context), renderer.media_type

    answer = page_answer(*validators, make)
    if answer is None:
        return None
    answer = view.finalize_response(drf, answer)
    answer = _frame.process_response(request, answer)
    return _common.process_response(request, answer)
