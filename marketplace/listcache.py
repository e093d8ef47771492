"""Anonymous list pages: conditional GET from the list version, and a short shared page cache.

Every public list belongs to one or more scopes ("creators", "reels", "briefs"). A scope's
version is the time (ms) of its last change, kept in the cache; the services that change what
a list shows call `lists_changed("creators", …)`, which sets the versions when their
transaction commits. Reading a version costs no database query: with a shared cache (Redis)
it is one cache read; with the database cache each process keeps the versions in a memo for at
most `LIST_VERSION_MEMO_SECONDS` (2 s; a change made by another process shows that much later,
one made by this process at once).

The validators come from the versions, not from the page: the `ETag` hashes the scope
versions, the URL and a time bucket of `LIST_STALE_SECONDS`, and `Last-Modified` is the newest
version (or the bucket's start, when later). So `If-None-Match` / `If-Modified-Since` that still
hold are answered 304 before any page query or rendering — here, and earlier still by
`PublicListMiddleware`, before sessions, authentication and DRF. The bucket bounds
how long a change that bypasses the services (a raw SQL fix) can hide behind a 304.

A page is cached under its ETag for `LIST_CACHE_SECONDS` (30 with a shared cache, else 0: off),
so a version change makes every older page unreachable at once. Only anonymous JSON GETs (and
HEADs, which answer GET's headers) are cached or validated: signed-in users see their own
drafts, bids and reels.
"""

import functools
import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe
from rest_framework.request import Request

PREFIX = "lists"
SCOPES_ATTRIBUTE = "public_list_scopes"
_memo: dict[str, tuple[int, float]] = {}  # scope → (version, monotonic time read)


def _version_key(scope: str) -> str:
    return f"{PREFIX}:v:{scope}"


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _memo_seconds() -> float:
    """How long this process may trust a version it read: 0 when reading costs no query."""
    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.endswith("DatabaseCache"):
        return 0.0
    return float(getattr(settings, "LIST_VERSION_MEMO_SECONDS", 2))


def lists_changed(*scopes: str) -> None:
    """Mark the lists of `scopes` changed once the current transaction commits.

    Services call this for every write that changes what an anonymous list page shows.
    """
    if not scopes:
        return

    def bump() -> None:
        now = _now_ms()
        cache.set_many({_version_key(s): now for s in scopes}, timeout=None)
        for scope in scopes:
            _memo.pop(scope, None)

    # robust: a cache outage after the commit is logged, never a 500 for a committed change.
    transaction.on_commit(bump, robust=True)


def scope_versions(scopes: Iterable[str]) -> dict[str, int]:
    """The current version of each scope (a scope never seen starts now), from the process
    memo while it is fresh (see the module docstring), else from the cache."""
    scopes = list(scopes)
    bound = _memo_seconds()
    now = time.monotonic()
    if bound:
        held = {s: _memo[s][0] for s in scopes if s in _memo and now - _memo[s][1] < bound}
        if len(held) == len(scopes):
            return held
    keys = {_version_key(s): s for s in scopes}
    found = cache.get_many(list(keys))
    versions = {}
    for key, scope in keys.items():
        if key not in found:
            cache.add(key, _now_ms(), timeout=None)
            found[key] = cache.get(key, _now_ms())
        versions[scope] = int(found[key])
        if bound:
            _memo[scope] = (versions[scope], now)
    return versions


def list_validators(full_path: str, scopes: Iterable[str]) -> tuple[str, int]:
    """The ETag and Last-Modified (ms) of an anonymous JSON page: from the scope versions,
    the URL and the staleness bucket, with no page query."""
    scopes = list(scopes)
    versions = scope_versions(scopes)
    stale_ms = max(1, int(getattr(settings, "LIST_STALE_SECONDS", 60))) * 1000
    bucket = _now_ms() // stale_ms
    modified = max(max(versions.values()), bucket * stale_ms)
    stamp = ".".join(str(versions[s]) for s in scopes)
    digest = hashlib.blake2b(f"{stamp}|{bucket}|{full_path}".encode(), digest_size=12)
    return f'"{digest.hexdigest()}"', modified


def not_modified(request: HttpRequest, etag: str, modified_ms: int) -> bool:
    """Whether the request's If-None-Match (or, without it, If-Modified-Since) still holds."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in tags or if_none_match.strip() == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and modified_ms // 1000 <= since


def not_modified_response(etag: str, modified_ms: int) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    _stamp(response, etag, modified_ms)
    return response


def _cacheable(request: Request) -> bool:
    return (
        request.method in ("GET", "HEAD")  # HEAD: the same validators, to revalidate with
        and not request.user.is_authenticated
        and getattr(request.accepted_renderer, "format", None) == "json"
    )


def _stamp(response: HttpResponseBase, etag: str, modified_ms: int) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified_ms // 1000)
    # Shared caches may keep it but must revalidate: a change shows on the next request.
    response["Cache-Control"] = "public, no-cache"


def page_answer(
    etag: str, modified_ms: int, make: Callable[[], tuple[bytes, str] | None]
) -> HttpResponse | None:
    """The page whose validators are `etag`/`modified_ms`: from the shared page cache when it
    holds it, else `make()` (its content and content type, then cached for
    `LIST_CACHE_SECONDS`); None when `make` gives None."""
    seconds = int(getattr(settings, "LIST_CACHE_SECONDS", 30))
    key = f"{PREFIX}:page:{etag.strip(chr(34))}"
    hit = cache.get(key) if seconds > 0 else None
    if hit is None:
        hit = make()
        if hit is None:
            return None
        if seconds > 0:
            cache.set(key, hit, timeout=seconds)
    content, content_type = hit
    answer = HttpResponse(content, content_type=content_type)
    _stamp(answer, etag, modified_ms)
    return answer


def cached_public_list(*scopes: str) -> Callable:
    """Wrap a ViewSet's `list` so anonymous JSON pages are conditional and cached (see above);
    the scopes are also named on the wrapper for `PublicListMiddleware`."""

    def decorate(method: Callable) -> Callable:
        @functools.wraps(method)
        def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not _cacheable(request):
                return method(self, request, *args, **kwargs)
            etag, modified = list_validators(request.get_full_path(), scopes)
            if not_modified(request, etag, modified):
                return not_modified_response(etag, modified)
            failed: list[HttpResponseBase] = []

            def make() -> tuple[bytes, str] | None:
                response = method(self, request, *args, **kwargs)
                if response.status_code != 200:
                    failed.append(response)
                    return None
                content = request.accepted_renderer.render(
                    response.data, request.accepted_media_type, self.get_renderer_context()
                )
                return content, request.accepted_media_type

            answer = page_answer(etag, modified, make)
            return answer if answer is not None else failed[0]

        setattr(wrapper, SCOPES_ATTRIBUTE, scopes)
        return wrapper

    return decorate
