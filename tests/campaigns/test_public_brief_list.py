"""The brief list reads values: the same items as BriefSerializer, no full count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Brief, BriefStatus
from campaigns.serializers import BriefSerializer
from tests.creators.test_public_lists import capped_limits

pytestmark = pytest.mark.django_db


def test_brief_list_items_equal_the_serializer(api, brief_factory, ip_factory, settings):
    settings.LIST_COUNT_CAP = 5
    ip = ip_factory(name="Koi Kingdom")
    brief_factory(
        ip=ip,
        brand=ip.brand,
        preferred_models=["kling-2.1-pro", "veo-3", "kling-2.1"],
        total_seconds=30,
        usage_territories=["us", "gb"],
        usage_term_months=12,
    )
    for _ in range(7):
        brief_factory()
    brief_factory(status=BriefStatus.DRAFT)
    with CaptureQueriesContext(connection) as ctx:
        body = api.get("/api/v1/briefs/", {"page_size": 3}).json()
    expected = BriefSerializer(
        Brief.objects.filter(status=BriefStatus.OPEN).select_related("brand", "ip")[:3], many=True
    ).data
    assert body["results"] == [dict(item) for item in expected]
    assert (body["count"], body["count_capped"]) == (5, True)
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len(sql) == 1  # the page, with the count capped at 6 rows as a sub-query
    assert capped_limits(sql[0]) == [6]
    last = api.get("/api/v1/briefs/", {"page_size": 3, "page": 3}).json()
    assert last["results"][-1]["ip_name"] == "Koi Kingdom"
    assert (
        last["results"][-1]["generation_cost"]
        == BriefSerializer(Brief.objects.get(ip=ip)).data["generation_cost"]
    )


def test_a_filter_that_can_match_nothing_answers_an_empty_page(client_for, creator_factory):
    """`mine` for a creator with another brand's id: the ORM knows it matches nothing (an empty
    IN), and the page is empty, never a 500 (found by the schema fuzzing)."""
    client = client_for(creator_factory().user)
    response = client.get("/api/v1/briefs/", {"mine": "true", "brand": 14699021})
    assert response.status_code == 200, response.json()
    assert response.json()["results"] == []
