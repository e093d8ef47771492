"""Every write on brands, IP, briefs, invitations, bids and contracts.

Each state change runs in one transaction with the rows it changes locked (`select_for_update`):
a brief before its bids, bids in primary-key order. Status moves go through
`marketplace.audit.transition` with the model's ALLOWED table, so an illegal move answers 409
with the current state and every move leaves an audit row.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from creators.models import TIER_RANK, CreatorProfile, Moderation, Reel, Tier
from creators.services import creator_touch
from marketplace.audit import audit_record, notify, transition
from marketplace.errors import Conflict, Forbidden, InvalidInput, InvalidTransition
from marketplace.fields import normalise_model_names, normalise_slugs
from marketplace.models import User

from . import pricing
from .errors import BidRule
from .models import (
    DELIVERABLE_COUNT_RANGE,
    DELIVERABLE_DURATION_RANGE,
    ENDED_CONTRACT_STATUSES,
    MAX_DELIVERABLE_ITEMS,
    AspectRatio,
    Bid,
    BidStatus,
    Brand,
    BrandMembership,
    Brief,
    BriefStatus,
    Contract,
    ContractStatus,
    Invitation,
    InvitationStatus,
    IPAsset,
    MemberRole,
    VideoResolution,
    Visibility,
)
from .selectors import brand_member_users, briefs_expired, invitation_pending

# Helpers ----------------------------------------------------------------------------------


def _require_staff(actor: User) -> None:
    if not getattr(actor, "is_staff", False):
        raise Forbidden("only staff may do this")


def _membership(actor: User, brand_id: int) -> BrandMembership | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return BrandMembership.objects.filter(brand_id=brand_id, user=actor).first()


def _require_member(actor: User, brand_id: int, *, what: str = "do this") -> BrandMembership:
    membership = _membership(actor, brand_id)
    if membership is None:
        raise Forbidden(f"only members of this brand may {what}")
    return membership


def _require_owner(actor: User, brand_id: int, *, what: str = "do this") -> BrandMembership:
    membership = _require_member(actor, brand_id, what=what)
    if membership.role != MemberRole.OWNER:
        raise Forbidden(f"only an owner of this brand may {what}")
    return membership


def _ensure_allowed(obj: Any, to: str, *, verb: str, field: str = "status") -> None:
    """Refuse early (409) when the ALLOWED table forbids the move, before any other check."""
    current = getattr(obj, field)
    if to not in type(obj).ALLOWED.get(current, ()):
        raise InvalidTransition(obj._meta.verbose_name, current, verb)


def _territories(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        code = str(value).strip().upper()
        if code and code not in out:
            out.append(code)
    return out


def _usage_terms(terms: dict[str, Any]) -> dict[str, Any]:
    """Normalised licence terms: exclusive, territories, term in months, channels."""
    return {
        "exclusive": bool(terms.get("exclusive", False)),
        "territories": _territories(terms.get("territories") or []),
        "term_months": terms.get("term_months"),
        "channels": normalise_slugs(terms.get("channels") or []),
    }


def brief_usage_rights(brief: Brief) -> dict[str, Any]:
    """The brief's usage rights as one dict (what a contract snapshots)."""
    return {
        "exclusive": brief.usage_exclusive,
        "territories": list(brief.usage_territories),
        "term_months": brief.usage_term_months,
        "channels": list(brief.usage_channels),
    }


# Brands -----------------------------------------------------------------------------------


def _unique_brand_slug(name: str) -> str:
    base = slugify(name)[:120] or "brand"
    slug, n = base, 1
    while Brand.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def brand_create(*, actor: User, name: str, website: str = "", description: str = "") -> Brand:
    """Create a brand with `actor` as its owner."""
    if not name.strip():
        raise InvalidInput("a brand name is required", field="name")
    brand = Brand.objects.create(
        name=name.strip(), slug=_unique_brand_slug(name), website=website, description=description
    )
    BrandMembership.objects.create(brand=brand, user=actor, role=MemberRole.OWNER)
    audit_record(actor=actor, verb="create", obj=brand, after="active")
    return brand


@transaction.atomic
def brand_update(*, actor: User, brand: Brand, data: dict[str, Any]) -> Brand:
    """An owner edits the brand's name, website and description (the slug stays)."""
    _require_owner(actor, brand.pk, what="edit the brand")
    brand = Brand.objects.select_for_update().get(pk=brand.pk)
    if "name" in data:
        if not str(data["name"]).strip():
            raise InvalidInput("a brand name is required", field="name")
        brand.name = str(data["name"]).strip()
    for key in ("website", "description"):
        if key in data:
            setattr(brand, key, data[key])
    brand.save(update_fields=["name", "website", "description"])
    return brand


@transaction.atomic
def brand_member_add(
    *, actor: User, brand: Brand, email: str, role: str = MemberRole.MANAGER
) -> BrandMembership:
    """An owner adds an existing user, found by email, as an owner or a manager.

    A user already in the brand is a conflict. The added user is notified.
    """
    _require_owner(actor, brand.pk, what="add members")
    if role not in MemberRole.values:
        raise InvalidInput(f"role must be one of {', '.join(MemberRole.values)}", field="role")
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        raise InvalidInput("no user has this email address", field="email")
    if BrandMembership.objects.filter(brand=brand, user=user).exists():
        raise Conflict(f"{user.email} is already a member of this brand")
    try:
        with transaction.atomic():
            membership = BrandMembership.objects.create(brand=brand, user=user, role=role)
    except IntegrityError as exc:
        raise Conflict(f"{user.email} is already a member of this brand") from exc
    audit_record(actor=actor, verb="add_member", obj=brand, after=role, data={"user": user.pk})
    notify(
        [user],
        kind="brand_member_added",
        message=f"You were added to {brand.name} as {role}.",
        obj=brand,
    )
    return membership


@transaction.atomic
def brand_member_remove(*, actor: User, brand: Brand, user: User) -> None:
    """An owner removes a member (or a member leaves); the last owner cannot be removed."""
    memberships = list(
        BrandMembership.objects.select_for_update().filter(brand=brand).order_by("pk")
    )
    acting = next((m for m in memberships if m.user_id == actor.pk), None)
    if acting is None:
        raise Forbidden("only members of this brand may do this")
    if acting.role != MemberRole.OWNER and user.pk != actor.pk:
        raise Forbidden("only an owner of this brand may remove members")
    target = next((m for m in memberships if m.user_id == user.pk), None)
    if target is None:
        raise InvalidInput("this user is not a member of the brand", field="user")
    owners = [m for m in memberships if m.role == MemberRole.OWNER]
    if target.role == MemberRole.OWNER and len(owners) == 1:
        raise Conflict("a brand needs at least one owner; add another owner first")
    target.delete()
    audit_record(
        actor=actor, verb="remove_member", obj=brand, before=target.role, data={"user": user.pk}
    )


# IP assets --------------------------------------------------------------------------------


@transaction.atomic
def ip_create(
    *,
    actor: User,
    brand: Brand,
    name: str,
    description: str = "",
    exclusive: bool = False,
    territories: Iterable[str] = (),
    term_months: int | None = None,
    channels: Iterable[str] = (),
    reference_links: Iterable[str] = (),
) -> IPAsset:
    """A brand member registers an IP the brand owns or licenses, with default licence terms."""
    if _membership(actor, brand.pk) is None:
        raise InvalidInput("you are not a member of this brand", field="brand")
    terms = _usage_terms(
        {
            "exclusive": exclusive,
            "territories": territories,
            "term_months": term_months,
            "channels": channels,
        }
    )
    ip = IPAsset.objects.create(
        brand=brand,
        name=name,
        description=description,
        reference_links=list(reference_links),
        **terms,
    )
    audit_record(actor=actor, verb="create", obj=ip, after="active")
    return ip


@transaction.atomic
def ip_update(*, actor: User, ip: IPAsset, data: dict[str, Any]) -> IPAsset:
    """A member of the owning brand edits the IP; briefs keep the terms they were made with."""
    _require_member(actor, ip.brand_id, what="edit its IP")
    ip = IPAsset.objects.select_for_update().get(pk=ip.pk)
    if "brand" in data and data["brand"].pk != ip.brand_id:
        raise InvalidInput("an IP cannot move to another brand", field="brand")
    for key in ("name", "description", "exclusive", "term_months"):
        if key in data:
            setattr(ip, key, data[key])
    if "territories" in data:
        ip.territories = _territories(data["territories"])
    if "channels" in data:
        ip.channels = normalise_slugs(data["channels"])
    if "reference_links" in data:
        ip.reference_links = list(data["reference_links"])
    ip.save()
    return ip


@transaction.atomic
def ip_delete(*, actor: User, ip: IPAsset) -> None:
    """A member deletes an IP unless a brief past the draft stage names it."""
    _require_member(actor, ip.brand_id, what="delete its IP")
    in_use = ip.briefs.exclude(
        status__in=[BriefStatus.DRAFT, BriefStatus.REJECTED, BriefStatus.CANCELLED]
    )
    if in_use.exists():
        raise Conflict("briefs that were submitted name this IP; it cannot be deleted")
    audit_record(actor=actor, verb="delete", obj=ip, before="active", after="deleted")
    ip.delete()


# Briefs -----------------------------------------------------------------------------------


def deliverables_normalise(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate and normalise a brief's deliverables: a non-empty list of
    {count 1–50, duration_s 1–600, aspect_ratio 9:16|16:9|1:1|4:5, resolution 720p|1080p|4k}."""
    out: list[dict[str, Any]] = []
    for item in items:
        try:
            count, duration = int(item["count"]), int(item["duration_s"])
            aspect, resolution = str(item["aspect_ratio"]), str(item["resolution"]).lower()
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(
                "each deliverable needs count, duration_s, aspect_ratio and resolution",
                field="deliverables",
            ) from exc
        low, high = DELIVERABLE_COUNT_RANGE
        if not low <= count <= high:
            raise InvalidInput(f"count must be {low}–{high}", field="deliverables")
        low, high = DELIVERABLE_DURATION_RANGE
        if not low <= duration <= high:
            raise InvalidInput(f"duration_s must be {low}–{high} seconds", field="deliverables")
        if aspect not in AspectRatio.values:
            raise InvalidInput(
                f"aspect_ratio must be one of {', '.join(AspectRatio.values)}",
                field="deliverables",
            )
        if resolution not in VideoResolution.values:
            raise InvalidInput(
                f"resolution must be one of {', '.join(VideoResolution.values)}",
                field="deliverables",
            )
        out.append(
            {
                "count": count,
                "duration_s": duration,
                "aspect_ratio": aspect,
                "resolution": resolution,
            }
        )
    if not out:
        raise InvalidInput("at least one deliverable is required", field="deliverables")
    if len(out) > MAX_DELIVERABLE_ITEMS:
        raise InvalidInput(
            f"at most {MAX_DELIVERABLE_ITEMS} deliverable items", field="deliverables"
        )
    return out


def deliverables_total_seconds(deliverables: Iterable[dict[str, Any]]) -> int:
    """Seconds of video a brief asks for: the sum of count × duration over its deliverables."""
    return sum(int(d["count"]) * int(d["duration_s"]) for d in deliverables)


def _check_brief(brief: Brief, *, now: datetime) -> None:
    """The cross-field rules of a brief; InvalidInput names the first broken field."""
    if brief.budget_min < 1:
        raise InvalidInput("must be positive", field="budget_min")
    if brief.budget_max < brief.budget_min:
        raise InvalidInput("must be at least budget_min", field="budget_max")
    if brief.currency not in settings.CURRENCIES:
        raise InvalidInput(f"must be one of {', '.join(settings.CURRENCIES)}", field="currency")
    if brief.bid_deadline <= now:
        raise InvalidInput("must be in the future", field="bid_deadline")
    if brief.delivery_deadline <= brief.bid_deadline:
        raise InvalidInput("must be after the bid deadline", field="delivery_deadline")
    if brief.slots < 1:
        raise InvalidInput("must be at least 1", field="slots")
    if brief.ip_id is not None and brief.ip.brand_id != brief.brand_id:
        raise InvalidInput("must be an IP of the brief's brand", field="ip")
    deliverables_normalise(brief.deliverables)


PLAIN_BRIEF_FIELDS = (
    "title",
    "description",
    "budget_min",
    "budget_max",
    "bid_deadline",
    "delivery_deadline",
    "visibility",
    "min_tier",
    "slots",
    "ip",
)


def _set_brief_fields(brief: Brief, data: dict[str, Any]) -> None:
    for key in PLAIN_BRIEF_FIELDS:
        if key in data:
            setattr(brief, key, data[key])
    for key in ("tags", "languages"):
        if key in data:
            setattr(brief, key, normalise_slugs(data[key] or []))
    if "preferred_models" in data:
        try:
            brief.preferred_models = normalise_model_names(data["preferred_models"] or [])
        except ValueError as exc:
            raise InvalidInput(str(exc), field="preferred_models") from exc
    if "currency" in data:
        brief.currency = str(data["currency"]).upper()
    if "deliverables" in data:
        brief.deliverables = deliverables_normalise(data["deliverables"] or [])
        brief.total_seconds = deliverables_total_seconds(brief.deliverables)
    if data.get("usage_rights") is not None:
        terms = _usage_terms({**brief_usage_rights(brief), **data["usage_rights"]})
        brief.usage_exclusive = terms["exclusive"]
        brief.usage_territories = terms["territories"]
        brief.usage_term_months = terms["term_months"]
        brief.usage_channels = terms["channels"]


@transaction.atomic
def brief_create(
    *,
    actor: User,
    brand: Brand,
    title: str,
    description: str,
    deliverables: list[dict[str, Any]],
    budget_min: int,
    budget_max: int,
    currency: str,
    bid_deadline: datetime,
    delivery_deadline: datetime,
    ip: IPAsset | None = None,
    tags: Iterable[str] = (),
    preferred_models: Iterable[str] = (),
    languages: Iterable[str] = (),
    visibility: str = Visibility.PUBLIC,
    min_tier: str = Tier.STANDARD,
    slots: int = 1,
    usage_rights: dict[str, Any] | None = None,
) -> Brief:
    """A brand member drafts a brief.

    Budget min ≤ max and positive, an allowed currency, a future bid deadline before the
    delivery deadline, valid deliverables, slots ≥ 1, an IP of the same brand. Without usage
    rights stated, a brief naming an IP takes the IP's default licence terms.
    """
    if _membership(actor, brand.pk) is None:
        raise InvalidInput("you are not a member of this brand", field="brand")
    brief = Brief(brand=brand, created_by=actor, status=BriefStatus.DRAFT)
    if ip is not None:
        # The IP's default licence terms, overridden by whatever the brief states.
        usage_rights = {
            "exclusive": ip.exclusive,
            "territories": ip.territories,
            "term_months": ip.term_months,
            "channels": ip.channels,
            **(usage_rights or {}),
        }
    _set_brief_fields(
        brief,
        {
            "title": title,
            "description": description,
            "deliverables": deliverables,
            "budget_min": budget_min,
            "budget_max": budget_max,
            "currency": currency,
            "bid_deadline": bid_deadline,
            "delivery_deadline": delivery_deadline,
            "ip": ip,
            "tags": tags,
            "preferred_models": preferred_models,
            "languages": languages,
            "visibility": visibility,
            "min_tier": min_tier,
            "slots": slots,
            "usage_rights": usage_rights or {},
        },
    )
    _check_brief(brief, now=timezone.now())
    brief.save()
    audit_record(actor=actor, verb="create", obj=brief, after=brief.status)
    return brief


@transaction.atomic
def brief_update(*, actor: User, brief: Brief, data: dict[str, Any]) -> Brief:
    """A brand member edits a brief while it is a draft or rejected; the brand cannot change."""
    _require_member(actor, brief.brand_id, what="edit its briefs")
    brief = Brief.objects.select_for_update().get(pk=brief.pk)
    if brief.status not in Brief.EDITABLE:
        raise InvalidTransition("brief", brief.status, "edit")
    if "brand" in data and data["brand"].pk != brief.brand_id:
        raise InvalidInput("a brief cannot move to another brand", field="brand")
    _set_brief_fields(brief, data)
    _check_brief(brief, now=timezone.now())
    brief.save()
    return brief


def _lock_brief(brief: Brief) -> Brief:
    return Brief.objects.select_for_update().get(pk=brief.pk)


@transaction.atomic
def brief_submit(*, actor: User, brief: Brief) -> Brief:
    """A brand member sends a draft (or a rejected, edited brief) to staff review.

    The brief is checked again, so a deadline that passed while it was a draft is caught.
    """
    _require_member(actor, brief.brand_id, what="submit its briefs")
    brief = _lock_brief(brief)
    _ensure_allowed(brief, BriefStatus.IN_REVIEW, verb="submit")
    _check_brief(brief, now=timezone.now())
    brief.submitted_at = timezone.now()
    brief.rejection_reason = ""
    transition(
        brief,
        to=BriefStatus.IN_REVIEW,
        allowed=Brief.ALLOWED,
        actor=actor,
        verb="submit",
        extra_fields=["submitted_at", "rejection_reason"],
    )
    return brief


@transaction.atomic
def brief_approve(*, actor: User, brief: Brief) -> Brief:
    """Staff open a brief in review for bids; its brand members are notified."""
    _require_staff(actor)
    brief = _lock_brief(brief)
    _ensure_allowed(brief, BriefStatus.OPEN, verb="approve")
    if brief.bid_deadline <= timezone.now():
        raise Conflict(
            "the bid deadline has passed; reject the brief so the brand can move it",
            current_state=brief.status,
        )
    brief.approved_at = timezone.now()
    transition(
        brief,
        to=BriefStatus.OPEN,
        allowed=Brief.ALLOWED,
        actor=actor,
        verb="approve",
        extra_fields=["approved_at"],
    )
    notify(
        brand_member_users(brief.brand_id),
        kind="brief_approved",
        message=f"Your brief “{brief.title}” was approved and is open for bids.",
        obj=brief,
    )
    return brief


@transaction.atomic
def brief_reject(*, actor: User, brief: Brief, reason: str) -> Brief:
    """Staff send a brief in review back with a reason; the brand edits and resubmits it."""
    _require_staff(actor)
    if not reason.strip():
        raise InvalidInput("a reason is required", field="reason")
    brief = _lock_brief(brief)
    brief.rejection_reason = reason.strip()[:500]
    transition(
        brief,
        to=BriefStatus.REJECTED,
        allowed=Brief.ALLOWED,
        actor=actor,
        verb="reject",
        extra_fields=["rejection_reason"],
        data={"reason": reason},
    )
    notify(
        brand_member_users(brief.brand_id),
        kind="brief_rejected",
        message=f"Your brief “{brief.title}” was rejected: {brief.rejection_reason}",
        obj=brief,
    )
    return brief


@transaction.atomic
def brief_close(*, actor: User, brief: Brief) -> Brief:
    """A brand member stops taking bids early; the bids already made can still be accepted."""
    _require_member(actor, brief.brand_id, what="close its briefs")
    brief = _lock_brief(brief)
    return transition(
        brief, to=BriefStatus.CLOSED, allowed=Brief.ALLOWED, actor=actor, verb="close"
    )


@transaction.atomic
def brief_expire(*, brief_id: int, now: datetime | None = None) -> bool:
    """Close one open brief whose bid deadline has passed (the system acts; no actor).

    Answers whether it changed anything, so running it twice is harmless.
    """
    now = now or timezone.now()
    brief = Brief.objects.select_for_update().filter(pk=brief_id).first()
    if brief is None or brief.status != BriefStatus.OPEN or brief.bid_deadline > now:
        return False
    transition(
        brief,
        to=BriefStatus.CLOSED,
        allowed=Brief.ALLOWED,
        actor=None,
        verb="close",
        data={"reason": "bid deadline passed"},
    )
    notify(
        brand_member_users(brief.brand_id),
        kind="brief_closed",
        message=f"Bidding on “{brief.title}” has closed; choose among the bids.",
        obj=brief,
    )
    return True


def briefs_close_expired(*, now: datetime | None = None) -> int:
    """Close every open brief past its bid deadline, each in its own transaction.

    Answers how many were closed; a second run finds none.
    """
    now = now or timezone.now()
    ids = list(briefs_expired(now=now).values_list("pk", flat=True))
    return sum(brief_expire(brief_id=pk, now=now) for pk in ids)


def _reject_live_bids(*, brief: Brief, actor: User | None, why: str) -> int:
    """Reject the brief's submitted and shortlisted bids (locked in pk order); notify creators."""
    bids = (
        Bid.objects.select_for_update(of=("self",))
        .filter(brief=brief, status__in=[BidStatus.SUBMITTED, BidStatus.SHORTLISTED])
        .select_related("creator__user")
        .order_by("pk")
    )
    count = 0
    for bid in bids:
        transition(
            bid,
            to=BidStatus.REJECTED,
            allowed=Bid.ALLOWED,
            actor=actor,
            verb="reject",
            data={"reason": why},
        )
        notify(
            [bid.creator.user],
            kind="bid_rejected",
            message=f"Your bid on “{brief.title}” was not chosen: {why}.",
            obj=bid,
        )
        count += 1
    return count


@transaction.atomic
def brief_cancel(*, actor: User, brief: Brief) -> Brief:
    """A brand member cancels a brief not yet awarded; its remaining live bids are rejected.

    A brief with a contract (an accepted bid) is not cancelled here: the contract is cancelled
    first.
    """
    _require_member(actor, brief.brand_id, what="cancel its briefs")
    brief = _lock_brief(brief)
    _ensure_allowed(brief, BriefStatus.CANCELLED, verb="cancel")
    if brief.contracts.exclude(status=ContractStatus.CANCELLED).exists():
        raise Conflict(
            "this brief has contracts; cancel them before cancelling the brief",
            current_state=brief.status,
        )
    transition(brief, to=BriefStatus.CANCELLED, allowed=Brief.ALLOWED, actor=actor, verb="cancel")
    _reject_live_bids(brief=brief, actor=actor, why="the brief was cancelled")
    return brief


@transaction.atomic
def brief_complete_if_finished(*, brief_id: int) -> bool:
    """Mark an awarded brief completed once every contract of it has ended.

    For the contract services to call when a contract ends; answers whether it moved.
    """
    brief = Brief.objects.select_for_update().filter(pk=brief_id).first()
    if brief is None or brief.status != BriefStatus.AWARDED:
        return False
    if brief.contracts.exclude(status__in=ENDED_CONTRACT_STATUSES).exists():
        return False
    transition(brief, to=BriefStatus.COMPLETED, allowed=Brief.ALLOWED, actor=None, verb="complete")
    return True


# Invitations ------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, actor: User, brief: Brief, handle: str, message: str = "") -> Invitation:
    """A brand member invites a creator, by handle, to an open brief; the creator is notified.

    The creator must be active and meet the brief's minimum tier; inviting twice is a conflict.
    """
    _require_member(actor, brief.brand_id, what="invite creators")
    if brief.status != BriefStatus.OPEN:
        raise InvalidTransition("brief", brief.status, "invite creators to")
    creator = (
        CreatorProfile.objects.filter(handle=handle.strip().lower().lstrip("@"), suspended=False)
        .select_related("user")
        .first()
    )
    if creator is None:
        raise InvalidInput("no active creator has this handle", field="handle")
    if TIER_RANK[creator.tier] < TIER_RANK[brief.min_tier]:
        raise InvalidInput(
            f"@{creator.handle} is {creator.tier}, below this brief's minimum tier "
            f"({brief.min_tier})",
            field="handle",
        )
    duplicate = f"@{creator.handle} is already invited to this brief"
    existing = Invitation.objects.filter(brief=brief, creator=creator).first()
    if existing is not None:
        raise Conflict(duplicate, current_state=existing.status)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                brief=brief, creator=creator, invited_by=actor, message=message
            )
    except IntegrityError as exc:
        raise Conflict(duplicate) from exc
    audit_record(actor=actor, verb="invite", obj=invitation, after=invitation.status)
    notify(
        [creator.user],
        kind="invitation",
        message=f"{brief.brand.name} invited you to bid on “{brief.title}”.",
        obj=invitation,
    )
    return invitation


@transaction.atomic
def invitation_decline(*, actor: User, invitation: Invitation) -> Invitation:
    """The invited creator declines; they can then no longer bid on an invite-only brief."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("creator", "brief")
        .get(pk=invitation.pk)
    )
    if invitation.creator.user_id != actor.pk:
        raise Forbidden("only the invited creator may decline an invitation")
    _ensure_allowed(invitation, InvitationStatus.DECLINED, verb="decline")
    live = Bid.objects.filter(
        brief_id=invitation.brief_id,
        creator_id=invitation.creator_id,
        status__in=[BidStatus.SUBMITTED, BidStatus.SHORTLISTED, BidStatus.ACCEPTED],
    )
    if live.exists():
        raise Conflict(
            "you have a live bid on this brief; withdraw it first",
            current_state=invitation.status,
        )
    transition(
        invitation,
        to=InvitationStatus.DECLINED,
        allowed=Invitation.ALLOWED,
        actor=actor,
        verb="decline",
    )
    notify(
        brand_member_users(invitation.brief.brand_id),
        kind="invitation_declined",
        message=f"@{invitation.creator.handle} declined your invitation to "
        f"“{invitation.brief.title}”.",
        obj=invitation,
    )
    return invitation


# Bids -------------------------------------------------------------------------------------


def _sample_reels(creator: CreatorProfile, reel_ids: Iterable[int]) -> list[Reel]:
    ids = list(dict.fromkeys(int(pk) for pk in reel_ids))
    reels = list(Reel.objects.filter(pk__in=ids, creator=creator, moderation=Moderation.APPROVED))
    if len(reels) != len(ids):
        raise InvalidInput("sample reels must be your own approved reels", field="sample_reels")
    return reels


def _check_bid_currency(brief: Brief, currency: str) -> None:
    if currency and currency.upper() != brief.currency:
        raise InvalidInput(f"bids on this brief are in {brief.currency}", field="currency")


def _check_bidding_open(brief: Brief) -> None:
    if brief.status != BriefStatus.OPEN:
        raise InvalidTransition("brief", brief.status, "bid on")
    if timezone.now() >= brief.bid_deadline:
        raise Conflict("the bid deadline has passed", current_state=brief.status)


def _live_bid_conflict(bid: Bid) -> Conflict:
    return Conflict(
        "you already have a live bid on this brief; edit or withdraw it instead",
        bid_id=bid.pk,
    )


@transaction.atomic
def bid_create(
    *,
    actor: User,
    brief: Brief,
    amount: int,
    currency: str = "",
    pitch: str = "",
    delivery_days: int | None = None,
    sample_reels: Iterable[int] = (),
) -> Bid:
    """A creator bids on an open brief before its deadline, in the brief's currency.

    Refused (403, naming the rule) for a non-creator, a suspended creator, one below the minimum
    tier, one not holding a pending invitation to an invite-only brief, or a member of the
    brief's brand. One live bid per creator and brief. Brand members are notified.
    """
    creator = getattr(actor, "creator_profile", None)
    if creator is None:
        raise Forbidden("only creators can bid", rule=BidRule.NOT_A_CREATOR)
    # The brief row is locked so a bid never lands on a brief being awarded or cancelled, and
    # so one creator's concurrent bids are serialised.
    brief = Brief.objects.select_for_update(of=("self",)).select_related("brand").get(pk=brief.pk)
    if creator.suspended:
        raise Forbidden("your account is suspended, so you cannot bid", rule=BidRule.SUSPENDED)
    if TIER_RANK[creator.tier] < TIER_RANK[brief.min_tier]:
        raise Forbidden(
            f"this brief needs the {brief.min_tier} tier or higher and you are {creator.tier}",
            rule=BidRule.BELOW_MIN_TIER,
        )
    if brief.visibility == Visibility.INVITE_ONLY and not invitation_pending(
        brief=brief, creator=creator
    ):
        raise Forbidden(
            "this brief is invite-only and you hold no pending invitation to it",
            rule=BidRule.NOT_INVITED,
        )
    if _membership(actor, brief.brand_id) is not None:
        raise Forbidden("you cannot bid on your own brand's brief", rule=BidRule.OWN_BRAND)
    _check_bidding_open(brief)
    _check_bid_currency(brief, currency)
    if amount < 1:
        raise InvalidInput("must be positive", field="amount")
    reels = _sample_reels(creator, sample_reels)
    existing = Bid.objects.filter(
        brief=brief,
        creator=creator,
        status__in=[BidStatus.SUBMITTED, BidStatus.SHORTLISTED, BidStatus.ACCEPTED],
    ).first()
    if existing is not None:
        raise _live_bid_conflict(existing)
    try:
        with transaction.atomic():
            bid = Bid.objects.create(
                brief=brief,
                creator=creator,
                amount=amount,
                currency=brief.currency,
                pitch=pitch,
                delivery_days=delivery_days,
            )
    except IntegrityError as exc:
        # The partial unique index caught a concurrent duplicate the check above missed.
        raise Conflict(
            "you already have a live bid on this brief; edit or withdraw it instead"
        ) from exc
    bid.sample_reels.set(reels)
    audit_record(actor=actor, verb="create", obj=bid, after=bid.status)
    notify(
        brand_member_users(brief.brand_id),
        kind="bid_new",
        message=f"@{creator.handle} bid on “{brief.title}”.",
        obj=bid,
    )
    creator_touch(profile_id=creator.pk)
    return bid


def _lock_bid(bid: Bid) -> Bid:
    return (
        Bid.objects.select_for_update(of=("self",))
        .select_related("brief", "creator", "creator__user")
        .get(pk=bid.pk)
    )


def _require_bidder(actor: User, bid: Bid, *, what: str) -> None:
    if bid.creator.user_id != actor.pk:
        raise Forbidden(f"only the creator who made a bid may {what} it")


@transaction.atomic
def bid_update(*, actor: User, bid: Bid, data: dict[str, Any]) -> Bid:
    """The bidder edits a bid while it is submitted, the brief open and before the deadline."""
    bid = _lock_bid(bid)
    _require_bidder(actor, bid, what="edit")
    if bid.status != BidStatus.SUBMITTED:
        raise InvalidTransition("bid", bid.status, "edit")
    _check_bidding_open(bid.brief)
    _check_bid_currency(bid.brief, data.get("currency", ""))
    if "amount" in data:
        if data["amount"] < 1:
            raise InvalidInput("must be positive", field="amount")
        bid.amount = data["amount"]
    for key in ("pitch", "delivery_days"):
        if key in data:
            setattr(bid, key, data[key])
    if "sample_reels" in data:
        bid.sample_reels.set(_sample_reels(bid.creator, data["sample_reels"]))
    bid.save()
    creator_touch(profile_id=bid.creator_id)
    return bid


@transaction.atomic
def bid_withdraw(*, actor: User, bid: Bid) -> Bid:
    """The bidder withdraws a submitted or shortlisted bid; brand members are notified."""
    bid = _lock_bid(bid)
    _require_bidder(actor, bid, what="withdraw")
    transition(bid, to=BidStatus.WITHDRAWN, allowed=Bid.ALLOWED, actor=actor, verb="withdraw")
    notify(
        brand_member_users(bid.brief.brand_id),
        kind="bid_withdrawn",
        message=f"@{bid.creator.handle} withdrew their bid on “{bid.brief.title}”.",
        obj=bid,
    )
    return bid


@transaction.atomic
def bid_shortlist(*, actor: User, bid: Bid) -> Bid:
    """A member of the brief's brand shortlists a submitted bid; the creator is notified."""
    _require_member(actor, bid.brief.brand_id, what="shortlist bids")
    bid = _lock_bid(bid)
    transition(bid, to=BidStatus.SHORTLISTED, allowed=Bid.ALLOWED, actor=actor, verb="shortlist")
    notify(
        [bid.creator.user],
        kind="bid_shortlisted",
        message=f"Your bid on “{bid.brief.title}” was shortlisted.",
        obj=bid,
    )
    return bid


@transaction.atomic
def bid_reject(*, actor: User, bid: Bid, reason: str = "") -> Bid:
    """A member of the brief's brand rejects a live bid; the creator is notified."""
    _require_member(actor, bid.brief.brand_id, what="reject bids")
    bid = _lock_bid(bid)
    transition(
        bid,
        to=BidStatus.REJECTED,
        allowed=Bid.ALLOWED,
        actor=actor,
        verb="reject",
        data={"reason": reason} if reason else None,
    )
    suffix = f": {reason.strip()}" if reason.strip() else "."
    notify(
        [bid.creator.user],
        kind="bid_rejected",
        message=f"Your bid on “{bid.brief.title}” was rejected{suffix}",
        obj=bid,
    )
    return bid


@transaction.atomic
def bid_accept(*, actor: User, bid: Bid) -> Contract:
    """A member of the brief's brand accepts a live bid and so creates its contract.

    The brief row is locked first, then the bid, so concurrent accepts are serialised and never
    fill more than `slots`. The contract (awaiting funding) snapshots the price, the creator's
    tier and fee, the deliverables, the delivery deadline and the usage rights. When the
    accepted bids fill the slots the brief is awarded and its other live bids are rejected.
    """
    _require_member(actor, bid.brief.brand_id, what="accept bids")
    brief = _lock_brief(bid.brief)
    bid = _lock_bid(bid)
    if brief.status not in (BriefStatus.OPEN, BriefStatus.CLOSED):
        raise InvalidTransition("brief", brief.status, "accept a bid on")
    _ensure_allowed(bid, BidStatus.ACCEPTED, verb="accept")
    accepted = Bid.objects.filter(brief=brief, status=BidStatus.ACCEPTED).count()
    if accepted >= brief.slots:
        raise Conflict(
            f"all {brief.slots} slots of this brief are filled", current_state=brief.status
        )
    if bid.creator.suspended:
        raise Conflict("the creator is suspended and cannot be hired", current_state=bid.status)
    transition(bid, to=BidStatus.ACCEPTED, allowed=Bid.ALLOWED, actor=actor, verb="accept")
    tier = bid.creator.tier
    fee = pricing.platform_fee(bid.amount, tier)
    contract = Contract.objects.create(
        bid=bid,
        brief=brief,
        brand_id=brief.brand_id,
        creator=bid.creator,
        amount=bid.amount,
        currency=bid.currency,
        creator_tier=tier,
        fee_bps=pricing.fee_bps(tier),
        fee=fee,
        creator_net=bid.amount - fee,
        deliverables=list(brief.deliverables),
        delivery_deadline=brief.delivery_deadline,
        usage_rights=brief_usage_rights(brief),
        max_revisions=settings.MAX_REVISIONS,
        status=ContractStatus.AWAITING_FUNDING,
    )
    audit_record(
        actor=actor,
        verb="create",
        obj=contract,
        after=contract.status,
        data={"bid": bid.pk, "amount": bid.amount, "fee": fee},
    )
    notify(
        [bid.creator.user],
        kind="bid_accepted",
        message=f"Your bid on “{brief.title}” was accepted; the contract awaits funding.",
        obj=bid,
    )
    if accepted + 1 >= brief.slots:
        transition(brief, to=BriefStatus.AWARDED, allowed=Brief.ALLOWED, actor=actor, verb="award")
        _reject_live_bids(brief=brief, actor=actor, why="the brief was awarded")
    return contract
