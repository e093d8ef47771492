"""Public creators and reels lists: the serializers' shape, fixed queries, no full count."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from creators.models import CreatorProfile, Reel
from creators.selectors import creators_public
from creators.serializers import CreatorSerializer, ReelSerializer
from creators.services import creator_refresh_showcase
from tests.factories import CreatorFactory, PortfolioFactory, ReelFactory, VideoFactory

pytestmark = pytest.mark.django_db

COUNT = re.compile(r"\bCOUNT\(", re.IGNORECASE)
CAPPED = re.compile(r"COUNT\(\*\) FROM \(", re.IGNORECASE)


def get_with_sql(client, url: str, params: dict | None = None):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return response.json(), [q["sql"] for q in ctx.captured_queries]


def capped_limits(sql: str) -> list[int]:
    """The LIMIT of each `COUNT(*) FROM (sub-query)` in `sql`; fails on any other COUNT.

    A count is bounded only when it counts a sub-query that ends in its own LIMIT.
    """
    limits = []
    for found in CAPPED.finditer(sql):
        depth, start = 1, found.end()
        end = start
        while depth:
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            end += 1
        inner = sql[start : end - 1]
        limit = re.search(r"\bLIMIT (\d+)\s*$", inner)
        assert limit, f"count over a sub-query without a LIMIT: {inner}"
        limits.append(int(limit.group(1)))
    assert len(limits) == len(COUNT.findall(sql)), f"a COUNT over the whole table: {sql}"
    return limits


def full_counts(sql: list[str]) -> list[str]:
    """Queries that count without a LIMIT of their own (capped_limits raises on them)."""
    for query in sql:
        capped_limits(query)
    return []


@pytest.fixture
def crowd() -> list[CreatorProfile]:
    """120 creators with one approved reel each; every tenth with skills from two models."""
    creators = []
    for i in range(120):
        creator = CreatorFactory(tags=["anime"] if i % 2 else ["product"])
        ReelFactory(creator=creator, video=VideoFactory(model=f"model-{i % 3}"))
        if i % 10 == 0:
            ReelFactory(creator=creator, video=VideoFactory(model="kling-2.1-pro", duration_s=7))
            creator_refresh_showcase(creator_id=creator.pk)
        creators.append(creator)
    return creators


def test_creator_list_items_equal_the_serializer(api):
    now = timezone.now()
    rich = CreatorFactory(
        handle="rich",
        bio="neon",
        languages=["en", "ja"],
        tags=["anime"],
        min_price_per_project=90_000,
        price_per_second=1_500,
        rate_currency="USD",
        tier="elite",
        verified=True,
        rating_sum=14,
        review_count=3,
        completed_contracts=3,
        on_time_contracts=2,
        last_active_at=now - timedelta(days=1),
    )
    CreatorFactory(handle="plain")  # no reviews, no contracts, never active
    for model, seconds in [("veo-3", 8), ("kling-2.1-pro", 10), ("kling-2.1-pro", 12)]:
        ReelFactory(creator=rich, video=VideoFactory(model=model, duration_s=seconds))
    creator_refresh_showcase(creator_id=rich.pk)
    body, _ = get_with_sql(api, "/api/v1/creators/")
    expected = CreatorSerializer(creators_public().order_by("id"), many=True).data
    assert body["results"] == [dict(item) for item in expected]
    skills = body["results"][0]["skills"]
    assert [(s["model"], s["reel_count"], s["total_seconds"]) for s in skills] == [
        ("kling-2.1-pro", 2, 22),
        ("veo-3", 1, 8),
    ]
    assert body["results"][0]["rating"] == 4.67
    assert body["results"][1]["skills"] == []


def test_reel_list_items_equal_the_serializer(api):
    creator = CreatorFactory()
    portfolio = PortfolioFactory(creator=creator)
    ReelFactory(creator=creator, portfolio=portfolio, tags=["anime", "neon"])
    ReelFactory(
        creator=creator,
        video=VideoFactory(seed=42, generated_at=timezone.now(), provider_task_id="task-1"),
    )
    body, _ = get_with_sql(api, "/api/v1/reels/")
    reels = Reel.objects.select_related("video", "creator").order_by("-id")
    assert body["results"] == [dict(item) for item in ReelSerializer(reels, many=True).data]


@pytest.mark.parametrize(("path", "total"), [("/api/v1/creators/", 120), ("/api/v1/reels/", 132)])
def test_lists_run_two_queries_and_never_count_the_whole_table(api, crowd, path, total):
    for size in (10, 100):
        body, sql = get_with_sql(api, path, {"page_size": size})
        assert len(body["results"]) == size
        assert (body["count"], body["count_capped"]) == (total, False)
        # one query: the page (skills or video and creator joined in) with the capped count
        assert len(sql) == 1, sql
        assert capped_limits(sql[0]) == [1001]
    body, sql = get_with_sql(api, path, {"page_size": 100, "page": 2})
    assert (len(body["results"]), body["count"], body["next"]) == (total - 100, total, None)
    assert len(sql) == 1


def test_filtered_creator_list_counts_under_a_limit(api, crowd):
    body, sql = get_with_sql(
        api, "/api/v1/creators/", {"tags": "product", "models": "kling-2.1-pro", "page_size": 5}
    )
    assert body["count"] == 12  # every tenth creator has the tag and the model
    assert len(sql) == 1 and full_counts(sql) == []


def test_count_stops_at_the_cap_and_next_still_leads_on(api, crowd, settings):
    settings.LIST_COUNT_CAP = 50
    body, sql = get_with_sql(api, "/api/v1/creators/", {"page_size": 20})
    assert (body["count"], body["count_capped"]) == (50, True)
    assert body["next"].endswith("page=2&page_size=20") or "page=2" in body["next"]
    assert len(sql) == 1 and capped_limits(sql[0]) == [51]
    # Deeper than the cap: the count reaches the end of the page asked for, and a bit further.
    body, _ = get_with_sql(api, "/api/v1/creators/", {"page_size": 20, "page": 3})
    assert (body["count"], body["count_capped"], len(body["results"])) == (60, True, 20)
    assert "page=4" in body["next"]
    body, _ = get_with_sql(api, "/api/v1/creators/", {"page_size": 20, "page": 6})
    assert (body["count"], body["count_capped"], body["next"]) == (120, False, None)
    past = api.get("/api/v1/creators/", {"page_size": 20, "page": 7})
    assert past.status_code == 200
    assert (past.json()["results"], past.json()["next"]) == ([], None)
    assert api.get("/api/v1/creators/", {"page": "zero"}).status_code == 404
    # `last` is the last page within the counted rows.
    last = api.get("/api/v1/creators/", {"page_size": 20, "page": "last"}).json()
    assert (len(last["results"]), last["previous"] is not None) == (20, True)


def test_suspension_hides_and_restores_reels_through_the_flag(client, api, staff):
    creator = CreatorFactory()
    reel = ReelFactory(creator=creator)
    assert [r["id"] for r in api.get("/api/v1/reels/").json()["results"]] == [reel.pk]
    client.force_login(staff)
    url = "/admin/creators/creatorprofile/"
    client.post(f"{url}{creator.pk}/suspend/", {"reason": "spam", "_previewed": "confirm"})
    assert Reel.objects.get(pk=reel.pk).creator_suspended is True
    body, sql = get_with_sql(api, "/api/v1/reels/")
    assert body["results"] == []
    # The count filters on the reel's own flag: no join to the creators.
    counted = sql[0].split("COUNT(*) FROM (", 1)[1].split(") AS _capped", 1)[0]
    assert "creator_suspended" in counted and "creators_creatorprofile" not in counted
    client.post(url, {"action": "unsuspend", "_selected_action": [creator.pk]})
    assert [r["id"] for r in api.get("/api/v1/reels/").json()["results"]] == [reel.pk]


def test_reel_posted_while_suspended_stays_hidden(client_for, api):
    creator = CreatorFactory(suspended=True)
    response = client_for(creator.user).post(
        "/api/v1/reels/",
        {
            "title": "Koi",
            "video": {
                "provider": "kling",
                "model": "kling-2.1-pro",
                "video_url": "https://cdn.example.com/koi.mp4",
                "duration_s": 5,
                "width": 1080,
                "height": 1920,
                "fps": 24,
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Reel.objects.get(pk=response.json()["id"]).creator_suspended is True
