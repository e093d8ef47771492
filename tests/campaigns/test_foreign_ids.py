"""Another tenant's id and an id that does not exist get the same answer (briefs and IPs)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import BrandFactory, IPAssetFactory, MembershipFactory

pytestmark = pytest.mark.django_db
MISSING = 99_999_999


def _brief(brand_id: int | None = None, ip_id: int | None = None) -> dict:
    now = timezone.now()
    body = {
        "title": "Teaser",
        "description": "A 15 second teaser.",
        "deliverables": [
            {"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "4k"}
        ],
        "budget_min": 50_000,
        "budget_max": 90_000,
        "currency": "USD",
        "bid_deadline": (now + timedelta(days=5)).isoformat(),
        "delivery_deadline": (now + timedelta(days=20)).isoformat(),
    }
    if brand_id is not None:
        body["brand"] = brand_id
    if ip_id is not None:
        body["ip"] = ip_id
    return body


def _same(a, b, foreign: int) -> None:  # type: ignore[no-untyped-def]
    """The two error bodies are equal once the ids in them are the same."""
    assert a.status_code == b.status_code == 400
    text_a = re.sub(str(foreign), "ID", a.content.decode())
    text_b = re.sub(str(MISSING), "ID", b.content.decode())
    assert text_a == text_b


@pytest.fixture
def mine_and_theirs(client_for):  # type: ignore[no-untyped-def]
    membership = MembershipFactory()
    theirs = BrandFactory()
    return client_for(membership.user), membership.brand, theirs


def test_brief_for_another_brand_or_a_missing_one_is_the_same_400(mine_and_theirs):
    api, _, theirs = mine_and_theirs
    foreign = api.post("/api/v1/briefs/", _brief(theirs.pk), format="json")
    missing = api.post("/api/v1/briefs/", _brief(MISSING), format="json")
    _same(foreign, missing, theirs.pk)
    assert "brand" in foreign.json()["error"]["fields"]


def test_brief_with_another_brands_ip_or_a_missing_one_is_the_same_400(mine_and_theirs):
    api, mine, theirs = mine_and_theirs
    their_ip = IPAssetFactory(brand=theirs)
    foreign = api.post("/api/v1/briefs/", _brief(mine.pk, their_ip.pk), format="json")
    missing = api.post("/api/v1/briefs/", _brief(mine.pk, MISSING), format="json")
    _same(foreign, missing, their_ip.pk)
    assert "ip" in foreign.json()["error"]["fields"]


def test_ip_for_another_brand_or_a_missing_one_is_the_same_400(mine_and_theirs):
    api, _, theirs = mine_and_theirs
    foreign = api.post("/api/v1/ips/", {"brand": theirs.pk, "name": "Cat"}, format="json")
    missing = api.post("/api/v1/ips/", {"brand": MISSING, "name": "Cat"}, format="json")
    _same(foreign, missing, theirs.pk)
