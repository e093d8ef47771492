"""Brief list filters, search and ordering (each a subset of what the caller may see)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import BriefStatus, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def briefs(brief_factory, brand_factory):  # type: ignore[no-untyped-def]
    now = timezone.now()
    neon = brand_factory(name="Neon Noodle")
    return {
        "anime": brief_factory(
            brand=neon,
            title="Anime opener",
            tags=["anime", "retro"],
            preferred_models=["kling-2.1-pro"],
            languages=["ja"],
            budget_min=10_000,
            budget_max=30_000,
            currency="JPY",
            bid_deadline=now + timedelta(days=2),
        ),
        "product": brief_factory(
            title="Product spin",
            description="A sneaker on a turntable",
            tags=["product"],
            preferred_models=["veo-3"],
            languages=["en"],
            budget_min=100_000,
            budget_max=200_000,
            bid_deadline=now + timedelta(days=9),
            min_tier="partner",
        ),
        "fashion": brief_factory(
            title="Fashion loop",
            tags=["fashion", "retro"],
            preferred_models=["sora-2", "veo-3"],
            budget_min=50_000,
            budget_max=80_000,
            currency="EUR",
            bid_deadline=now + timedelta(days=5),
        ),
    }


def ids(api, **params):  # type: ignore[no-untyped-def]
    response = api.get("/api/v1/briefs/", params)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"tags": "retro"}, {"anime", "fashion"}),
        ({"tags": "retro,anime"}, {"anime"}),
        ({"tags": "Retro"}, {"anime", "fashion"}),
        ({"models": "veo-3"}, {"product", "fashion"}),
        ({"models": "Kling-2.1-Pro,sora-2"}, {"anime", "fashion"}),
        ({"language": "ja"}, {"anime"}),
        ({"currency": "eur"}, {"fashion"}),
        ({"budget_gte": 90_000}, {"product"}),
        ({"budget_lte": 50_000}, {"anime", "fashion"}),
        ({"min_tier": "partner"}, {"product"}),
        ({"search": "sneaker"}, {"product"}),
        ({"search": "neon noodle"}, {"anime"}),
        ({"status": "open"}, {"anime", "product", "fashion"}),
        ({"status": "draft"}, set()),
        ({"visibility": "invite_only"}, set()),
    ],
)
def test_filters_and_search(api, briefs, params, expected):
    assert ids(api, **params) == {briefs[name].pk for name in expected}


def test_deadline_range_and_brand(api, briefs):
    now = timezone.now()
    within = ids(
        api,
        bid_deadline_after=(now + timedelta(days=3)).isoformat(),
        bid_deadline_before=(now + timedelta(days=10)).isoformat(),
    )
    assert within == {briefs["product"].pk, briefs["fashion"].pk}
    assert ids(api, brand=briefs["anime"].brand_id) == {briefs["anime"].pk}


@pytest.mark.parametrize(
    "ordering, expected",
    [
        ("bid_deadline", ["anime", "fashion", "product"]),
        ("-budget_max", ["product", "fashion", "anime"]),
        ("budget_min", ["anime", "fashion", "product"]),
    ],
)
def test_ordering(api, briefs, ordering, expected):
    response = api.get("/api/v1/briefs/", {"ordering": ordering})
    assert [row["id"] for row in response.json()["results"]] == [briefs[n].pk for n in expected]


def test_members_filter_their_own_briefs_in_any_state(client_for, briefs, brief_factory, member_of):
    brand = briefs["anime"].brand
    draft = brief_factory(brand=brand, status=BriefStatus.DRAFT)
    invite = brief_factory(brand=brand, visibility=Visibility.INVITE_ONLY)
    member = client_for(member_of(brand))
    assert ids(member, mine="true") == {briefs["anime"].pk, draft.pk, invite.pk}
    assert ids(member, status="draft") == {draft.pk}
    assert ids(member, status=["draft", "open"], mine="true") == {
        briefs["anime"].pk,
        draft.pk,
        invite.pk,
    }
    assert ids(member, visibility="invite_only") == {invite.pk}


def test_brief_exposes_total_seconds(api, brief_factory, client_for, member_of):
    brief = brief_factory(status=BriefStatus.DRAFT)
    owner = client_for(member_of(brief.brand))
    response = owner.patch(
        f"/api/v1/briefs/{brief.pk}/",
        {
            "deliverables": [
                {"count": 3, "duration_s": 10, "aspect_ratio": "16:9", "resolution": "4k"},
                {"count": 1, "duration_s": 45, "aspect_ratio": "4:5", "resolution": "720p"},
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["total_seconds"] == 75
