"""What the campaigns services share: the membership guards and the validation of terms.

The other service modules import this one, never the reverse.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models

from marketplace.errors import Forbidden, InvalidInput, InvalidTransition
from marketplace.fields import normalise_slugs
from marketplace.models import User

from ..errors import CampaignError
from ..models import (
    DELIVERABLE_COUNT_RANGE,
    DELIVERABLE_DURATION_RANGE,
    MAX_DELIVERABLE_ITEMS,
    AspectRatio,
    BrandMembership,
    Brief,
    MemberRole,
    VideoResolution,
)
from ..selectors import brand_membership

# Guards -----------------------------------------------------------------------------------


def require_member(actor: User, brand_id: int, *, what: str = "do this") -> BrandMembership:
    """Refuse (403, `not_brand_member`) unless `actor` is a member of the brand."""
    membership = brand_membership(actor, brand_id)
    if membership is None:
        raise Forbidden(
            f"only members of this brand may {what}", code=CampaignError.NOT_BRAND_MEMBER
        )
    return membership


def require_owner(actor: User, brand_id: int, *, what: str = "do this") -> BrandMembership:
    """Refuse (403) unless `actor` is an owner of the brand (a manager is not enough)."""
    membership = require_member(actor, brand_id, what=what)
    if membership.role != MemberRole.OWNER:
        raise Forbidden(
            f"only an owner of this brand may {what}", code=CampaignError.NOT_BRAND_OWNER
        )
    return membership


def require_member_for_input(actor: User, brand_id: int) -> None:
    """Refuse (400 on the `brand` field) a brand the actor chose but is not a member of."""
    if brand_membership(actor, brand_id) is None:
        raise InvalidInput(
            "you are not a member of this brand",
            code=CampaignError.NOT_BRAND_MEMBER,
            field="brand",
        )


def ensure_allowed(obj: models.Model, to: str, *, verb: str, field: str = "status") -> None:
    """Refuse early (409) when the ALLOWED table forbids the move, before any other check."""
    current = getattr(obj, field)
    if to not in type(obj).ALLOWED.get(current, ()):  # type: ignore[attr-defined]
        raise InvalidTransition(obj._meta.verbose_name, current, verb)


# Licence terms ----------------------------------------------------------------------------


def territories_normalise(values: Iterable[str]) -> list[str]:
    """Upper-case country codes, blanks and duplicates dropped, order kept."""
    out: list[str] = []
    for value in values:
        code = str(value).strip().upper()
        if code and code not in out:
            out.append(code)
    return out


def usage_terms(terms: dict[str, Any]) -> dict[str, Any]:
    """Normalised licence terms: exclusive, territories, term in months, channels."""
    return {
        "exclusive": bool(terms.get("exclusive", False)),
        "territories": territories_normalise(terms.get("territories") or []),
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


# Deliverables -----------------------------------------------------------------------------


def _deliverables_invalid(message: str) -> InvalidInput:
    return InvalidInput(message, code=CampaignError.DELIVERABLES_INVALID, field="deliverables")


def deliverables_normalise(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate and normalise a brief's deliverables: a non-empty list of
    {count 1–50, duration_s 1–600, aspect_ratio 9:16|16:9|1:1|4:5, resolution 720p|1080p|4k}."""
    out: list[dict[str, Any]] = []
    for item in items:
        try:
            count, duration = int(item["count"]), int(item["duration_s"])
            aspect, resolution = str(item["aspect_ratio"]), str(item["resolution"]).lower()
        except (KeyError, TypeError, ValueError) as exc:
            raise _deliverables_invalid(
                "each deliverable needs count, duration_s, aspect_ratio and resolution"
            ) from exc
        low, high = DELIVERABLE_COUNT_RANGE
        if not low <= count <= high:
            raise _deliverables_invalid(f"count must be {low}–{high}")
        low, high = DELIVERABLE_DURATION_RANGE
        if not low <= duration <= high:
            raise _deliverables_invalid(f"duration_s must be {low}–{high} seconds")
        if aspect not in AspectRatio.values:
            raise _deliverables_invalid(
                f"aspect_ratio must be one of {', '.join(AspectRatio.values)}"
            )
        if resolution not in VideoResolution.values:
            raise _deliverables_invalid(
                f"resolution must be one of {', '.join(VideoResolution.values)}"
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
        raise _deliverables_invalid("at least one deliverable is required")
    if len(out) > MAX_DELIVERABLE_ITEMS:
        raise _deliverables_invalid(f"at most {MAX_DELIVERABLE_ITEMS} deliverable items")
    return out


def deliverables_total_seconds(deliverables: Iterable[dict[str, Any]]) -> int:
    """Seconds of video a brief asks for: the sum of count × duration over its deliverables."""
    return sum(int(d["count"]) * int(d["duration_s"]) for d in deliverables)
