"""Every write on creators, portfolios, reels and partner applications.

Each change runs in one transaction with the rows it changes locked through `creators.locks`;
moderation and application moves go through `marketplace.audit.transition` with the model's
ALLOWED table. Every refusal carries a `CreatorError` code.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from marketplace.audit import audit_record, transition
from marketplace.errors import Conflict, Forbidden, InvalidInput
from marketplace.fields import normalise_slugs
from marketplace.guards import require_staff
from marketplace.listcache import lists_changed
from marketplace.models import User

from .errors import CreatorError
from .locks import lock_application, lock_portfolio, lock_profile, lock_reel
from .models import (
    ApplicationStatus,
    CreatorProfile,
    CreatorSkill,
    GeneratedVideo,
    Moderation,
    PartnerApplication,
    Portfolio,
    Reel,
    Tier,
)

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
    """A creator edits their own public profile and rate card; tier and flags are staff-only."""
    if profile.user_id != actor.pk:
        raise Forbidden("you can edit only your own profile", code=CreatorError.NOT_PROFILE_OWNER)
    profile = lock_profile(profile.pk)
    for key, value in data.items():
        if key not in PROFILE_FIELDS:
            continue
        if key in {"tags", "languages"}:
            value = normalise_slugs(value)
        if key in {"country", "rate_currency"} and value:
            value = value.upper()
        setattr(profile, key, value)
    profile.save()
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
    """Staff suspend a creator: hidden from the public, cannot bid or be matched.

    Their reels' `creator_suspended` flag follows, so the public feed hides them too.
    """
    require_staff(actor, what="suspend creators")
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
    """Record that the creator was active now (a reel, a bid or a delivery)."""
    CreatorProfile.objects.filter(pk=profile_id).update(last_active_at=timezone.now())
    lists_changed("creators")


def creator_refresh_showcase(*, creator_id: int) -> None:
    """Recompute a creator's skills and reel tags from their approved reels.

    Called by every reel service that can change what is approved, in the same transaction.
    """
    approved = Reel.objects.filter(creator_id=creator_id, moderation=Moderation.APPROVED)
    skills: dict[str, CreatorSkill] = {}
    tags: list[str] = []
    for tag_list, model, provider, seconds in approved.values_list(
        "tags", "video__model", "video__provider", "video__duration_s"
    ):
        skill = skills.setdefault(
            model, CreatorSkill(creator_id=creator_id, model=model, provider=provider)
        )
        skill.reel_count += 1
        skill.total_seconds += seconds
        tags.extend(t for t in tag_list if t not in tags)
    CreatorSkill.objects.filter(creator_id=creator_id).delete()
    CreatorSkill.objects.bulk_create(skills.values())
    CreatorProfile.objects.filter(pk=creator_id).update(reel_tags=sorted(tags))
    lists_changed("creators", "reels")


# Portfolios -------------------------------------------------------------------------------


def _require_owner(actor: User, creator_id: int) -> CreatorProfile:
    profile = getattr(actor, "creator_profile", None)
    if profile is None or profile.pk != creator_id:
        raise Forbidden("only the creator may do this", code=CreatorError.NOT_OWNER)
    return profile


def _portfolio_name_taken() -> InvalidInput:
    return InvalidInput(
        "you already have a portfolio with this name",
        code=CreatorError.PORTFOLIO_NAME_TAKEN,
        field="name",
    )


@transaction.atomic
def portfolio_create(*, actor: User, name: str, description: str = "") -> Portfolio:
    """A creator makes a named collection; names are unique per creator."""
    profile = getattr(actor, "creator_profile", None)
    if profile is None:
        raise Forbidden("only creators have portfolios", code=CreatorError.NOT_A_CREATOR)
    if Portfolio.objects.filter(creator=profile, name=name).exists():
        raise _portfolio_name_taken()
    return Portfolio.objects.create(creator=profile, name=name, description=description)


@transaction.atomic
def portfolio_update(*, actor: User, portfolio: Portfolio, data: dict[str, Any]) -> Portfolio:
    """The owner renames or describes a portfolio."""
    _require_owner(actor, portfolio.creator_id)
    portfolio = lock_portfolio(portfolio.pk)
    name = data.get("name", portfolio.name)
    if (
        name != portfolio.name
        and Portfolio.objects.filter(creator_id=portfolio.creator_id, name=name).exists()
    ):
        raise _portfolio_name_taken()
    portfolio.name = name
    portfolio.description = data.get("description", portfolio.description)
    portfolio.save()
    return portfolio


@transaction.atomic
def portfolio_delete(*, actor: User, portfolio: Portfolio) -> None:
    """The owner deletes a portfolio; its reels stay, outside any portfolio."""
    _require_owner(actor, portfolio.creator_id)
    portfolio.delete()
    lists_changed("reels")  # its reels now show no portfolio


# Reels ------------------------------------------------------------------------------------


def _check_portfolio(profile: CreatorProfile, portfolio: Portfolio | None) -> None:
    if portfolio is not None and portfolio.creator_id != profile.pk:
        raise InvalidInput(
            "no such portfolio of yours", code=CreatorError.PORTFOLIO_NOT_FOUND, field="portfolio"
        )


@transaction.atomic
def reel_create(
    *,
    actor: User,
    title: str,
    video: dict[str, Any],
    description: str = "",
    tags: list[str] | None = None,
    portfolio: Portfolio | None = None,
) -> Reel:
    """A creator showcases a reel with its generated video; it waits for moderation."""
    profile = getattr(actor, "creator_profile", None)
    if profile is None:
        raise Forbidden("only creators post reels", code=CreatorError.NOT_A_CREATOR)
    _check_portfolio(profile, portfolio)
    generated = GeneratedVideo.objects.create(**video)
    reel = Reel.objects.create(
        creator=profile,
        portfolio=portfolio,
        video=generated,
        title=title,
        description=description,
        tags=normalise_slugs(tags or []),
        creator_suspended=profile.suspended,
    )
    audit_record(actor=actor, verb="create", obj=reel, after=Moderation.PENDING)
    creator_touch(profile_id=profile.pk)
    return reel


@transaction.atomic
def reel_update(*, actor: User, reel: Reel, data: dict[str, Any]) -> Reel:
    """The owner edits a reel; changing the video or the words sends it back to moderation."""
    profile = _require_owner(actor, reel.creator_id)
    reel = lock_reel(reel.pk)
    if "portfolio" in data:
        _check_portfolio(profile, data["portfolio"])
        reel.portfolio = data["portfolio"]
    for key in ("title", "description"):
        if key in data:
            setattr(reel, key, data[key])
    if "tags" in data:
        reel.tags = normalise_slugs(data["tags"])
    if "video" in data:
        for key, value in data["video"].items():
            setattr(reel.video, key, value)
        reel.video.save()
    reel.save()
    lists_changed("reels")
    content_changed = bool({"title", "description", "tags", "video"} & data.keys())
    if content_changed and reel.moderation != Moderation.PENDING:
        was_approved = reel.moderation == Moderation.APPROVED
        transition(
            reel,
            to=Moderation.PENDING,
            allowed=Reel.ALLOWED,
            actor=actor,
            verb="resubmit",
            field="moderation",
        )
        if was_approved:
            creator_refresh_showcase(creator_id=reel.creator_id)
    return reel


@transaction.atomic
def reel_delete(*, actor: User, reel: Reel) -> None:
    """The owner deletes a reel and its video record."""
    _require_owner(actor, reel.creator_id)
    reel = lock_reel(reel.pk)
    video = reel.video
    was_approved = reel.moderation == Moderation.APPROVED
    audit_record(actor=actor, verb="delete", obj=reel, before=reel.moderation, after="deleted")
    reel.delete()
    video.delete()
    lists_changed("reels")
    if was_approved:
        creator_refresh_showcase(creator_id=reel.creator_id)


@transaction.atomic
def reel_approve(*, actor: User, reel: Reel) -> Reel:
    """Staff approve a reel: it becomes public and counts for matching."""
    require_staff(actor, what="approve reels")
    reel = lock_reel(reel.pk)
    reel.moderated_by = actor
    reel.moderated_at = timezone.now()
    reel.rejection_reason = ""
    transition(
        reel,
        to=Moderation.APPROVED,
        allowed=Reel.ALLOWED,
        actor=actor,
        verb="approve",
        field="moderation",
        extra_fields=["moderated_by", "moderated_at", "rejection_reason"],
    )
    creator_refresh_showcase(creator_id=reel.creator_id)
    return reel


@transaction.atomic
def reel_reject(*, actor: User, reel: Reel, reason: str) -> Reel:
    """Staff reject a reel with a reason the creator sees."""
    require_staff(actor, what="reject reels")
    if not reason.strip():
        raise InvalidInput(
            "a reason is required", code=CreatorError.REASON_REQUIRED, field="reason"
        )
    reel = lock_reel(reel.pk)
    reel.moderated_by = actor
    reel.moderated_at = timezone.now()
    reel.rejection_reason = reason[:300]
    was_approved = reel.moderation == Moderation.APPROVED
    transition(
        reel,
        to=Moderation.REJECTED,
        allowed=Reel.ALLOWED,
        actor=actor,
        verb="reject",
        field="moderation",
        extra_fields=["moderated_by", "moderated_at", "rejection_reason"],
        data={"reason": reason},
    )
    lists_changed("reels")
    if was_approved:
        creator_refresh_showcase(creator_id=reel.creator_id)
    return reel


# Partner programme ---------------------------------------------------------------------------


@transaction.atomic
def partner_application_create(
    *, actor: User, statement: str, links: list[str] | None = None
) -> PartnerApplication:
    """A creator applies to the partner programme; one pending application at a time."""
    profile = getattr(actor, "creator_profile", None)
    if profile is None:
        raise Forbidden(
            "only creators can apply to the partner programme", code=CreatorError.NOT_A_CREATOR
        )
    profile = lock_profile(profile.pk)
    if profile.tier != Tier.STANDARD:
        raise Conflict(
            f"you are already in the {profile.tier} tier",
            code=CreatorError.ALREADY_ABOVE_STANDARD,
            current_state=profile.tier,
        )
    if PartnerApplication.objects.filter(
        creator=profile, status=ApplicationStatus.PENDING
    ).exists():
        raise Conflict(
            "you already have a pending application",
            code=CreatorError.APPLICATION_PENDING,
            current_state="pending",
        )
    application = PartnerApplication.objects.create(
        creator=profile, statement=statement, links=links or []
    )
    audit_record(actor=actor, verb="apply", obj=application, after=ApplicationStatus.PENDING)
    return application


@transaction.atomic
def partner_application_approve(
    *, actor: User, application: PartnerApplication
) -> PartnerApplication:
    """Staff approve an application and grant the partner tier (never lowering a higher one)."""
    require_staff(actor, what="approve partner applications")
    application = lock_application(application.pk)
    application.reviewer = actor
    application.decided_at = timezone.now()
    transition(
        application,
        to=ApplicationStatus.APPROVED,
        allowed=PartnerApplication.ALLOWED,
        actor=actor,
        verb="approve",
        extra_fields=["reviewer", "decided_at"],
    )
    profile = lock_profile(application.creator_id)
    if profile.tier == Tier.STANDARD:
        creator_set_tier(actor=actor, profile=profile, tier=Tier.PARTNER)
    return application


@transaction.atomic
def partner_application_reject(
    *, actor: User, application: PartnerApplication, reason: str
) -> PartnerApplication:
    """Staff reject an application with a reason."""
    require_staff(actor, what="reject partner applications")
    if not reason.strip():
        raise InvalidInput(
            "a reason is required", code=CreatorError.REASON_REQUIRED, field="reason"
        )
    application = lock_application(application.pk)
    application.reviewer = actor
    application.reason = reason[:500]
    application.decided_at = timezone.now()
    return transition(
        application,
        to=ApplicationStatus.REJECTED,
        allowed=PartnerApplication.ALLOWED,
        actor=actor,
        verb="reject",
        extra_fields=["reviewer", "reason", "decided_at"],
    )
