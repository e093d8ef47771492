"""Writes on brands, their members and their IP assets."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from marketplace.audit import audit_record, notify
from marketplace.errors import Conflict, Forbidden, InvalidInput
from marketplace.fields import normalise_slugs
from marketplace.listcache import lists_changed
from marketplace.models import User

from ..errors import CampaignError
from ..locks import lock_brand, lock_ip, lock_memberships
from ..models import Brand, BrandMembership, BriefStatus, IPAsset, MemberRole
from .common import (
    require_member,
    require_member_for_input,
    require_owner,
    territories_normalise,
    usage_terms,
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
    require_member_for_input(actor, brand.pk)
    terms = usage_terms(
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
    require_member(actor, ip.brand_id, what="edit its IP")
    ip = lock_ip(ip.pk)
    if "brand" in data and data["brand"].pk != ip.brand_id:
        raise InvalidInput(
            "an IP cannot move to another brand", code=CampaignError.IP_BRAND_FIXED, field="brand"
        )
    for key in ("name", "description", "exclusive", "term_months"):
        if key in data:
            setattr(ip, key, data[key])
    if "territories" in data:
        ip.territories = territories_normalise(data["territories"])
    if "channels" in data:
        ip.channels = normalise_slugs(data["channels"])
    if "reference_links" in data:
        ip.reference_links = list(data["reference_links"])
    ip.save()
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
