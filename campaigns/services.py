"""Every write on brands, IP, briefs, invitations, bids and contracts."""

from django.db import transaction
from django.utils.text import slugify

from marketplace.audit import audit_record
from marketplace.errors import InvalidInput
from marketplace.models import User

from .models import Brand, BrandMembership, MemberRole


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
