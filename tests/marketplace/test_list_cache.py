"""Anonymous list pages: cached, conditional (ETag / Last-Modified), invalidated by services."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import BriefStatus
from marketplace import listcache
from tests.factories import CreatorFactory, ReelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):  # type: ignore[no-untyped-def]
    settings.LIST_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def handles(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [c["handle"] for c in response.json()["results"]]


def test_second_anonymous_request_is_served_from_the_cache(api):
    CreatorFactory(handle="ana")
    first = api.get("/api/v1/creators/?page_size=5")
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    assert first["Cache-Control"] == "public, no-cache"
    with CaptureQueriesContext(connection) as ctx:
        second = api.get("/api/v1/creators/?page_size=5")
    assert len(ctx.captured_queries) == 0
    assert second.content == first.content and second["ETag"] == first["ETag"]
    # Another URL is cached apart, under its own ETag (from the list versions and the URL).
    assert api.get("/api/v1/creators/?page_size=6")["ETag"] != first["ETag"]
    assert api.get("/api/v1/creators/?search=zzz").json()["results"] == []


def test_head_carries_the_validators_of_get(api):
    """`curl -I` to learn the ETag, then a conditional GET with it: 304 (the README does this)."""
    CreatorFactory(handle="ana")
    head = api.head("/api/v1/creators/?page_size=50")
    get = api.get("/api/v1/creators/?page_size=50")
    assert head.status_code == 200 and head["ETag"] == get["ETag"]
    assert head["Last-Modified"] == get["Last-Modified"]
    etag = head["ETag"]
    assert api.get("/api/v1/creators/?page_size=50", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api.head("/api/v1/creators/?page_size=50", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_conditional_get_answers_304_until_a_service_changes_the_list(
    api, client_for, django_capture_on_commit_callbacks
):
    ana = CreatorFactory(handle="ana", bio="")
    first = api.get("/api/v1/creators/")
    etag = first["ETag"]
    assert api.get("/api/v1/creators/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    since = first["Last-Modified"]
    assert api.get("/api/v1/creators/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ana.user).patch(
            "/api/v1/creators/me/", {"bio": "neon noir"}, format="json"
        )
    assert response.status_code == 200
    fresh = api.get("/api/v1/creators/", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh.json()["results"][0]["bio"] == "neon noir"
    assert fresh["ETag"] != etag


def test_reel_moderation_invalidates_the_reel_list(
    api, client, staff, django_capture_on_commit_callbacks
):
    reel = ReelFactory()
    assert [r["id"] for r in api.get("/api/v1/reels/").json()["results"]] == [reel.pk]
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/creators/reel/",
            {"action": "reject", "_selected_action": [reel.pk], "reason": "blurry"},
        )
    assert api.get("/api/v1/reels/").json()["results"] == []


def test_brief_approval_invalidates_the_brief_list(
    api, client_for, staff, brief_factory, django_capture_on_commit_callbacks
):
    brief = brief_factory(status=BriefStatus.IN_REVIEW)
    assert api.get("/api/v1/briefs/").json()["results"] == []
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(staff).post(f"/api/v1/briefs/{brief.pk}/approve/").status_code == 200
    assert [b["id"] for b in api.get("/api/v1/briefs/").json()["results"]] == [brief.pk]


def test_signed_in_users_are_not_served_cached_pages(api, client_for):
    creator = CreatorFactory()
    api.get("/api/v1/reels/")  # caches the anonymous page (no reels)
    mine = ReelFactory(creator=creator, moderation="pending")
    response = client_for(creator.user).get("/api/v1/reels/")
    assert [r["id"] for r in response.json()["results"]] == [mine.pk]
    assert "ETag" not in response


def test_a_change_behind_the_services_shows_once_the_ttl_ends(api, settings, monkeypatch):
    """Validators come from the list versions: a change no service announced (a factory, a raw
    SQL fix) shows at once on a plain GET, and on a conditional one once LIST_STALE_SECONDS
    have passed."""
    settings.LIST_CACHE_SECONDS = 0  # no page cache: conditional GET still works
    settings.LIST_STALE_SECONDS = 60
    clock = [1_800_000_000.0]
    monkeypatch.setattr(listcache.time, "time_ns", lambda: int(clock[0] * 1e9))
    CreatorFactory(handle="ana")
    first = api.get("/api/v1/creators/")
    CreatorFactory(handle="bo")  # a factory: no service, no version bump
    assert handles(api.get("/api/v1/creators/")) == ["ana", "bo"]
    assert api.get("/api/v1/creators/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    clock[0] += 60
    fresh = api.get("/api/v1/creators/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and handles(fresh) == ["ana", "bo"]
