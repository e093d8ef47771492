"""The whole brand journey through the API, from registration to contracts awaiting funding."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Bid, Brief, Contract
from marketplace.models import AuditLog, Notification

pytestmark = pytest.mark.django_db


def iso(delta: timedelta) -> str:
    return (timezone.now() + delta).isoformat()


def register_brand(api):  # type: ignore[no-untyped-def]
    response = api.post(
        "/api/v1/auth/register/",
        {
            "email": "owner@neon.test",
            "password": "Kling-Dreams-42",
            "role": "brand",
            "brand_name": "Neon Noodle Co",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    return client, response.json()["user"]["brands"][0]["id"]


@pytest.mark.parametrize("slots", [1, 2])
def test_brand_journey(api, client_for, staff, creator_factory, reel_factory, slots):
    brand, brand_id = register_brand(api)

    ip = brand.post(
        "/api/v1/ips/",
        {
            "brand": brand_id,
            "name": "Noodle Cat",
            "exclusive": True,
            "territories": ["us", "GB"],
            "term_months": 24,
            "channels": ["TikTok", "YouTube Shorts"],
            "reference_links": ["https://neon.test/noodle-cat"],
        },
        format="json",
    )
    assert ip.status_code == 201, ip.json()
    assert ip.json()["territories"] == ["US", "GB"]
    assert ip.json()["channels"] == ["tiktok", "youtube-shorts"]

    created = brand.post(
        "/api/v1/briefs/",
        {
            "ip": ip.json()["id"],
            "title": "Noodle Cat teaser",
            "description": "A 15 second vertical teaser and two square cut-downs.",
            "tags": ["Anime", "food"],
            "preferred_models": ["Kling-2.1-Pro"],
            "languages": ["EN"],
            "deliverables": [
                {"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "1080p"},
                {"count": 2, "duration_s": 6, "aspect_ratio": "1:1", "resolution": "720p"},
            ],
            "budget_min": 50_000,
            "budget_max": 120_000,
            "currency": "usd",
            "bid_deadline": iso(timedelta(days=7)),
            "delivery_deadline": iso(timedelta(days=21)),
            "slots": slots,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    brief = created.json()
    assert brief["status"] == "draft"
    assert brief["brand"] == brand_id
    assert brief["currency"] == "USD"
    assert brief["tags"] == ["anime", "food"]
    assert brief["preferred_models"] == ["kling-2.1-pro"]
    assert brief["total_seconds"] == 15 + 2 * 6
    # No usage rights given: the brief takes the IP's default licence terms.
    assert brief["usage_rights"] == {
        "exclusive": True,
        "territories": ["US", "GB"],
        "term_months": 24,
        "channels": ["tiktok", "youtube-shorts"],
        "perpetual": False,
    }
    url = f"/api/v1/briefs/{brief['id']}/"

    # A draft is private to the brand.
    assert api.get(url).status_code == 404

    submitted = brand.post(url + "submit/")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "in_review"

    approved = client_for(staff).post(url + "approve/")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "open"
    assert Notification.objects.filter(kind="brief_approved").count() == 1

    # Now public: anyone can read it.
    assert api.get(url).status_code == 200

    creators = [creator_factory(tier=tier) for tier in ("standard", "partner", "elite")]
    bids = []
    for n, creator in enumerate(creators):
        reel = reel_factory(creator=creator)
        response = client_for(creator.user).post(
            url + "bids/",
            {"amount": 60_000 + n * 10_000, "pitch": "Pick me", "sample_reels": [reel.pk]},
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["status"] == "submitted"
        assert response.json()["currency"] == "USD"
        bids.append(response.json())
    assert Notification.objects.filter(kind="bid_new").count() == 3

    listed = brand.get(url + "bids/")
    assert listed.status_code == 200
    assert listed.json()["count"] == 3

    shortlisted = brand.post(f"/api/v1/bids/{bids[1]['id']}/shortlist/")
    assert shortlisted.status_code == 200, shortlisted.json()
    assert shortlisted.json()["status"] == "shortlisted"

    accepted = brand.post(f"/api/v1/bids/{bids[1]['id']}/accept/")
    assert accepted.status_code == 200, accepted.json()
    contract = accepted.json()["contract"]
    assert accepted.json()["bid"]["status"] == "accepted"
    assert accepted.json()["bid"]["contract"] == contract["id"]
    assert contract["status"] == "awaiting_funding"
    assert contract["amount"] == 70_000
    assert contract["currency"] == "USD"
    assert contract["creator_tier"] == "partner"
    assert contract["fee_bps"] == 1000
    assert contract["fee"] == 7_000
    assert contract["creator_net"] == 63_000
    assert contract["deliverables"] == brief["deliverables"]
    assert contract["usage_rights"] == brief["usage_rights"]
    assert contract["max_revisions"] == 2

    if slots == 1:
        statuses = {b.pk: b.status for b in Bid.objects.all()}
        assert statuses == {
            bids[0]["id"]: "rejected",
            bids[1]["id"]: "accepted",
            bids[2]["id"]: "rejected",
        }
        assert Brief.objects.get(pk=brief["id"]).status == "awarded"
    else:
        assert Brief.objects.get(pk=brief["id"]).status == "open"
        second = brand.post(f"/api/v1/bids/{bids[2]['id']}/accept/")
        assert second.status_code == 200, second.json()
        assert second.json()["contract"]["fee"] == 6_400  # elite: 8% of 80,000
        assert Brief.objects.get(pk=brief["id"]).status == "awarded"
        assert Bid.objects.get(pk=bids[0]["id"]).status == "rejected"
        assert Contract.objects.filter(status="awaiting_funding").count() == 2
        third = brand.post(f"/api/v1/bids/{bids[0]['id']}/accept/")
        assert third.status_code == 409
        assert third.json()["error"]["current_state"] == "awarded"

    assert Contract.objects.count() == slots
    assert Brief.objects.get(pk=brief["id"]).status == "awarded"
    rejected_creator = creators[0].user
    assert Notification.objects.filter(user=rejected_creator, kind="bid_rejected").exists()
    assert Notification.objects.filter(user=creators[1].user, kind="bid_shortlisted").exists()
    assert Notification.objects.filter(user=creators[1].user, kind="bid_accepted").exists()
    verbs = set(
        AuditLog.objects.filter(object_type="campaigns.brief").values_list("verb", flat=True)
    )
    assert {"create", "submit", "approve", "award"} <= verbs

    # Both parties see the contract; the creator's own bid list shows it accepted.
    mine = client_for(creators[1].user).get("/api/v1/contracts/")
    assert mine.json()["count"] == 1
    assert brand.get("/api/v1/contracts/").json()["count"] == slots


def test_rejected_brief_is_edited_and_resubmitted(client_for, staff, brief_factory, member_of):
    brief = brief_factory(status="in_review", submitted_at=timezone.now())
    owner = client_for(member_of(brief.brand))
    url = f"/api/v1/briefs/{brief.pk}/"

    rejected = client_for(staff).post(url + "reject/", {"reason": "No logo usage rights"})
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "No logo usage rights"
    assert Notification.objects.filter(kind="brief_rejected").count() == 1

    edited = owner.patch(
        url, {"usage_rights": {"exclusive": False, "channels": ["web"]}}, format="json"
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["usage_rights"]["channels"] == ["web"]

    resubmitted = owner.post(url + "submit/")
    assert resubmitted.status_code == 200
    assert resubmitted.json()["status"] == "in_review"
    assert resubmitted.json()["rejection_reason"] is None


def test_close_then_accept_awards_and_cancel_rejects_live_bids(
    client_for, brief_factory, bid_factory, member_of
):
    brief = brief_factory(slots=1)
    owner = client_for(member_of(brief.brand))
    first, second = bid_factory(brief=brief), bid_factory(brief=brief)

    closed = owner.post(f"/api/v1/briefs/{brief.pk}/close/")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    # Bids made before closing can still be accepted.
    accepted = owner.post(f"/api/v1/bids/{first.pk}/accept/")
    assert accepted.status_code == 200
    brief.refresh_from_db()
    second.refresh_from_db()
    assert brief.status == "awarded"
    assert second.status == "rejected"

    other = brief_factory(brand=brief.brand)
    live = [bid_factory(brief=other), bid_factory(brief=other)]
    bid_factory(brief=other, status="withdrawn")
    cancelled = owner.post(f"/api/v1/briefs/{other.pk}/cancel/")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert {Bid.objects.get(pk=b.pk).status for b in live} == {"rejected"}
    assert Bid.objects.filter(brief=other, status="withdrawn").count() == 1


def test_cancel_refused_while_the_brief_has_a_contract(
    client_for, brief_factory, bid_factory, member_of
):
    brief = brief_factory(slots=2)
    owner = client_for(member_of(brief.brand))
    bid = bid_factory(brief=brief)
    assert owner.post(f"/api/v1/bids/{bid.pk}/accept/").status_code == 200
    response = owner.post(f"/api/v1/briefs/{brief.pk}/cancel/")
    assert response.status_code == 409
    assert response.json()["error"]["current_state"] == "open"
