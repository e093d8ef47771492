"""Writes on invitations: a brand member invites a creator to a brief, the creator declines."""

from django.db import IntegrityError, transaction

from creators.models import TIER_RANK, CreatorProfile
from marketplace.audit import audit_record, contacts_masked_record, notify, transition
from marketplace.contacts import mask as mask_contacts
from marketplace.errors import Conflict, Forbidden, InvalidInput, InvalidTransition
from marketplace.models import User
from marketplace.transitions import transition_target

from ..errors import CampaignError
from ..locks import lock_brief, lock_invitation
from ..models import LIVE_BID_STATUSES, Bid, Brief, BriefStatus, Invitation
from ..selectors import brand_member_users
from .common import require_member


@transaction.atomic
def invitation_create(*, actor: User, brief: Brief, handle: str, message: str = "") -> Invitation:
    """A brand member invites a creator, by handle, to an open brief; the creator is notified.

    The creator must be active and meet the brief's minimum tier; inviting twice is a conflict.
    Contact details in the message are hidden (the original kept for staff).
    The brief is locked, so an invitation never lands on a brief being closed or cancelled.
    """
    require_member(actor, brief.brand_id, what="invite creators")
    brief = lock_brief(brief.pk)
    if brief.status != BriefStatus.OPEN:
        raise InvalidTransition("brief", brief.status, "invite creators to")
    creator = (
        CreatorProfile.objects.filter(handle=handle.strip().lower().lstrip("@"), suspended=False)
        .select_related("user")
        .first()
    )
    if creator is None:
        raise InvalidInput(
            "no active creator has this handle",
            code=CampaignError.CREATOR_NOT_FOUND,
            field="handle",
        )
    if TIER_RANK[creator.tier] < TIER_RANK[brief.min_tier]:
        raise InvalidInput(
            f"@{creator.handle} is {creator.tier}, below this brief's minimum tier "
            f"({brief.min_tier})",
            code=CampaignError.BELOW_MIN_TIER,
            field="handle",
        )
    duplicate = f"@{creator.handle} is already invited to this brief"
    existing = Invitation.objects.filter(brief=brief, creator=creator).first()
    if existing is not None:
        raise Conflict(duplicate, code=CampaignError.ALREADY_INVITED, current_state=existing.status)
    shown, kinds = mask_contacts(message or "")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                brief=brief, creator=creator, invited_by=actor, message=shown
            )
    except IntegrityError as exc:
        raise Conflict(duplicate, code=CampaignError.ALREADY_INVITED) from exc
    audit_record(actor=actor, verb="invite", obj=invitation, after=invitation.status)
    if kinds:
        contacts_masked_record(actor=actor, obj=invitation, originals={"message": (message, kinds)})
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
    invitation = lock_invitation(invitation.pk)
    if invitation.creator.user_id != actor.pk:
        raise Forbidden(
            "only the invited creator may decline an invitation", code=CampaignError.NOT_INVITEE
        )
    transition_target(invitation, "decline")
    live = Bid.objects.filter(
        brief_id=invitation.brief_id,
        creator_id=invitation.creator_id,
        status__in=LIVE_BID_STATUSES,
    )
    if live.exists():
        raise Conflict(
            "you have a live bid on this brief; withdraw it first",
            code=CampaignError.LIVE_BID_EXISTS,
            current_state=invitation.status,
        )
    transition(invitation, "decline", actor=actor)
    notify(
        brand_member_users(invitation.brief.brand_id),
        kind="invitation_declined",
        message=f"@{invitation.creator.handle} declined your invitation to "
        f"“{invitation.brief.title}”.",
        obj=invitation,
    )
    return invitation
