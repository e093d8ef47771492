"""Writes on brands, their members and their IP assets."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from marketplace.audit import audit_record, notify
from marketplace.errors import Conflict, Forbidden, InvalidInput
from marketplace.models import User

from ..errors import CampaignError
from ..locks import lock_brand, lock_ip, lock_memberships
from ..models import Brand, BrandMembership, BriefStatus, IPAsset, IPHolding, MemberRole
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
    return brand


@transaction.atomic
def brand_member_add(
    *, actor: User, brand: Brand, email: str, role: str = MemberRole.MANAGER
) -> BrandMembership:
    """An owner adds an existing user, found by email, as an owner or a manager.

    A user already in the brand is a conflict. The added user is notified.
    """
    require_owner(actor, brand.pk, what="add members")
    if role not in MemberRole.values:
        raise InvalidInput(
            f"role must be one of {', '.join(MemberRole.values)}",
            code=CampaignError.MEMBER_ROLE_INVALID,
            field="role",
        )
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        raise InvalidInput(
            "no user has this email address",
            code=CampaignError.MEMBER_EMAIL_UNKNOWN,
            field="email",
        )
    duplicate = f"{user.email} is already a member of this brand"
    if BrandMembership.objects.filter(brand=brand, user=user).exists():
        raise Conflict(duplicate, code=CampaignError.ALREADY_MEMBER)
    try:
        with transaction.atomic():
            membership = BrandMembership.objects.create(brand=brand, user=user, role=role)
    except IntegrityError as exc:
        raise Conflict(duplicate, code=CampaignError.ALREADY_MEMBER) from exc
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
