"""What the campaigns services share: the membership guards and the validation of terms.

The other service modules import this one, never the reverse.
"""

from collections.abc import Iterable
from typing import Any

from marketplace.countries import is_territory
from marketplace.errors import Forbidden, InvalidInput
from marketplace.fields import normalise_slugs
from marketplace.models import User

from ..errors import CampaignError
from ..models import (
    DELIVERABLE_COUNT_RANGE,
    DELIVERABLE_DURATION_RANGE,
    MAX_DELIVERABLE_ITEMS,
    MAX_TERM_MONTHS,
    USAGE_CHANNELS,
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


# Licence terms ----------------------------------------------------------------------------


def territories_normalise(values: Iterable[str], *, field: str = "territories") -> list[str]:
    """Upper-case ISO 3166-1 alpha-2 codes (or WW), blanks and duplicates dropped, order kept;
    anything else is refused (400 naming `field`)."""
    out: list[str] = []
    for value in values:
        code = str(value).strip().upper()
        if not code:
            continue
        if not is_territory(code):
            raise InvalidInput(
                f"{value!r} is not an ISO 3166-1 alpha-2 country code or WW",
                code=CampaignError.TERRITORY_INVALID,
                field=field,
            )
        if code not in out:
            out.append(code)
    return out


def channels_normalise(values: Iterable[str], *, field: str = "channels") -> list[str]:
    """Channel slugs from the fixed list (`USAGE_CHANNELS`); anything else is refused."""
    channels = normalise_slugs(values)
    unknown = [c for c in channels if c not in USAGE_CHANNELS]
    if unknown:
        raise InvalidInput(
            f"{', '.join(unknown)}: channels must be among {', '.join(USAGE_CHANNELS)}",
            code=CampaignError.CHANNEL_INVALID,
            field=field,
        )
    return channels


def term_check(value: Any, *, field: str = "term_months") -> int | None:
    """A term of 1 to MAX_TERM_MONTHS months, or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TERM_MONTHS:
        raise InvalidInput(
            f"must be a whole number of months from 1 to {MAX_TERM_MONTHS}",
            code=CampaignError.TERM_INVALID,
            field=field,
        )
    return value


def usage_terms(terms: dict[str, Any], *, prefix: str = "usage_rights.") -> dict[str, Any]:
    """Normalised usage rights: exclusive, territories, term in months, channels, perpetual.

    A perpetual grant has no term; a term of 1–120 months otherwise (None is filled in by
    the caller's default). Field names in errors carry `prefix`.
    """
    perpetual = bool(terms.get("perpetual", False))
    term = term_check(terms.get("term_months"), field=f"{prefix}term_months")
    if perpetual and term is not None:
        raise InvalidInput(
            "a perpetual grant has no term; leave term_months out or set perpetual false",
            code=CampaignError.TERM_INVALID,
            field=f"{prefix}perpetual",
        )
    return {
        "exclusive": bool(terms.get("exclusive", False)),
        "territories": territories_normalise(
            terms.get("territories") or [], field=f"{prefix}territories"
        ),
        "term_months": term,
        "channels": channels_normalise(terms.get("channels") or [], field=f"{prefix}channels"),
        "perpetual": perpetual,
    }


def brief_usage_rights(brief: Brief) -> dict[str, Any]:
    """The brief's usage rights as one dict (what a contract snapshots)."""
    return {
        "exclusive": brief.usage_exclusive,
        "territories": list(brief.usage_territories),
        "term_months": brief.usage_term_months,
        "channels": list(brief.usage_channels),
        "perpetual": brief.usage_perpetual,
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
