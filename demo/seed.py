"""Demo briefs, invitations and bids for `seed_demo`, made through the services.

Idempotent: a brief is identified by its brand and title and is made (with its bids) only once.
"""

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from campaigns import services
from campaigns.models import Bid, Brand, BrandMembership, Brief, MemberRole, Visibility
from creators.models import TIER_RANK, CreatorProfile, Moderation, Reel, Tier
from marketplace.models import User

Maker = Callable[[User, Brand, User, str, Sequence[CreatorProfile]], None]

DELIVERABLES = [
    {"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "1080p"},
    {"count": 2, "duration_s": 6, "aspect_ratio": "1:1", "resolution": "1080p"},
]


def _owner(brand: Brand) -> User | None:
    memberships = BrandMembership.objects.filter(brand=brand).select_related("user")
    membership = (
        memberships.filter(role=MemberRole.OWNER).order_by("pk").first()
        or memberships.order_by("pk").first()
    )
    return membership.user if membership else None


def _sample(creator: CreatorProfile) -> list[int]:
    reel = (
        Reel.objects.filter(creator=creator, moderation=Moderation.APPROVED).order_by("pk").first()
    )
    return [reel.pk] if reel else []


def _bid(creator: CreatorProfile, brief: Brief, amount: int, pitch: str) -> Bid:
    return services.bid_create(
        actor=creator.user,
        brief=brief,
        amount=amount,
        pitch=pitch,
        delivery_days=10,
        sample_reels=_sample(creator),
    )


def _brief(
    owner: User, brand: Brand, staff: User, title: str, *, approve: bool, **fields: Any
) -> Brief:
    now = timezone.now()
    values: dict[str, Any] = {
        "description": f"{title}. Demo brief: vertical first, bold colour, a clear end card.",
        "deliverables": DELIVERABLES,
        "budget_min": 40_000,
        "budget_max": 120_000,
        "currency": "USD",
        "bid_deadline": now + timedelta(days=10),
        "delivery_deadline": now + timedelta(days=30),
        "tags": ["product", "cinematic"],
        "preferred_models": ["kling-2.1-pro", "veo-3"],
        "languages": ["en"],
        "usage_rights": {"exclusive": False, "territories": ["US", "GB"], "channels": ["social"]},
        **fields,
    }
    brief = services.brief_create(actor=owner, brand=brand, title=title, **values)
    services.brief_submit(actor=owner, brief=brief)
    if approve:
        services.brief_approve(actor=staff, brief=brief)
    brief.refresh_from_db()
    return brief


def seed_campaigns(
    *, brands: Sequence[Brand], creators: Sequence[CreatorProfile], staff: User
) -> None:
    """Per brand: an open public brief with bids submitted, shortlisted, accepted (a contract
    awaiting funding) and withdrawn; an invite-only brief with invitations, a bid and a
    decline; an awarded brief; one in review (the moderation queue) and a draft."""
    active = [c for c in creators if not c.suspended]
    senior = [c for c in active if TIER_RANK[c.tier] >= TIER_RANK[Tier.PARTNER]]
    for n, brand in enumerate(brands):
        owner = _owner(brand)
        if owner is None:
            continue
        pool = active[n * 3 :] + active[: n * 3]  # each brand hears from different creators
        seniors = senior[n:] + senior[:n]
        steps: list[tuple[str, Maker, Sequence[CreatorProfile]]] = [
            (f"{brand.name}: launch teaser", _open_public, pool),
            (f"{brand.name}: invite-only lookbook", _invite_only, seniors),
            (f"{brand.name}: festival sting", _awarded, pool[4:]),
            (f"{brand.name}: product explainer", _in_review, pool),
            (f"{brand.name}: holiday spot", _draft, pool),
        ]
        for title, make, some_creators in steps:
            if Brief.objects.filter(brand=brand, title=title).exists():
                continue
            with transaction.atomic():
                make(owner, brand, staff, title, some_creators)


def _open_public(
    owner: User, brand: Brand, staff: User, title: str, pool: Sequence[CreatorProfile]
) -> None:
    brief = _brief(owner, brand, staff, title, approve=True, slots=2)
    bids = [
        _bid(creator, brief, 50_000 + 10_000 * i, f"Demo pitch {i + 1}: I love this brief.")
        for i, creator in enumerate(pool[:4])
    ]
    if len(bids) > 1:
        services.bid_shortlist(actor=owner, bid=bids[1])
    if len(bids) > 2:
        services.bid_accept(actor=owner, bid=bids[2])
    if len(bids) > 3:
        services.bid_withdraw(actor=bids[3].creator.user, bid=bids[3])


def _invite_only(
    owner: User, brand: Brand, staff: User, title: str, seniors: Sequence[CreatorProfile]
) -> None:
    brief = _brief(
        owner,
        brand,
        staff,
        title,
        approve=True,
        visibility=Visibility.INVITE_ONLY,
        min_tier=Tier.PARTNER,
        budget_min=150_000,
        budget_max=300_000,
    )
    invitations = [
        services.invitation_create(
            actor=owner, brief=brief, handle=creator.handle, message="We love your reels."
        )
        for creator in seniors[:2]
    ]
    if invitations:
        _bid(seniors[0], brief, 200_000, "Invited pitch: a moody lookbook in three looks.")
    if len(invitations) > 1:
        services.invitation_decline(actor=seniors[1].user, invitation=invitations[1])


def _awarded(
    owner: User, brand: Brand, staff: User, title: str, pool: Sequence[CreatorProfile]
) -> None:
    brief = _brief(owner, brand, staff, title, approve=True, slots=1)
    bids = [
        _bid(creator, brief, 45_000 + 5_000 * i, "Demo pitch: fast turnaround.")
        for i, creator in enumerate(pool[:3])
    ]
    if bids:
        services.bid_accept(actor=owner, bid=bids[0])


def _in_review(
    owner: User, brand: Brand, staff: User, title: str, pool: Sequence[CreatorProfile]
) -> None:
    _brief(owner, brand, staff, title, approve=False)


def _draft(
    owner: User, brand: Brand, staff: User, title: str, pool: Sequence[CreatorProfile]
) -> None:
    now = timezone.now()
    services.brief_create(
        actor=owner,
        brand=brand,
        title=title,
        description="Draft: a cosy holiday spot, 20 seconds.",
        deliverables=DELIVERABLES[:1],
        budget_min=30_000,
        budget_max=60_000,
        currency="EUR",
        bid_deadline=now + timedelta(days=20),
        delivery_deadline=now + timedelta(days=45),
    )
