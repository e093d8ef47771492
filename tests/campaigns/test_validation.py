"""Every invalid field answers 400 naming it, and nothing is written."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Bid, BrandMembership, Brief, Invitation, IPAsset

pytestmark = pytest.mark.django_db


def later(**kwargs: float) -> str:
    return (timezone.now() + timedelta(**kwargs)).isoformat()


DELIVERABLE = {"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "1080p"}


def brief_body(**overrides):  # type: ignore[no-untyped-def]
    body = {
        "title": "Teaser",
        "description": "A vertical teaser.",
        "deliverables": [DELIVERABLE],
        "budget_min": 10_000,
        "budget_max": 20_000,
        "currency": "USD",
        "bid_deadline": later(days=5),
        "delivery_deadline": later(days=20),
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
def brand(brand_factory):  # type: ignore[no-untyped-def]
    return brand_factory()


@pytest.fixture
def owner(client_for, brand, member_of):  # type: ignore[no-untyped-def]
    return client_for(member_of(brand))


def test_valid_brief_body_is_accepted(owner):
    response = owner.post("/api/v1/briefs/", brief_body(), format="json")
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": None}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"description": None}, "description"),
        ({"budget_min": 0}, "budget_min"),
        ({"budget_min": -5}, "budget_min"),
        ({"budget_min": "lots"}, "budget_min"),
        ({"budget_max": 5_000}, "budget_max"),
        ({"budget_max": 10**13}, "budget_max"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": None}, "currency"),
        ({"bid_deadline": later(minutes=-1)}, "bid_deadline"),
        ({"bid_deadline": "tomorrow"}, "bid_deadline"),
        ({"delivery_deadline": later(days=4)}, "delivery_deadline"),
        ({"delivery_deadline": None}, "delivery_deadline"),
        ({"deliverables": []}, "deliverables"),
        ({"deliverables": None}, "deliverables"),
        ({"deliverables": "one reel"}, "deliverables"),
        ({"deliverables": [{**DELIVERABLE, "count": 0}]}, "deliverables"),
        ({"deliverables": [{**DELIVERABLE, "count": 51}]}, "deliverables"),
        ({"deliverables": [{**DELIVERABLE, "duration_s": 0}]}, "deliverables"),
        ({"deliverables": [{**DELIVERABLE, "duration_s": 601}]}, "deliverables"),
        ({"deliverables": [{**DELIVERABLE, "aspect_ratio": "2:1"}]}, "deliverables"),
        ({"deliverables": [{**DELIVERABLE, "resolution": "8k"}]}, "deliverables"),
        ({"deliverables": [{"count": 1}]}, "deliverables"),
        ({"deliverables": [DELIVERABLE] * 21}, "deliverables"),
        ({"slots": 0}, "slots"),
        ({"visibility": "secret"}, "visibility"),
        ({"min_tier": "gold"}, "min_tier"),
        ({"tags": "anime"}, "tags"),
        ({"preferred_models": ["not a model!"]}, "preferred_models"),
        ({"languages": [f"l{i}" for i in range(11)]}, "languages"),
        ({"usage_rights": {"term_months": 0}}, "usage_rights"),
        ({"usage_rights": {"territories": ["USA"]}}, "usage_rights"),
        ({"usage_rights": "forever"}, "usage_rights"),
        ({"ip": 999_999}, "ip"),
        ({"brand": 999_999}, "brand"),
    ],
)
def test_invalid_brief_field_is_400_naming_it(owner, overrides, field):
    response = owner.post("/api/v1/briefs/", brief_body(**overrides), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert not Brief.objects.exists()


def test_brief_for_a_brand_you_are_not_in_is_400_naming_brand(owner, brand_factory):
    other = brand_factory()
    response = owner.post("/api/v1/briefs/", brief_body(brand=other.pk), format="json")
    assert response.status_code == 400
    assert "brand" in response.json()["error"]["fields"]


def test_brand_is_required_when_you_belong_to_several(owner, brand_factory, member_of, client_for):
    user = member_of(brand_factory())
    member_of_both = BrandMembership.objects.create(brand=brand_factory(), user=user)
    response = client_for(member_of_both.user).post("/api/v1/briefs/", brief_body(), format="json")
    assert response.status_code == 400
    assert "brand" in response.json()["error"]["fields"]


def test_ip_of_another_brand_is_400_naming_ip(owner, ip_factory):
    foreign = ip_factory()
    response = owner.post("/api/v1/briefs/", brief_body(ip=foreign.pk), format="json")
    assert response.status_code == 400
    assert "ip" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "patch, field",
    [
        ({"budget_max": 1}, "budget_max"),
        ({"budget_min": 10**9}, "budget_max"),
        ({"bid_deadline": later(days=60)}, "delivery_deadline"),
        ({"deliverables": []}, "deliverables"),
        ({"currency": "ABC"}, "currency"),
    ],
)
def test_invalid_brief_edit_is_400_naming_the_field(owner, brief_factory, brand, patch, field):
    brief = brief_factory(brand=brand, status="draft")
    response = owner.patch(f"/api/v1/briefs/{brief.pk}/", patch, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    brief.refresh_from_db()
    assert (brief.budget_min, brief.budget_max, brief.currency) == (50_000, 100_000, "USD")


def test_reject_needs_a_reason(client_for, staff, brief_factory):
    brief = brief_factory(status="in_review")
    response = client_for(staff).post(f"/api/v1/briefs/{brief.pk}/reject/", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]


# Bids -------------------------------------------------------------------------------------


@pytest.fixture
def bidder(creator_factory):  # type: ignore[no-untyped-def]
    return creator_factory()


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "amount"),
        ({"amount": 0}, "amount"),
        ({"amount": -100}, "amount"),
        ({"amount": "a lot"}, "amount"),
        ({"amount": 10**13}, "amount"),
        ({"amount": 1000, "currency": "EUR"}, "currency"),
        ({"amount": 1000, "delivery_days": 0}, "delivery_days"),
        ({"amount": 1000, "pitch": "x" * 5001}, "pitch"),
        ({"amount": 1000, "sample_reels": [999_999]}, "sample_reels"),
        ({"amount": 1000, "sample_reels": "1"}, "sample_reels"),
        ({"amount": 1000, "sample_reels": list(range(1, 12))}, "sample_reels"),
    ],
)
def test_invalid_bid_field_is_400_naming_it(client_for, brief_factory, bidder, body, field):
    brief = brief_factory()
    response = client_for(bidder.user).post(f"/api/v1/briefs/{brief.pk}/bids/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert not Bid.objects.exists()


@pytest.mark.parametrize("whose, moderation", [("other", "approved"), ("own", "pending")])
def test_sample_reels_must_be_your_own_approved_reels(
    client_for, brief_factory, bidder, reel_factory, whose, moderation
):
    reel = reel_factory(moderation=moderation, **({"creator": bidder} if whose == "own" else {}))
    response = client_for(bidder.user).post(
        f"/api/v1/briefs/{brief_factory().pk}/bids/",
        {"amount": 1000, "sample_reels": [reel.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "sample_reels" in response.json()["error"]["fields"]
    assert not Bid.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"amount": 0}, "amount"),
        ({"currency": "GBP"}, "currency"),
        ({"sample_reels": [0]}, "sample_reels"),
    ],
)
def test_invalid_bid_edit_is_400_naming_it(client_for, bid_factory, body, field):
    bid = bid_factory()
    response = client_for(bid.creator.user).patch(f"/api/v1/bids/{bid.pk}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    bid.refresh_from_db()
    assert bid.amount == 60_000


# IP, invitations, brands, members ---------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": None}, "name"),
        ({"territories": ["USA"]}, "territories"),
        ({"term_months": 0}, "term_months"),
        ({"reference_links": ["http://insecure.example.com"]}, "reference_links"),
        ({"brand": 999_999}, "brand"),
        ({"brand": None}, "brand"),
    ],
)
def test_invalid_ip_field_is_400_naming_it(owner, brand, overrides, field):
    body = {"brand": brand.pk, "name": "Noodle Cat", **overrides}
    body = {k: v for k, v in body.items() if v is not None}
    response = owner.post("/api/v1/ips/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert not IPAsset.objects.exists()


def test_ip_for_a_brand_you_are_not_in_is_400_naming_brand(owner, brand_factory):
    response = owner.post(
        "/api/v1/ips/", {"brand": brand_factory().pk, "name": "Theirs"}, format="json"
    )
    assert response.status_code == 400
    assert "brand" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "creator_kwargs, handle",
    [
        (None, "nobody"),
        ({"handle": "gone", "suspended": True}, "gone"),
        ({"handle": "junior", "tier": "standard"}, "junior"),
        (None, ""),
    ],
)
def test_invalid_invitation_is_400_naming_handle(
    owner, brand, brief_factory, creator_factory, creator_kwargs, handle
):
    brief = brief_factory(brand=brand, min_tier="partner")
    if creator_kwargs:
        creator_factory(**creator_kwargs)
    response = owner.post(
        f"/api/v1/briefs/{brief.pk}/invitations/", {"handle": handle}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert "handle" in response.json()["error"]["fields"]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": ""}, "name"),
        ({"name": "Ok", "website": "not a url"}, "website"),
    ],
)
def test_invalid_brand_is_400_naming_it(owner, body, field):
    response = owner.post("/api/v1/brands/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "someone@example.com", "role": "admin"}, "role"),
    ],
)
def test_invalid_member_is_400_naming_it(owner, brand, user_factory, body, field):
    user_factory(email="someone@example.com")
    response = owner.post(f"/api/v1/brands/{brand.pk}/members/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert BrandMembership.objects.filter(brand=brand).count() == 1
