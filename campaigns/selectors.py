"""Reads of brands, IP, briefs, invitations, bids and contracts: who may see what, loaded per page.

Every queryset here is built for a whole page at once (joins and prefetches), so the output
serializers never query per row. Another tenant's private object is simply absent, which the
views answer as 404.
"""

from datetime import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from creators.models import CreatorProfile, Reel
from marketplace.models import User

from .models import (
    Bid,
    Brand,
    BrandMembership,
    BrandVerification,
    Brief,
    BriefStatus,
    ChangeOrder,
    Contract,
    ContractKind,
    Invitation,
    InvitationStatus,
    IPAsset,
    MemberInvitation,
    Milestone,
    Visibility,
)

# A brief a creator was invited to or bid on stays visible to them once it has been approved.
PAST_REVIEW = (
    BriefStatus.OPEN,
    BriefStatus.CLOSED,
    BriefStatus.AWARDED,
    BriefStatus.COMPLETED,
    BriefStatus.CANCELLED,
)


def _is_user(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def member_brand_ids(user: User) -> QuerySet[BrandMembership]:
    """Subquery of the ids of the brands `user` is a member of (empty for anonymous users)."""
    if not _is_user(user):
        return BrandMembership.objects.none().values("brand_id")
    return BrandMembership.objects.filter(user=user).values("brand_id")


def brands_of_member(user: User | None) -> QuerySet[Brand]:
    """The brands the user may act for (a member of; staff too): what a `brand` input may name."""
    return Brand.objects.filter(pk__in=member_brand_ids(user))


def ips_of_member(user: User | None) -> QuerySet[IPAsset]:
    """The IP assets of the user's brands: what an `ip` input may name."""
    return IPAsset.objects.filter(brand_id__in=member_brand_ids(user))


def brands_visible_to(user: User) -> QuerySet[Brand]:
    """The brands the user is a member of (staff: every brand), with the user's own role."""
    my_role = BrandMembership.objects.filter(brand=OuterRef("pk"), user_id=user.pk).values("role")[
        :1
    ]
    qs = Brand.objects.annotate(my_role=Subquery(my_role))
    if _is_user(user) and user.is_staff:
        return qs
    return qs.filter(pk__in=member_brand_ids(user))


def brand_membership(user: User | None, brand_id: int) -> BrandMembership | None:
    """The user's membership of the brand (its role), or None for anyone else and anonymous users.

    The one membership check every app uses: the guards of the campaigns services, payments.
    """
    if not _is_user(user):
        return None
    return BrandMembership.objects.filter(brand_id=brand_id, user=user).first()


def is_brand_member(user: User | None, brand_id: int) -> bool:
    """Whether the user is a member (owner or manager) of the brand; False when anonymous."""
    if not _is_user(user):
        return False
    return BrandMembership.objects.filter(brand_id=brand_id, user=user).exists()


def brand_members(brand: Brand) -> QuerySet[BrandMembership]:
    """The brand's memberships with their users, oldest first."""
    return BrandMembership.objects.filter(brand=brand).select_related("user").order_by("id")


def member_invitations_of_brand(brand: Brand) -> QuerySet[MemberInvitation]:
    """The brand's membership invitations, newest first, with who sent them."""
    return MemberInvitation.objects.filter(brand=brand).select_related("brand", "invited_by")


def member_invitations_for(user: User) -> QuerySet[MemberInvitation]:
    """The membership invitations addressed to the user's e-mail, newest first."""
    if not _is_user(user):
        return MemberInvitation.objects.none()
    return MemberInvitation.objects.filter(email=user.email.strip().lower()).select_related(
        "brand", "invited_by"
    )


def ips_visible_to(user: User) -> QuerySet[IPAsset]:
    """IP assets of the user's brands (staff: all); IP is private to its brand."""
    qs = IPAsset.objects.select_related("brand")
    if _is_user(user) and user.is_staff:
        return qs
    return qs.filter(brand_id__in=member_brand_ids(user))


# Briefs -----------------------------------------------------------------------------------


def briefs_visible_to(user: User) -> QuerySet[Brief]:
    """Briefs the user may see.

    Everyone sees open public briefs; a creator also sees, once approved, the briefs they are
    invited to or have bid on; brand members see every brief of their brands in any state;
    staff see all.
    """
    qs = Brief.objects.select_related("brand", "ip")
    if _is_user(user) and user.is_staff:
        return qs
    condition = Q(status=BriefStatus.OPEN, visibility=Visibility.PUBLIC)
    if _is_user(user):
        invited = Invitation.objects.filter(brief=OuterRef("pk"), creator__user=user)
        has_bid = Bid.objects.filter(brief=OuterRef("pk"), creator__user=user)
        condition |= Q(brand_id__in=member_brand_ids(user))
        condition |= Q(status__in=PAST_REVIEW) & (Exists(invited) | Exists(has_bid))
    return qs.filter(condition)


# What a brief list shows, read as plain values (see brief_rows).
BRIEF_ROW_FIELDS = (
    "id",
    "brand_id",
    "ip_id",
    "title",
    "description",
    "tags",
    "preferred_models",
    "languages",
    "required",
    "deliverables",
    "total_seconds",
    "budget_min",
    "budget_max",
    "currency",
    "bid_deadline",
    "delivery_deadline",
    "visibility",
    "min_tier",
    "slots",
    "usage_exclusive",
    "usage_territories",
    "usage_term_months",
    "usage_channels",
    "usage_perpetual",
    "commercial_licence_required",
    "status",
    "rejection_reason",
    "submitted_at",
    "approved_at",
    "created_at",
    "updated_at",
)


def brief_rows(briefs: QuerySet[Brief]) -> QuerySet:
    """A brief list as dicts with the brand's and the IP's names joined in, one query."""
    return briefs.values(
        *BRIEF_ROW_FIELDS,
        brand_name=F("brand__name"),
        brand_verified=F("brand__verified"),
        ip_name=F("ip__name"),
    )


def briefs_expired(*, now: datetime) -> QuerySet[Brief]:
    """Open briefs whose bid deadline has passed, oldest deadline first (the closing job)."""
    return Brief.objects.filter(status=BriefStatus.OPEN, bid_deadline__lte=now).order_by(
        "bid_deadline", "pk"
    )


def invitations_visible_to(user: User) -> QuerySet[Invitation]:
    """A creator sees the invitations they received; brand members those of their briefs."""
    qs = Invitation.objects.select_related("brief", "creator", "creator__user")
    if _is_user(user) and user.is_staff:
        return qs
    if not _is_user(user):
        return qs.none()
    return qs.filter(Q(creator__user=user) | Q(brief__brand_id__in=member_brand_ids(user)))


def invitation_pending(*, brief: Brief, creator: CreatorProfile) -> bool:
    """Whether the creator holds a pending invitation to the brief."""
    return Invitation.objects.filter(
        brief=brief, creator=creator, status=InvitationStatus.PENDING
    ).exists()


# Bids -------------------------------------------------------------------------------------


def _bids() -> QuerySet[Bid]:
    return Bid.objects.select_related("brief", "creator", "contract").prefetch_related(
        Prefetch("sample_reels", queryset=Reel.objects.select_related("video").order_by("id"))
    )


def bids_visible_to(user: User) -> QuerySet[Bid]:
    """Creators see only their own bids; brand members every bid on their brands' briefs."""
    qs = _bids()
    if _is_user(user) and user.is_staff:
        return qs
    if not _is_user(user):
        return qs.none()
    return qs.filter(Q(creator__user=user) | Q(brief__brand_id__in=member_brand_ids(user)))


# Contracts --------------------------------------------------------------------------------


def contracts_visible_to(user: User) -> QuerySet[Contract]:
    """A contract is visible to its creator, the members of its brand and staff only (with
    its milestones, for the whole page)."""
    qs = Contract.objects.select_related("brief", "brand", "creator").prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("position"))
    )
    if _is_user(user) and user.is_staff:
        return qs
    if not _is_user(user):
        return qs.none()
    return qs.filter(Q(creator__user=user) | Q(brand_id__in=member_brand_ids(user)))


def milestones_visible_to(user: User) -> QuerySet[Milestone]:
    """The milestones of the contracts the user may see."""
    visible = contracts_visible_to(user).values("pk")
    return Milestone.objects.filter(contract_id__in=visible).order_by("contract_id", "position")


def change_orders_visible_to(user: User) -> QuerySet[ChangeOrder]:
    """The change orders of the contracts the user may see (with the contract: its currency)."""
    visible = contracts_visible_to(user).values("pk")
    return ChangeOrder.objects.filter(contract_id__in=visible).select_related("contract")


def brief_test_shots(user: User, brief: Brief) -> QuerySet[Contract]:
    """The paid test shots of a brief the user may see (its brand's members: all; a creator:
    their own)."""
    return contracts_visible_to(user).filter(brief=brief, kind=ContractKind.TEST_SHOT)


def brand_verifications(brand: Brand) -> QuerySet[BrandVerification]:
    """A brand's verification requests, newest first."""
    return BrandVerification.objects.filter(brand=brand).order_by("-id")


def parties(*, creator_id: int, brand_id: int, side: str | None = None) -> list[User]:
    """The people on the two sides of a deal (a contract or a thread): the creator's user
    (`side="creator"`), the brand's members (`side="brand"`), or both (None), in one query.
    One rule for everyone: inactive users are left out (they can neither act nor read)."""
    wanted = Q()
    if side in (None, "creator"):
        wanted |= Q(creator_profile__id=creator_id)
    if side in (None, "brand"):
        wanted |= Q(brand_memberships__brand_id=brand_id)
    return list(User.objects.filter(wanted, is_active=True).distinct().order_by("pk"))


def contract_parties(contract: Contract, *, side: str | None = None) -> list[User]:
    """The contract's parties (see `parties`): who hears about what happens to it."""
    return parties(creator_id=contract.creator_id, brand_id=contract.brand_id, side=side)


def brand_member_of_contract(user: User | None, contract_id: int) -> bool:
    """Whether the user is a member of the brand of the contract (one query)."""
    if not _is_user(user):
        return False
    return BrandMembership.objects.filter(user=user, brand__contracts__pk=contract_id).exists()


def brand_member_users(brand_id: int) -> QuerySet[User]:
    """The users who are members (owners or managers) of a brand: who brand news goes to."""
    return User.objects.filter(brand_memberships__brand_id=brand_id)
