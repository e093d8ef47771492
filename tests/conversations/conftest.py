"""Conversations fixtures: a brief with its brand's member and a bidding creator, and a
delivered contract between them."""

from types import SimpleNamespace

import pytest

from tests.factories import (
    BidFactory,
    BriefFactory,
    CreatorFactory,
    MembershipFactory,
    delivered_contract,
)


@pytest.fixture
def cast(db):  # type: ignore[no-untyped-def]
    """brand member `member`, creator `creator` (bidding on `brief`), an outsider creator,
    another brand's owner, and `contract` (delivered) between the brand and `creator`;
    `newcomer`, a creator also bidding on `brief` who has no contract with the brand (their
    brief thread is masked)."""
    membership = MembershipFactory(user__email="maya@brand.example", user__full_name="Maya")
    brand = membership.brand
    creator = CreatorFactory(handle="ana", user__email="ana@example.com")
    brief = BriefFactory(brand=brand, title="Neon teaser")
    BidFactory(brief=brief, creator=creator)
    contract = delivered_contract(brand=brand, creator=creator)
    newcomer = CreatorFactory(handle="cleo", user__email="cleo@example.com")
    BidFactory(brief=brief, creator=newcomer)
    return SimpleNamespace(
        brand=brand,
        member=membership.user,
        creator=creator,
        brief=brief,
        contract=contract,
        video=contract.deliveries.first().videos.first(),
        newcomer=newcomer,
        outsider=CreatorFactory(handle="bo").user,
        other_brand=MembershipFactory().user,
    )
