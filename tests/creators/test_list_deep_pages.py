"""Deep list pages do per-row work for the page's rows only, never for the rows skipped."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creators.models import CreatorSkill
from tests.factories import CreatorFactory, ReelFactory

pytestmark = pytest.mark.django_db


def _page_query(api, path: str) -> str:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path)
    assert response.status_code == 200
    pages = [q["sql"] for q in ctx.captured_queries if "_capped_count" in q["sql"]]
    assert len(pages) == 1, [q["sql"] for q in ctx.captured_queries]
    return pages[0]


def _loops(plan: dict, relation: str) -> int:
    """The most loops any node reading `relation` ran in the plan."""
    own = plan.get("Actual Loops", 0) if plan.get("Relation Name") == relation else 0
    return max([own, *(_loops(p, relation) for p in plan.get("Plans", []))])


@pytest.mark.postgres
def test_a_deep_creator_page_aggregates_skills_for_its_rows_only(api):
    creators = [CreatorFactory() for _ in range(12)]
    for c in creators:
        CreatorSkill.objects.create(creator=c, model="kling-2.1-pro", provider="kling",
                                    reel_count=2, total_seconds=30)  # fmt: skip
    path = "/api/v1/creators/?page_size=2&page=5"
    body = api.get(path).json()
    assert [c["handle"] for c in body["results"]] == [c.handle for c in creators[8:10]]
    assert body["results"][0]["skills"][0]["model"] == "kling-2.1-pro"
    sql = _page_query(api, path)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    # Two rows shown, eight skipped: the skills sub-query runs twice, not ten times.
    assert _loops(plan, "creators_creatorskill") == 2


def test_deep_pages_read_the_ids_first_then_the_rows(api):
    """Same rows and order as a plain slice, for each list, on any database."""
    reels = [ReelFactory() for _ in range(7)]
    body = api.get("/api/v1/reels/?page_size=2&page=3").json()
    assert [r["id"] for r in body["results"]] == [r.pk for r in reels[::-1][4:6]]
    sql = _page_query(api, "/api/v1/reels/?page_size=2&page=3").upper()
    assert " IN (SELECT" in sql and "OFFSET" in sql
    by_handle = api.get("/api/v1/creators/?ordering=-handle&page_size=3&page=2").json()
    handles = sorted((r.creator.handle for r in reels), reverse=True)
    assert [c["handle"] for c in by_handle["results"]] == handles[3:6]
