"""Conditional GETs of public lists cost no page query; list versions cost no query either."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace import listcache
from tests.factories import CreatorFactory, ReelFactory

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/creators/?page_size=5", "/api/v1/reels/", "/api/v1/briefs/?page=1"]


@pytest.fixture(autouse=True)
def fresh_versions():  # type: ignore[no-untyped-def]
    cache.clear()
    listcache._memo.clear()
    yield
    cache.clear()
    listcache._memo.clear()


@pytest.mark.parametrize("path", LISTS)
def test_a_304_runs_no_page_query(api, brief_factory, django_assert_num_queries, path):
    """If-None-Match and If-Modified-Since that hold are answered before any page query (the
    page cache is off in tests: a 200 runs the page's query)."""
    CreatorFactory(handle="ana")
    ReelFactory(moderation="approved")
    brief_factory()
    first = api.get(path)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    with django_assert_num_queries(0):
        since = api.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    with django_assert_num_queries(0):
        head = api.head(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert head.status_code == 304


def test_a_stale_etag_gets_the_page(api, client_for, django_capture_on_commit_callbacks):
    ana = CreatorFactory(handle="ana", bio="")
    etag = api.get("/api/v1/creators/")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        client_for(ana.user).patch("/api/v1/creators/me/", {"bio": "neon"}, format="json")
    fresh = api.get("/api/v1/creators/", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh.json()["results"][0]["bio"] == "neon"
    assert fresh["ETag"] != etag


def test_signed_in_conditional_requests_reach_the_view(client_for):
    """Credentials skip the early 304: a signed-in user's list is their own, never validated
    from the anonymous versions."""
    creator = CreatorFactory()
    ReelFactory(creator=creator, moderation="pending")
    client = client_for(creator.user)
    response = client.get("/api/v1/reels/", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 200 and len(response.json()["results"]) == 1
    assert "ETag" not in response


def test_versions_from_the_database_cache_are_memoised_per_process(api, settings):
    """With the database cache, a list request reads the versions at most once per
    LIST_VERSION_MEMO_SECONDS; this process's own changes show at once."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "reelmatch_cache",
        }
    }
    settings.LIST_VERSION_MEMO_SECONDS = 60
    call_command("createcachetable", verbosity=0)
    CreatorFactory(handle="ana")
    first = api.get("/api/v1/creators/")
    with CaptureQueriesContext(connection) as ctx:
        again = api.get("/api/v1/creators/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert not [q for q in ctx.captured_queries if "reelmatch_cache" in q["sql"]]
    with CaptureQueriesContext(connection) as ctx:
        page = api.get("/api/v1/creators/")
    assert page.status_code == 200
    assert not [q for q in ctx.captured_queries if "reelmatch_cache" in q["sql"]]
    listcache.scope_versions(["creators"])  # memo hit: no query
    listcache._memo.clear()
    with CaptureQueriesContext(connection) as ctx:
        listcache.scope_versions(["creators"])
    assert [q for q in ctx.captured_queries if "reelmatch_cache" in q["sql"]]
