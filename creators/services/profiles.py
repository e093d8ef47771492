"""Creator profiles: creation, edits, verification, suspension, tiers and activity."""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from marketplace.audit import audit_record, contacts_masked_record
from marketplace.contacts import mask as mask_contacts
from marketplace.errors import CommonError, Conflict, Forbidden, InvalidInput
from marketplace.fields import normalise_slugs
from marketplace.guards import require_staff
from marketplace.listcache import lists_changed
from marketplace.models import User

from ..errors import CreatorError
from ..locks import lock_profile
from ..models import (
    CreatorProfile,
    Reel,
    Tier,
)
from .showcase import creator_evidence_refresh

PROFILE_FIELDS = {
    "display_name",
    "bio",
    "country",
    "languages",
    "tags",
    "min_price_per_project",
    "price_per_second",
    "rate_currency",
}


def creator_profile_create(*, user: User, handle: str, display_name: str = "") -> CreatorProfile:
    """Give `user` a creator profile; the handle must be free (checked by the caller's input)."""
    handle = handle.lower()
    if CreatorProfile.objects.filter(handle=handle).exists():
        raise InvalidInput("this handle is taken", code=CreatorError.HANDLE_TAKEN, field="handle")
    return CreatorProfile.objects.create(
        user=user, handle=handle, display_name=display_name or handle
    )


@transaction.atomic
def creator_profile_update(
    *, actor: User, profile: CreatorProfile, data: dict[str, Any]
) -> CreatorProfile:
    """A creator edits their own public profile and rate card; tier and flags are staff-only.
    The bio is public: contact details in it are hidden, the original kept for staff."""
    if profile.user_id != actor.pk:
        raise Forbidden("you can edit only your own profile", code=CreatorError.NOT_PROFILE_OWNER)
    profile = lock_profile(profile.pk)
    originals: dict[str, tuple[str, list[str]]] = {}
    for key, value in data.items():
        if key not in PROFILE_FIELDS:
            continue
        if key in {"tags", "languages"}:
            value = normalise_slugs(value)
        if key in {"country", "rate_currency"} and value:
            value = value.upper()
        if key == "bio" and value:
            value, kinds = mask_contacts(value)
            if kinds:
                originals["bio"] = (data["bio"], kinds)
        setattr(profile, key, value)
    profile.save()
    contacts_masked_record(actor=actor, obj=profile, originals=originals)
    if "tags" in data:
        # A claimed tag is (weak) evidence for matching.
        creator_evidence_refresh(creator_id=profile.pk)
        profile.refresh_from_db()
    lists_changed("creators")
    return profile


@transaction.atomic
def creator_verify(*, actor: User, profile: CreatorProfile) -> CreatorProfile:
    """Staff mark a creator verified."""
    require_staff(actor, what="verify creators")
    profile = lock_profile(profile.pk)
    before = "verified" if profile.verified else "unverified"
    profile.verified = True
    profile.save(update_fields=["verified", "updated_at"])
    lists_changed("creators")
    audit_record(actor=actor, verb="verify", obj=profile, before=before, after="verified")
    return profile


@transaction.atomic
def creator_suspend(*, actor: User, profile: CreatorProfile, reason: str = "") -> CreatorProfile:
    """Staff suspend a creator with a reason: hidden from the public, cannot bid or be matched.

    Their reels' `creator_suspended` flag follows, so the public feed hides them too.
    """
    require_staff(actor, what="suspend creators")
    if not reason.strip():
        raise InvalidInput("a reason is required", code=CommonError.REASON_REQUIRED, field="reason")
    profile = lock_profile(profile.pk)
    if profile.suspended:
        raise Conflict(
            "the creator is already suspended",
            code=CreatorError.ALREADY_SUSPENDED,
            current_state="suspended",
        )
    profile.suspended = True
    profile.suspended_reason = reason[:300]
    profile.save(update_fields=["suspended", "suspended_reason", "updated_at"])
    Reel.objects.filter(creator=profile).update(creator_suspended=True)
    lists_changed("creators", "reels")
    audit_record(
        actor=actor,
        verb="suspend",
        obj=profile,
        before="active",
        after="suspended",
        data={"reason": reason},
    )
    return profile


@transaction.atomic
def creator_unsuspend(*, actor: User, profile: CreatorProfile) -> CreatorProfile:
    """Staff lift a suspension; their reels' `creator_suspended` flag follows."""
    require_staff(actor, what="lift suspensions")
    profile = lock_profile(profile.pk)
    if not profile.suspended:
        raise Conflict(
            "the creator is not suspended", code=CreatorError.NOT_SUSPENDED, current_state="active"
        )
    profile.suspended = False
    profile.suspended_reason = ""
    profile.save(update_fields=["suspended", "suspended_reason", "updated_at"])
    Reel.objects.filter(creator=profile).update(creator_suspended=False)
    lists_changed("creators", "reels")
    audit_record(actor=actor, verb="unsuspend", obj=profile, before="suspended", after="active")
    return profile


@transaction.atomic
def creator_set_tier(*, actor: User, profile: CreatorProfile, tier: str) -> CreatorProfile:
    """Staff grant a tier (standard, partner or elite)."""
    require_staff(actor, what="grant tiers")
    if tier not in Tier.values:
        raise InvalidInput(f"unknown tier {tier!r}", code=CreatorError.TIER_UNKNOWN, field="tier")
    profile = lock_profile(profile.pk)
    before = profile.tier
    profile.tier = tier
    profile.save(update_fields=["tier", "updated_at"])
    profile.refresh_from_db(fields=["tier_rank"])
    lists_changed("creators")
    audit_record(actor=actor, verb="set_tier", obj=profile, before=before, after=tier)
    return profile


def creator_touch(*, profile_id: int) -> None:
    """Record a bid or a delivery by the creator now: both count as approved activity."""
    now = timezone.now()
    CreatorProfile.objects.filter(pk=profile_id).update(last_deal_at=now)
    CreatorProfile.objects.filter(pk=profile_id).filter(
        Q(last_active_at__isnull=True) | Q(last_active_at__lt=now)
    ).update(last_active_at=now)
    lists_changed("creators")


def require_profile_owner(actor: User, creator_id: int) -> CreatorProfile:
    profile = getattr(actor, "creator_profile", None)
    if profile is None or profile.pk != creator_id:
        raise Forbidden("only the creator may do this", code=CreatorError.NOT_OWNER)
    return profile
