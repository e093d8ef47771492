"""With a read replica, public lists and matching read from it; a user who just wrote reads
the primary for a short window. The replica is Django's TEST MIRROR of the primary."""

import pytest
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext

from marketplace import dbrouter, pagesql
from tests.factories import CreatorFactory, ReelFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def replica(settings):  # type: ignore[no-untyped-def]
    settings.READ_REPLICA = "replica"
    settings.READ_YOUR_WRITES_SECONDS = 10
    pagesql._compiled.clear()
    yield
    pagesql._compiled.clear()


def _where(client, path: str, **extra):  # type: ignore[no-untyped-def]
    """The response and the SQL run on each alias while serving it."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as mirror,
    ):
        response = client.get(path, **extra)
    return response, [q["sql"] for q in primary], [q["sql"] for q in mirror]


def _page_queries(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if "_capped_count" in sql]


@pytest.mark.parametrize("path", ["/api/v1/creators/", "/api/v1/reels/", "/api/v1/briefs/"])
def test_public_lists_read_from_the_replica(api, brief_factory, path):
    ReelFactory(moderation="approved")
    brief_factory()
    for _ in range(2):  # the first request compiles the page, the second reuses its SQL
        response, primary, mirror = _where(api, path)
        assert response.status_code == 200 and response.json()["results"]
        assert _page_queries(mirror) and not _page_queries(primary)


def test_other_reads_and_every_write_use_the_primary(api, client_for):
    creator = CreatorFactory()
    client = client_for(creator.user)
    response, primary, mirror = _where(client, "/api/v1/creators/me/")
    assert response.status_code == 200 and primary and not mirror
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as mirror,
    ):
        answer = client.patch("/api/v1/creators/me/", {"bio": "neon"}, format="json")
    assert answer.status_code == 200
    assert any(q["sql"].startswith("UPDATE") for q in primary) and not mirror.captured_queries


def test_a_user_who_just_wrote_reads_the_primary_until_the_window_ends(client_for, monkeypatch):
    """Token clients may keep no cookies: the cache mark under their user id does it."""
    creator = CreatorFactory()
    client = client_for(creator.user)
    _, _, mirror = _where(client, "/api/v1/reels/")
    assert _page_queries(mirror)  # no write yet: the replica
    assert client.patch("/api/v1/creators/me/", {"bio": "x"}, format="json").status_code == 200
    client.cookies.clear()  # a client that keeps no cookies
    response, primary, mirror = _where(client, "/api/v1/reels/")
    assert response.status_code == 200
    assert _page_queries(primary) and not _page_queries(mirror)
    # Another user is not affected.
    _, _, other = _where(client_for(CreatorFactory().user), "/api/v1/reels/")
    assert _page_queries(other)
    # Once the window has passed (the mark expires with it), back to the replica.
    cache.delete(dbrouter._writer_key(creator.user.pk))
    _, _, mirror = _where(client, "/api/v1/reels/")
    assert _page_queries(mirror)


def test_the_signed_cookie_of_a_write_keeps_a_browser_on_the_primary(client, monkeypatch):
    creator = CreatorFactory()
    client.force_login(creator.user)
    response = client.patch("/api/v1/creators/me/", {"bio": "y"}, content_type="application/json")
    assert response.status_code == 200 and dbrouter.COOKIE in response.cookies
    client.logout()  # now anonymous, but the cookie of the write is still there
    client.cookies[dbrouter.COOKIE] = response.cookies[dbrouter.COOKIE].value
    _, primary, mirror = _where(client, "/api/v1/reels/")
    assert _page_queries(primary) and not _page_queries(mirror)
    clock = dbrouter.time.time() + 11
    monkeypatch.setattr(dbrouter.time, "time", lambda: clock)
    _, primary, mirror = _where(client, "/api/v1/reels/")
    assert _page_queries(mirror) and not _page_queries(primary)
    client.cookies[dbrouter.COOKIE] = "forged"
    _, _, mirror = _where(client, "/api/v1/reels/")
    assert _page_queries(mirror)


def test_without_a_replica_everything_reads_the_primary(api, settings):
    settings.READ_REPLICA = ""
    ReelFactory(moderation="approved")
    _, primary, mirror = _where(api, "/api/v1/reels/")
    assert _page_queries(primary) and not mirror


def test_the_matches_of_a_brief_read_from_the_replica(client_for, brief_factory, member_of):
    brief = brief_factory(status="open")
    member = member_of(brief.brand)
    CreatorFactory(tags=["anime"])
    response, primary, mirror = _where(client_for(member), f"/api/v1/briefs/{brief.pk}/matches/")
    assert response.status_code == 200, response.content
    assert any("creators_creatorprofile" in sql for sql in mirror)
    assert not any("creators_creatorprofile" in sql and "SELECT" in sql for sql in primary)
