"""Paid test shots: a brand member offers a bidder a small paid test instead of unpaid spec
work; it funds, delivers and pays like any one-milestone contract, takes no slot and grants
usage rights only once that creator's bid is accepted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Contract
from marketplace.models import Notification
from payments.reconcile import reconcile
from tests.constants import VIDEO
from tests.factories import BidFactory, BriefFactory, CreatorFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

CLIP = {"count": 1, "duration_s": 5, "aspect_ratio": "9:16", "resolution": "720p"}
# kling-2.1-pro: 0.112 USD a second x 5 s x 4 generations = 2.24 USD.
MINIMUM = 224


def offer(client, brief, bid, **overrides):  # type: ignore[no-untyped-def]
    body = {
        "bid": bid.pk,
        "fee": 5_000,
        "deliverable": CLIP,
        "due_date": (timezone.now() + timedelta(days=3)).isoformat(),
        "note": "Show us the mascot waving.",
        **overrides,
    }
    return client.post(f"/api/v1/briefs/{brief.pk}/test-shots/", body, format="json")


@pytest.fixture
def open_brief(client_for):  # type: ignore[no-untyped-def]
    brief = BriefFactory(slots=1, usage_term_months=12, usage_territories=["US"])
    owner = MembershipFactory(brand=brief.brand).user
    bid = BidFactory(brief=brief, creator=CreatorFactory())
    return brief, client_for(owner), bid


def test_a_test_shot_is_a_paid_one_milestone_contract(sandbox, webhooks, client_for, open_brief):
    brief, brand, bid = open_brief
    maker = client_for(bid.creator.user)
    offered = offer(brand, brief, bid)
    assert offered.status_code == 201, offered.json()
    shot = offered.json()
    assert shot["kind"] == "test_shot" and shot["bid"] is None
    assert shot["amount"] == 5_000
    assert Contract.objects.get(pk=shot["id"]).usage_rights == {}  # no usage rights
    assert [m["title"] for m in shot["milestones"]] == ["Test shot"]
    assert Notification.objects.filter(user=bid.creator.user, kind="test_shot_offered").exists()
    assert (
        maker.get(f"/api/v1/briefs/{brief.pk}/test-shots/").json()["results"][0]["id"] == shot["id"]
    )
    again = offer(brand, brief, bid)
    assert again.status_code == 409 and again.json()["error"]["code"] == "test_shot_exists"

    account = maker.post("/api/v1/payments/onboarding/").json()["account"]["stripe_account_id"]
    sandbox.complete_onboarding(account)
    webhooks.deliver()
    funded = brand.post(f"/api/v1/contracts/{shot['id']}/fund/", {"payment_method": "pm_card_visa"})
    assert funded.json()["contract_status"] == "funded"
    maker.post(f"/api/v1/contracts/{shot['id']}/deliveries/", {"videos": [VIDEO]}, format="json")
    assert brand.post(f"/api/v1/contracts/{shot['id']}/approve/").status_code == 200
    assert Contract.objects.get(pk=shot["id"]).status == "paid"
    assert reconcile().ok

    # It took no slot: the brief's one slot still goes to an accepted bid, and accepting this
    # creator's bid grants the test shot the brief's usage rights.
    accepted = brand.post(f"/api/v1/bids/{bid.pk}/accept/")
    assert accepted.status_code == 200, accepted.json()
    rights = Contract.objects.get(pk=shot["id"]).usage_rights
    assert rights["term_months"] == 12 and rights["territories"] == ["US"]


@pytest.mark.django_db
def test_test_shot_offers_are_checked(client_for, open_brief):
    brief, brand, bid = open_brief
    below = offer(brand, brief, bid, fee=MINIMUM - 1)
    assert below.status_code == 400
    assert below.json()["error"]["code"] == "test_shot_below_cost"
    assert below.json()["error"]["minimum_fee"] == MINIMUM
    assert "fee" in below.json()["error"]["fields"]
    assert offer(brand, brief, bid, fee=MINIMUM).status_code == 201
    stranger = BidFactory(brief=BriefFactory(brand=brief.brand))
    not_bidder = offer(brand, brief, stranger)
    assert not_bidder.status_code == 400 and "bid" in not_bidder.json()["error"]["fields"]
    late = offer(
        brand,
        brief,
        BidFactory(brief=brief),
        due_date=(brief.delivery_deadline + timedelta(days=1)).isoformat(),
    )
    assert late.status_code == 400 and "due_date" in late.json()["error"]["fields"]
    bad_clip = offer(brand, brief, bid, deliverable={**CLIP, "aspect_ratio": "3:2"})
    assert bad_clip.status_code == 400
    creator = client_for(bid.creator.user)
    assert offer(creator, brief, bid).status_code == 403
    other_brand = client_for(MembershipFactory().user)
    assert offer(other_brand, brief, bid).status_code == 403
    brief.status = "closed"
    brief.save()
    assert offer(brand, brief, BidFactory(brief=brief)).status_code == 409
