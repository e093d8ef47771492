"""Anonymous list pages: a short shared cache and conditional GET, invalidated by version.

Every public list belongs to one or more scopes ("creators", "reels", "briefs"). A scope's
version is the time (ms) of its last change, kept in the cache (Redis when configured); the
services that change what a list shows call `lists_changed("creators", …)`, which sets the
versions when their transaction commits. A page is cached under its URL and the versions of its
scopes, so a change makes every older page unreachable at once; `LIST_CACHE_SECONDS` (30 by
default with a shared cache, else 0: off) bounds how stale a page can be if a change bypasses
the services (a raw SQL fix, the admin's plain edit form).

Only anonymous JSON GETs (and HEADs, which answer GET's headers) are cached: signed-in users
see their own drafts, bids and reels.
Answers carry an `ETag` (a hash of the body) and `Last-Modified` (the newest scope version);
`If-None-Match` or `If-Modified-Since` that still hold get 304 with no body and no page query.
"""

import functools
import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from rest_framework.request import Request

PREFIX = "lists"


def _version_key(scope: str) -> str:
    return f"{PREFIX}:v:{scope}"


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def lists_changed(*scopes: str) -> None:
    """Mark the lists of `scopes` changed once the current transaction commits.

    Services call this for every write that changes what an anonymous list page shows.
    """
    if not scopes:
        return

    def bump() -> None:
        now = _now_ms()
        cache.set_many({_version_key(s): now for s in scopes}, timeout=None)

    # robust: a cache outage after the commit is logged, never a 500 for a committed change.
    transaction.on_commit(bump, robust=True)


def scope_versions(scopes: Iterable[str]) -> dict[str, int]:
    """The current version of each scope; a scope never seen starts now."""
    keys = {_version_key(s): s for s in scopes}
    found = cache.get_many(list(keys))
    versions = {}
    for key, scope in keys.items():
        if key not in found:
            found[key] = _now_ms()
            cache.add(key, found[key], timeout=None)
            found[key] = cache.get(key, found[key])
        versions[scope] = int(found[key])
    return versions


def _cacheable(request: Request) -> bool:
    return (
        request.method in ("GET", "HEAD")  # HEAD: the same validators, to revalidate with
        and not request.user.is_authenticated
        and getattr(request.accepted_renderer, "format", None) == "json"
    )


def _answer(content: bytes, content_type: str, etag: str, modified_ms: int) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    _stamp(response, etag, modified_ms)
    return response


def _stamp(response: HttpResponseBase, etag: str, modified_ms: int) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified_ms // 1000)
    # Shared caches may keep it but must revalidate: a change shows on the next request.
    response["Cache-Control"] = "public, no-cache"


def _not_modified(request: Request, etag: str, modified_ms: int) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in {tag.strip() for tag in if_none_match.split(",")} or if_none_match == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and modified_ms // 1000 <= since


def cached_public_list(*scopes: str) -> Callable:
    """Wrap a ViewSet's `list` so anonymous JSON pages are cached and conditional (see above)."""

    def decorate(method: Callable) -> Callable:
        @functools.wraps(method)
        def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not _cacheable(request):
                return method(self, request, *args, **kwargs)
            versions = scope_versions(scopes)
            modified = max(versions.values())
            stamp = ".".join(str(versions[s]) for s in scopes)
            path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
            key = f"{PREFIX}:page:{stamp}:{path}"
            seconds = int(getattr(settings, "LIST_CACHE_SECONDS", 30))
            hit = cache.get(key) if seconds > 0 else None
            if hit is None:
                response = method(self, request, *args, **kwargs)
                if response.status_code != 200:
                    return response
                renderer = request.accepted_renderer
                content = renderer.render(
                    response.data, request.accepted_media_type, self.get_renderer_context()
                )
                etag = quote_etag(hashlib.blake2b(content, digest_size=12).hexdigest())
                content_type = request.accepted_media_type
                hit = (content, content_type, etag)
                if seconds > 0:
                    cache.set(key, hit, timeout=seconds)
            content, content_type, etag = hit
            if _not_modified(request, etag, modified):
                response = HttpResponseNotModified()
                _stamp(response, etag, modified)
                return response
            return _answer(content, content_type, etag, modified)

        return wrapper

    return decorate
