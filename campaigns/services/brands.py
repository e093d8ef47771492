"""Writes on brands, their members and their IP assets."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from marketplace.audit import audit_record, notify, transition
from marketplace.errors import Conflict, Forbidden, InvalidInput, InvalidTransition
from marketplace.listcache import lists_changed
from marketplace.models import User

from ..errors import CampaignError
from ..locks import lock_brand, lock_ip, lock_member_invitation, lock_memberships
from ..models import (
    Brand,
    BrandMembership,
    BriefStatus,
    IPAsset,
    IPHolding,
    MemberInvitation,
    MemberInvitationStatus,
    MemberRole,
)
from .common import (
    channels_normalise,
    require_member,
    require_member_for_input,
    require_owner,
    term_check,
    territories_normalise,
)

# Brands -----------------------------------------------------------------------------------


def _unique_brand_slug(name: str) -> str:
    base = slugify(name)[:120] or "brand"
    slug, n = base, 1
    while Brand.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _brand_name(value: object) -> str:
    name = str(value).strip()
    if not name:
        raise InvalidInput(
            "a brand name is required", code=CampaignError.BRAND_NAME_REQUIRED, field="name"
        )
    return name


@transaction.atomic
def brand_create(*, actor: User, name: str, website: str = "", description: str = "") -> Brand:
    """Create a brand with `actor` as its owner."""
    name = _brand_name(name)
    brand = Brand.objects.create(
        name=name, slug=_unique_brand_slug(name), website=website, description=description
    )
    BrandMembership.objects.create(brand=brand, user=actor, role=MemberRole.OWNER)
    audit_record(actor=actor, verb="create", obj=brand, after="active")
    return brand


@transaction.atomic
def brand_update(*, actor: User, brand: Brand, data: dict[str, Any]) -> Brand:
    """An owner edits the brand's name, website and description (the slug stays)."""
    require_owner(actor, brand.pk, what="edit the brand")
    brand = lock_brand(brand.pk)
    if "name" in data:
        brand.name = _brand_name(data["name"])
    for key in ("website", "description"):
        if key in data:
            setattr(brand, key, data[key])
    brand.save(update_fields=["name", "website", "description"])
    lists_changed("briefs")  # briefs show the brand's name
    return brand


def _member_role(role: str) -> str:
    if role not in MemberRole.values:
        raise InvalidInput(
            f"role must be one of {', '.join(MemberRole.values)}",
            code=CampaignError.MEMBER_ROLE_INVALID,
            field="role",
        )
    return role


@transaction.atomic
def member_invitation_create(
    *, actor: User, brand: Brand, email: str, role: str = MemberRole.MANAGER
) -> MemberInvitation:
    """An owner invites an e-mail address to join the brand as an owner or a manager.

    Nobody joins until the invitee accepts. The answer is the same whether or not an account
    has the address (no account is looked up, nothing about one is shown); a signed-in holder
    of the address is notified. An address already in the brand, or already invited, is a
    conflict (the owner sees members and invitations anyway).
    """
    require_owner(actor, brand.pk, what="invite members")
    role = _member_role(role)
    email = email.strip().lower()
    lock_memberships(brand.pk)
    if BrandMembership.objects.filter(brand=brand, user__email=email).exists():
        raise Conflict(
            f"{email} is already a member of this brand", code=CampaignError.ALREADY_MEMBER
        )
    pending = f"{email} already has a pending invitation to this brand"
    if MemberInvitation.objects.filter(
        brand=brand, email=email, status=MemberInvitationStatus.PENDING
    ).exists():
        raise Conflict(pending, code=CampaignError.MEMBER_INVITATION_PENDING)
    try:
        with transaction.atomic():
            invitation = MemberInvitation.objects.create(
                brand=brand, email=email, role=role, invited_by=actor
            )
    except IntegrityError as exc:
        raise Conflict(pending, code=CampaignError.MEMBER_INVITATION_PENDING) from exc
    audit_record(
        actor=actor, verb="invite_member", obj=invitation, after=MemberInvitationStatus.PENDING
    )
    invitee = User.objects.filter(email=email, is_active=True)
    notify(
        invitee,
        kind="brand_member_invited",
        message=f"You are invited to join {brand.name} as {role}.",
        obj=invitation,
    )
    return invitation


def _own_invitation(actor: User, invitation_id: int) -> MemberInvitation:
    invitation = lock_member_invitation(invitation_id)
    if invitation.email != actor.email.strip().lower():
        raise Forbidden(
            "this invitation is not addressed to you", code=CampaignError.NOT_MEMBER_INVITEE
        )
    return invitation


def _add_member(actor: User, invitation: MemberInvitation, *, user: User) -> BrandMembership:
    membership, created = BrandMembership.objects.get_or_create(
        brand_id=invitation.brand_id, user=user, defaults={"role": invitation.role}
    )
    if created:
        audit_record(
            actor=actor,
            verb="add_member",
            obj=invitation.brand,
            after=invitation.role,
            data={"user": user.pk, "invitation": invitation.pk},
        )
    owners = User.objects.filter(
        brand_memberships__brand_id=invitation.brand_id,
        brand_memberships__role=MemberRole.OWNER,
    )
    notify(
        owners,
        kind="brand_member_joined",
        message=f"{user.email} joined {invitation.brand.name} as {invitation.role}.",
        obj=invitation.brand,
    )
    return membership


@transaction.atomic
def member_invitation_accept(
    *, actor: User, invitation: MemberInvitation
) -> BrandMembership | None:
    """The invitee, signed in with the invited address and having verified it, accepts.

    A manager invitation makes them a member at once. An owner invitation then waits for the
    inviting owner's confirmation (`member_invitation_confirm`; the invitation is
    `awaiting`, None is answered): someone who merely registered an address first can never
    become an owner. Refused (403 `email_unverified`) while the address is unverified."""
    lock_memberships(invitation.brand_id)
    invitation = _own_invitation(actor, invitation.pk)
    if actor.email_verified_at is None:
        raise Forbidden(
            "verify your e-mail address first (POST /api/v1/auth/verify-email/)",
            code=CampaignError.EMAIL_UNVERIFIED,
        )
    invitation.responded_at = timezone.now()
    owner_role = invitation.role == MemberRole.OWNER
    transition(
        invitation,
        "accept_awaiting_confirmation" if owner_role else "accept",
        actor=actor,
        fields=["responded_at"],
    )
    if owner_role:
        notify(
            _confirmers(invitation),
            kind="brand_owner_confirm",
            message=f"{actor.email} accepted your invitation to own {invitation.brand.name}; "
            "confirm it to make them an owner.",
            obj=invitation,
        )
        return None
    return _add_member(actor, invitation, user=actor)


def _confirmers(invitation: MemberInvitation) -> list[User]:
    """Who confirms an owner invitation: the owner who sent it, or (when they are no longer
    an owner of the brand) every owner."""
    owners = list(
        User.objects.filter(
            brand_memberships__brand_id=invitation.brand_id,
            brand_memberships__role=MemberRole.OWNER,
        )
    )
    inviter = [u for u in owners if u.pk == invitation.invited_by_id]
    return inviter or owners


@transaction.atomic
def member_invitation_confirm(*, actor: User, invitation: MemberInvitation) -> BrandMembership:
    """The inviting owner confirms an owner invitation its invitee accepted: the invitee
    becomes an owner. Only that owner may (any owner once they are no longer one: 403
    `not_inviting_owner` otherwise); the invitee's address must still be verified and still
    be the invited one (409)."""
    lock_memberships(invitation.brand_id)
    invitation = lock_member_invitation(invitation.pk)
    require_owner(actor, invitation.brand_id, what="confirm owner invitations")
    if actor.pk not in {u.pk for u in _confirmers(invitation)}:
        raise Forbidden(
            "the owner who sent this invitation confirms it",
            code=CampaignError.NOT_INVITING_OWNER,
        )
    if invitation.status != MemberInvitationStatus.AWAITING:
        raise InvalidTransition("invitation", invitation.status, "confirm")
    invitee = User.objects.filter(
        email=invitation.email, is_active=True, email_verified_at__isnull=False
    ).first()
    if invitee is None:
        raise Conflict(
            "the invitee no longer holds a verified account with this address",
            code=CampaignError.EMAIL_UNVERIFIED,
            current_state=invitation.status,
        )
    transition(invitation, "confirm", actor=actor)
    return _add_member(actor, invitation, user=invitee)


@transaction.atomic
def member_invitation_decline(*, actor: User, invitation: MemberInvitation) -> MemberInvitation:
    """The invitee declines; nothing about their account reaches the brand."""
    invitation = _own_invitation(actor, invitation.pk)
    invitation.responded_at = timezone.now()
    return transition(invitation, "decline", actor=actor, fields=["responded_at"])


@transaction.atomic
def member_invitation_revoke(*, actor: User, invitation: MemberInvitation) -> MemberInvitation:
    """An owner withdraws a pending invitation of their brand."""
    require_owner(actor, invitation.brand_id, what="revoke invitations")
    invitation = lock_member_invitation(invitation.pk)
    invitation.responded_at = timezone.now()
    return transition(invitation, "revoke", actor=actor, fields=["responded_at"])


@transaction.atomic
def brand_member_remove(*, actor: User, brand: Brand, user: User) -> None:
    """An owner removes a member (or a member leaves); the last owner cannot be removed."""
    memberships = lock_memberships(brand.pk)
    acting = next((m for m in memberships if m.user_id == actor.pk), None)
    if acting is None:
        raise Forbidden(
            "only members of this brand may do this", code=CampaignError.NOT_BRAND_MEMBER
        )
    if acting.role != MemberRole.OWNER and user.pk != actor.pk:
        raise Forbidden(
            "only an owner of this brand may remove members", code=CampaignError.NOT_BRAND_OWNER
        )
    target = next((m for m in memberships if m.user_id == user.pk), None)
    if target is None:
        raise InvalidInput(
            "this user is not a member of the brand",
            code=CampaignError.MEMBER_NOT_FOUND,
            field="user",
        )
    owners = [m for m in memberships if m.role == MemberRole.OWNER]
    if target.role == MemberRole.OWNER and len(owners) == 1:
        raise Conflict(
            "a brand needs at least one owner; add another owner first",
            code=CampaignError.LAST_OWNER,
        )
    target.delete()
    audit_record(
        actor=actor, verb="remove_member", obj=brand, before=target.role, data={"user": user.pk}
    )


# IP assets --------------------------------------------------------------------------------


CHAIN_FIELDS = (
    "held",
    "licence_start",
    "licence_end",
    "exclusivity_allowed",
    "ai_generation_allowed",
    "likeness",
    "likeness_consent",
    "likeness_consent_expires",
)


def _check_ip(ip: IPAsset) -> None:
    """The rights chain's own rules: a known holding, a licence that ends after it starts,
    default terms that the chain allows."""
    if ip.held not in IPHolding.values:
        raise InvalidInput(
            f"must be one of {', '.join(IPHolding.values)}",
            code=CampaignError.LICENCE_DATES_INVALID,
            field="held",
        )
    if ip.licence_start and ip.licence_end and ip.licence_end < ip.licence_start:
        raise InvalidInput(
            f"must not be before the licence start {ip.licence_start.isoformat()}",
            code=CampaignError.LICENCE_DATES_INVALID,
            field="licence_end",
        )
    if ip.exclusive and not ip.exclusivity_allowed:
        raise InvalidInput(
            "the default terms cannot be exclusive when exclusivity is not allowed",
            code=CampaignError.RIGHTS_OUTSIDE_IP_LICENCE,
            field="exclusive",
        )


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
    held: str = IPHolding.OWNED,
    licence_start: date | None = None,
    licence_end: date | None = None,
    exclusivity_allowed: bool = True,
    ai_generation_allowed: bool = True,
    likeness: bool = False,
    likeness_consent: bool = False,
    likeness_consent_expires: date | None = None,
) -> IPAsset:
    """A brand member registers an IP the brand owns or licenses: its default licence terms
    for briefs and its rights chain (territories ISO 3166 alpha-2 or WW, channels from the
    fixed list, a term of 1–120 months, a licence end not before its start)."""
    require_member_for_input(actor, brand.pk)
    ip = IPAsset(
        brand=brand,
        name=name,
        description=description,
        reference_links=list(reference_links),
        exclusive=bool(exclusive),
        territories=territories_normalise(territories),
        term_months=term_check(term_months),
        channels=channels_normalise(channels),
        held=held,
        licence_start=licence_start,
        licence_end=licence_end,
        exclusivity_allowed=exclusivity_allowed,
        ai_generation_allowed=ai_generation_allowed,
        likeness=likeness,
        likeness_consent=likeness_consent,
        likeness_consent_expires=likeness_consent_expires,
    )
    _check_ip(ip)
    ip.save()
    audit_record(actor=actor, verb="create", obj=ip, after="active")
    return ip


@transaction.atomic
def ip_update(*, actor: User, ip: IPAsset, data: dict[str, Any]) -> IPAsset:
    """A member of the owning brand edits the IP; briefs keep the terms they were made with
    (they are checked against the new chain when submitted and approved), and contracts keep
    the chain they snapshotted."""
    require_member(actor, ip.brand_id, what="edit its IP")
    ip = lock_ip(ip.pk)
    if "brand" in data and data["brand"].pk != ip.brand_id:
        raise InvalidInput(
            "an IP cannot move to another brand", code=CampaignError.IP_BRAND_FIXED, field="brand"
        )
    for key in ("name", "description", "exclusive", *CHAIN_FIELDS):
        if key in data:
            setattr(ip, key, data[key])
    if "term_months" in data:
        ip.term_months = term_check(data["term_months"])
    if "territories" in data:
        ip.territories = territories_normalise(data["territories"] or [])
    if "channels" in data:
        ip.channels = channels_normalise(data["channels"] or [])
    if "reference_links" in data:
        ip.reference_links = list(data["reference_links"])
    _check_ip(ip)
    ip.save()
    audit_record(actor=actor, verb="update", obj=ip, data={"fields": sorted(data)})
    lists_changed("briefs")  # briefs show the IP's name
    return ip


@transaction.atomic
def ip_delete(*, actor: User, ip: IPAsset) -> None:
    """A member deletes an IP unless a brief past the draft stage names it."""
    require_member(actor, ip.brand_id, what="delete its IP")
    ip = lock_ip(ip.pk)
    in_use = ip.briefs.exclude(
        status__in=[BriefStatus.DRAFT, BriefStatus.REJECTED, BriefStatus.CANCELLED]
    )
    if in_use.exists():
        raise Conflict(
            "briefs that were submitted name this IP; it cannot be deleted",
            code=CampaignError.IP_IN_USE,
        )
    audit_record(actor=actor, verb="delete", obj=ip, before="active", after="deleted")
    ip.delete()
