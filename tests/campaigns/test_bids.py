"""Bidding rules: who may bid (403 naming the rule), one live bid, edits, fees, invitations."""

import pytest
from django.db import IntegrityError, transaction

from campaigns.models import Bid, BidStatus, Visibility
from campaigns.pricing import creator_net, fee_bps, platform_fee
from creators.models import CreatorProfile
from marketplace.models import Notification

pytestmark = pytest.mark.django_db


def bid_on(client, brief, **body):  # type: ignore[no-untyped-def]
    body.setdefault("amount", 60_000)
    return client.post(f"/api/v1/briefs/{brief.pk}/bids/", body, format="json")


@pytest.mark.parametrize(
    "creator_kwargs, brief_kwargs, rule",
    [
        ({"suspended": True}, {}, "creator_suspended"),
        ({"tier": "standard"}, {"min_tier": "partner"}, "below_min_tier"),
        ({"tier": "partner"}, {"min_tier": "elite"}, "below_min_tier"),
    ],
)
def test_refused_bidders_get_403_naming_the_rule(
    client_for, brief_factory, creator_factory, creator_kwargs, brief_kwargs, rule
):
    brief = brief_factory(**brief_kwargs)
    creator = creator_factory(**creator_kwargs)
    response = bid_on(client_for(creator.user), brief)
    assert response.status_code == 403, response.json()
    error = response.json()["error"]
    assert error["rule"] == rule
    assert error["message"]
    assert not Bid.objects.exists()


def test_below_min_tier_message_names_both_tiers(client_for, brief_factory, creator_factory):
    brief = brief_factory(min_tier="elite")
    response = bid_on(client_for(creator_factory(tier="partner").user), brief)
    assert "elite" in response.json()["error"]["message"]
    assert "partner" in response.json()["error"]["message"]


@pytest.mark.parametrize("tier", ["partner", "elite"])
def test_creators_at_or_above_the_min_tier_may_bid(
    client_for, brief_factory, creator_factory, tier
):
    brief = brief_factory(min_tier="partner")
    response = bid_on(client_for(creator_factory(tier=tier).user), brief)
    assert response.status_code == 201


def test_users_without_a_creator_profile_cannot_bid(client_for, brief_factory, user_factory):
    response = bid_on(client_for(user_factory()), brief_factory())
    assert response.status_code == 403
    assert response.json()["error"]["rule"] == "not_a_creator"


def test_a_creator_cannot_bid_on_their_own_brands_brief(
    client_for, brief_factory, creator_factory, membership_factory
):
    brief = brief_factory()
    creator = creator_factory()
    membership_factory(brand=brief.brand, user=creator.user, role="manager")
    response = bid_on(client_for(creator.user), brief)
    assert response.status_code == 403
    assert response.json()["error"]["rule"] == "own_brand"


def test_invite_only_brief_takes_bids_from_pending_invitations_only(
    client_for, brief_factory, creator_factory, member_of
):
    brief = brief_factory(visibility=Visibility.INVITE_ONLY)
    owner = client_for(member_of(brief.brand))
    invited, declining, stranger = creator_factory(), creator_factory(), creator_factory()

    # Not invited: the brief does not exist for them.
    assert bid_on(client_for(stranger.user), brief).status_code == 404

    for creator in (invited, declining):
        response = owner.post(
            f"/api/v1/briefs/{brief.pk}/invitations/", {"handle": creator.handle}, format="json"
        )
        assert response.status_code == 201, response.json()
        assert Notification.objects.filter(user=creator.user, kind="invitation").exists()

    invitation = client_for(declining.user).get("/api/v1/invitations/").json()["results"][0]
    declined = client_for(declining.user).post(f"/api/v1/invitations/{invitation['id']}/decline/")
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    assert Notification.objects.filter(kind="invitation_declined").count() == 1

    # Declined: still sees the brief, but may not bid, and is told why.
    refused = bid_on(client_for(declining.user), brief)
    assert refused.status_code == 403
    assert refused.json()["error"]["rule"] == "not_invited"
    assert bid_on(client_for(invited.user), brief).status_code == 201


def test_second_invitation_of_the_same_creator_is_409(
    client_for, brief_factory, creator_factory, member_of
):
    brief = brief_factory()
    creator_factory(handle="ana", tier="elite")
    owner = client_for(member_of(brief.brand))
    url = f"/api/v1/briefs/{brief.pk}/invitations/"
    assert owner.post(url, {"handle": "@Ana"}, format="json").status_code == 201
    again = owner.post(url, {"handle": "ana"}, format="json")
    assert again.status_code == 409
    assert "already invited" in again.json()["error"]["message"]
    listed = owner.get(url)
    assert [row["creator"] for row in listed.json()["results"]] == ["ana"]


def test_declining_with_a_live_bid_is_409(client_for, invitation_factory, bid_factory):
    invitation = invitation_factory()
    bid_factory(brief=invitation.brief, creator=invitation.creator)
    response = client_for(invitation.creator.user).post(
        f"/api/v1/invitations/{invitation.pk}/decline/"
    )
    assert response.status_code == 409
    assert response.json()["error"]["current_state"] == "pending"


def test_one_live_bid_per_creator_and_brief(client_for, brief_factory, creator_factory):
    brief = brief_factory()
    creator = creator_factory()
    client = client_for(creator.user)
    first = bid_on(client, brief)
    assert first.status_code == 201
    second = bid_on(client, brief, amount=55_000)
    assert second.status_code == 409
    assert second.json()["error"]["bid_id"] == first.json()["id"]
    # Once withdrawn, the creator may bid again.
    assert client.post(f"/api/v1/bids/{first.json()['id']}/withdraw/").status_code == 200
    assert bid_on(client, brief, amount=55_000).status_code == 201
    assert Bid.objects.filter(status=BidStatus.WITHDRAWN).count() == 1


def test_bid_touches_last_active_and_notifies_members(
    client_for, brief_factory, creator_factory, member_of
):
    brief = brief_factory()
    members = [member_of(brief.brand), member_of(brief.brand, "manager")]
    creator = creator_factory()
    assert creator.last_active_at is None
    assert bid_on(client_for(creator.user), brief).status_code == 201
    assert CreatorProfile.objects.get(pk=creator.pk).last_active_at is not None
    for member in members:
        assert Notification.objects.filter(user=member, kind="bid_new").count() == 1


def test_creator_edits_a_submitted_bid(client_for, brief_factory, creator_factory, reel_factory):
    brief = brief_factory()
    creator = creator_factory(tier="partner")
    reels = [reel_factory(creator=creator), reel_factory(creator=creator)]
    client = client_for(creator.user)
    created = bid_on(client, brief, sample_reels=[reels[0].pk], pitch="v1")
    assert created.json()["sample_reels"][0]["video_url"].startswith("https://")
    edited = client.patch(
        f"/api/v1/bids/{created.json()['id']}/",
        {"amount": 80_000, "pitch": "v2", "sample_reels": [reels[1].pk, reels[0].pk]},
        format="json",
    )
    assert edited.status_code == 200, edited.json()
    body = edited.json()
    assert body["amount"] == 80_000
    assert body["pitch"] == "v2"
    assert {r["id"] for r in body["sample_reels"]} == {reels[0].pk, reels[1].pk}
    assert body["status"] == "submitted"
    assert body["platform_fee"] == 8_000


@pytest.mark.parametrize(
    "tier, amount, bps, fee",
    [
        ("standard", 100_000, 1500, 15_000),
        ("partner", 100_000, 1000, 10_000),
        ("elite", 100_000, 800, 8_000),
        ("standard", 12_345, 1500, 1_852),  # 1851.75 rounds up
        ("partner", 12_345, 1000, 1_235),  # 1234.5 rounds half up
        ("elite", 12_345, 800, 988),  # 987.6
        ("standard", 1, 1500, 0),
    ],
)
def test_bid_shows_fee_and_net_for_the_creators_tier(
    client_for, brief_factory, creator_factory, member_of, tier, amount, bps, fee
):
    brief = brief_factory()
    creator = creator_factory(tier=tier)
    created = bid_on(client_for(creator.user), brief, amount=amount)
    assert created.status_code == 201
    for body in (
        created.json(),
        client_for(member_of(brief.brand)).get(f"/api/v1/bids/{created.json()['id']}/").json(),
    ):
        assert body["creator_tier"] == tier
        assert body["fee_bps"] == bps
        assert body["platform_fee"] == fee
        assert body["creator_net"] == amount - fee
    assert platform_fee(amount, tier) == fee
    assert fee_bps(tier) == bps
    assert creator_net(amount, tier) == amount - fee


def test_accepted_bid_keeps_the_fee_of_its_contract(
    client_for, brief_factory, bid_factory, member_of
):
    bid = bid_factory(amount=100_000, creator__tier="standard")
    owner = client_for(member_of(bid.brief.brand))
    assert owner.post(f"/api/v1/bids/{bid.pk}/accept/").status_code == 200
    CreatorProfile.objects.filter(pk=bid.creator_id).update(tier="elite")
    body = owner.get(f"/api/v1/bids/{bid.pk}/").json()
    assert (body["creator_tier"], body["fee_bps"], body["platform_fee"], body["creator_net"]) == (
        "standard",
        1500,
        15_000,
        85_000,
    )


def test_reject_with_a_reason_notifies_the_creator(client_for, bid_factory, member_of):
    bid = bid_factory()
    owner = client_for(member_of(bid.brief.brand))
    response = owner.post(f"/api/v1/bids/{bid.pk}/reject/", {"reason": "over budget"})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    note = Notification.objects.get(user=bid.creator.user, kind="bid_rejected")
    assert "over budget" in note.message


def test_suspended_creator_cannot_be_hired(client_for, bid_factory, member_of):
    bid = bid_factory()
    CreatorProfile.objects.filter(pk=bid.creator_id).update(suspended=True)
    response = client_for(member_of(bid.brief.brand)).post(f"/api/v1/bids/{bid.pk}/accept/")
    assert response.status_code == 409
    assert "suspended" in response.json()["error"]["message"]


def test_bid_filters(client_for, brief_factory, bid_factory, member_of):
    brief = brief_factory()
    owner = client_for(member_of(brief.brand))
    cheap = bid_factory(brief=brief, amount=10_000, creator__handle="cheap")
    pricey = bid_factory(brief=brief, amount=90_000, status="shortlisted")

    def ids(**params):  # type: ignore[no-untyped-def]
        return [row["id"] for row in owner.get("/api/v1/bids/", params).json()["results"]]

    assert ids(status="shortlisted") == [pricey.pk]
    assert ids(creator="cheap") == [cheap.pk]
    assert ids(amount_max=50_000) == [cheap.pk]
    assert ids(ordering="amount") == [cheap.pk, pricey.pk]
    assert ids(ordering="-amount") == [pricey.pk, cheap.pk]
    assert ids(brief=brief.pk + 1000) == []


def test_one_live_bid_is_a_database_constraint_too(brief_factory, creator_factory):
    brief = brief_factory()
    creator = creator_factory()
    Bid.objects.create(brief=brief, creator=creator, amount=1, currency="USD", status="shortlisted")
    with pytest.raises(IntegrityError), transaction.atomic():
        Bid.objects.create(brief=brief, creator=creator, amount=2, currency="USD")
    Bid.objects.create(brief=brief, creator=creator, amount=3, currency="USD", status="rejected")
