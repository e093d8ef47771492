"""Reels: a creator's showcase entries, and their moderation."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from marketplace.audit import audit_record, notify_staff, transition
from marketplace.errors import CommonError, Forbidden, InvalidInput
from marketplace.fields import normalise_slugs
from marketplace.guards import require_staff
from marketplace.listcache import lists_changed
from marketplace.models import User

from .. import evidence
from ..errors import CreatorError
from ..locks import lock_reel
from ..models import (
    CreatorProfile,
    Moderation,
    Portfolio,
    Reel,
)
from .licences import videos_apply_licences, videos_build
from .profiles import require_profile_owner
from .showcase import creator_refresh_showcase

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
        raise Forbidden("only creators post reels", code=CommonError.NOT_A_CREATOR)
    _check_portfolio(profile, portfolio)
    generated = videos_build([video])[0]
    generated.save()
    reel = Reel.objects.create(
        creator=profile,
        portfolio=portfolio,
        video=generated,
        title=title,
        description=description,
        tags=normalise_slugs(tags or []),
        terms=evidence.reel_terms(title, description, generated.prompt),
        creator_suspended=profile.suspended,
    )
    audit_record(actor=actor, verb="create", obj=reel, after=Moderation.PENDING)
    # A pending reel is not activity for matching: it counts once approved.
    notify_staff(
        kind="reel_submitted",
        message=f"Reel “{reel.title}” of @{profile.handle} waits for moderation.",
        obj=reel,
    )
    return reel


@transaction.atomic
def reel_update(*, actor: User, reel: Reel, data: dict[str, Any]) -> Reel:
    """The owner edits a reel; changing the video or the words sends it back to moderation."""
    profile = require_profile_owner(actor, reel.creator_id)
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
        videos_apply_licences([reel.video])
        reel.video.save()
    reel.terms = evidence.reel_terms(reel.title, reel.description, reel.video.prompt)
    reel.save()
    lists_changed("reels")
    content_changed = bool({"title", "description", "tags", "video"} & data.keys())
    if content_changed and reel.moderation != Moderation.PENDING:
        was_approved = reel.moderation == Moderation.APPROVED
        transition(reel, "resubmit", actor=actor)
        notify_staff(
            kind="reel_submitted",
            message=f"Reel “{reel.title}” was edited and waits for moderation again.",
            obj=reel,
        )
        if was_approved:
            creator_refresh_showcase(creator_id=reel.creator_id)
    return reel


@transaction.atomic
def reel_delete(*, actor: User, reel: Reel) -> None:
    """The owner deletes a reel and its video record."""
    require_profile_owner(actor, reel.creator_id)
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
        reel, "approve", actor=actor, fields=["moderated_by", "moderated_at", "rejection_reason"]
    )
    creator_refresh_showcase(creator_id=reel.creator_id)
    return reel


@transaction.atomic
def reel_reject(*, actor: User, reel: Reel, reason: str) -> Reel:
    """Staff reject a reel with a reason the creator sees."""
    require_staff(actor, what="reject reels")
    if not reason.strip():
        raise InvalidInput("a reason is required", code=CommonError.REASON_REQUIRED, field="reason")
    reel = lock_reel(reel.pk)
    reel.moderated_by = actor
    reel.moderated_at = timezone.now()
    reel.rejection_reason = reason[:300]
    was_approved = reel.moderation == Moderation.APPROVED
    transition(
        reel,
        "reject",
        actor=actor,
        fields=["moderated_by", "moderated_at", "rejection_reason"],
        data={"reason": reason},
    )
    lists_changed("reels")
    if was_approved:
        creator_refresh_showcase(creator_id=reel.creator_id)
    return reel
