"""Demo data for campaigns: briefs and bids in several states, made once."""

import pytest

from campaigns.models import Bid, Brief, Contract, Invitation
from demo.seed import seed_campaigns

pytestmark = pytest.mark.django_db


def test_seed_campaigns_is_idempotent_and_varied(
    brand_factory, member_of, creator_factory, reel_factory, staff
):
    brands = [brand_factory(), brand_factory()]
    for brand in brands:
        member_of(brand)
    tiers = ["elite", "partner", "partner"] + ["standard"] * 7
    creators = [creator_factory(tier=tier) for tier in tiers]
    for creator in creators:
        reel_factory(creator=creator)

    seed_campaigns(brands=brands, creators=creators, staff=staff)
    counts = (
        Brief.objects.count(),
        Bid.objects.count(),
        Contract.objects.count(),
        Invitation.objects.count(),
    )
    seed_campaigns(brands=brands, creators=creators, staff=staff)
    assert (
        Brief.objects.count(),
        Bid.objects.count(),
        Contract.objects.count(),
        Invitation.objects.count(),
    ) == counts

    assert set(Brief.objects.values_list("status", flat=True)) == {
        "open",
        "awarded",
        "in_review",
        "draft",
    }
    assert set(Brief.objects.values_list("visibility", flat=True)) == {"public", "invite_only"}
    assert {"submitted", "shortlisted", "accepted", "rejected", "withdrawn"} <= set(
        Bid.objects.values_list("status", flat=True)
    )
    assert set(Contract.objects.values_list("status", flat=True)) == {"awaiting_funding"}
    assert set(Invitation.objects.values_list("status", flat=True)) == {"pending", "declined"}
    assert all(bid.sample_reels.exists() for bid in Bid.objects.all())
