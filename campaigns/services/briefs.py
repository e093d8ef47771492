"""Writes on briefs: draft, edit, review, open, close, cancel, complete.

Every move locks the brief (`locks.lock_brief`) and goes through `marketplace.audit.transition`
with `Brief.ALLOWED`, so an illegal move answers 409 with the current state and every move leaves
an audit row.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from creators.models import Tier
from creators.text import tokenize
from marketplace.audit import audit_record, notify, notify_staff, transition
from marketplace.errors import CommonError, Conflict, DomainError, InvalidInput, InvalidTransition
from marketplace.fields import normalise_model_names, normalise_slugs
from marketplace.guards import require_staff
from marketplace.listcache import lists_changed
from marketplace.models import User
from marketplace.transitions import transition_target

from ..errors import CampaignError
from ..locks import lock_brief
from ..models import (
    ENDED_CONTRACT_STATUSES,
    REQUIRED_CHOICES,
    Brand,
    Brief,
    BriefStatus,
    ContractStatus,
    IPAsset,
    Visibility,
)
from ..rights import RightsProblem, brief_rights_problem, default_term_months, ip_publish_problem
from ..selectors import brand_member_users, briefs_expired
from .bids import bids_reject_live
from .common import (
    brief_usage_rights,
    deliverables_normalise,
    deliverables_total_seconds,
    require_member,
    require_member_for_input,
    usage_terms,
)


def _raise_rights(problem: RightsProblem, error: type[DomainError], brief: Brief) -> None:
    extra = {"current_state": brief.status} if issubclass(error, Conflict) else {}
    raise error(
        problem.message, code=problem.code, field=problem.field, bound=problem.bound, **extra
    )


def _check_rights(brief: Brief, *, error: type[DomainError], publish: bool = False) -> None:
    """The brief's usage rights fit inside its IP's licence (and, to publish, the IP may be
    used at all: AI generation allowed, licence and likeness consent not ended)."""
    ip = brief.ip if brief.ip_id is not None else None
    problem = brief_rights_problem(brief, ip)
    if problem is None and publish:
        problem = ip_publish_problem(ip, today=timezone.now().date())
    if problem is not None:
        _raise_rights(problem, error, brief)


def _check_brief(
    brief: Brief, *, now: datetime, rights_error: type[DomainError] = InvalidInput
) -> None:
    """The cross-field rules of a brief; InvalidInput names the first broken field."""
    E = CampaignError
    if brief.budget_min < 1:
        raise InvalidInput("must be positive", code=E.BUDGET_INVALID, field="budget_min")
    if brief.budget_max < brief.budget_min:
        raise InvalidInput("must be at least budget_min", code=E.BUDGET_INVALID, field="budget_max")
    if brief.currency not in settings.CURRENCIES:
        raise InvalidInput(
            f"must be one of {', '.join(settings.CURRENCIES)}",
            code=E.CURRENCY_UNSUPPORTED,
            field="currency",
        )
    if brief.bid_deadline <= now:
        raise InvalidInput("must be in the future", code=E.DEADLINE_INVALID, field="bid_deadline")
    if brief.delivery_deadline <= brief.bid_deadline:
        raise InvalidInput(
            "must be after the bid deadline", code=E.DEADLINE_INVALID, field="delivery_deadline"
        )
    horizon = now + timedelta(days=settings.DEADLINE_HORIZON_DAYS)
    for name in ("bid_deadline", "delivery_deadline"):
        if getattr(brief, name) > horizon:
            raise InvalidInput(
                f"must be within {settings.DEADLINE_HORIZON_DAYS} days from now",
                code=E.DEADLINE_INVALID,
                field=name,
            )
    if brief.slots < 1:
        raise InvalidInput("must be at least 1", code=E.SLOTS_INVALID, field="slots")
    if brief.ip_id is not None and brief.ip.brand_id != brief.brand_id:
        raise InvalidInput("must be an IP of the brief's brand", code=E.IP_NOT_OF_BRAND, field="ip")
    deliverables_normalise(brief.deliverables)
    _check_rights(brief, error=rights_error)


PLAIN_BRIEF_FIELDS = (
    "title",
    "description",
    "budget_min",
    "budget_max",
    "bid_deadline",
    "delivery_deadline",
    "visibility",
    "min_tier",
    "slots",
    "ip",
    "commercial_licence_required",
)


def required_normalise(required: Iterable[str] | None) -> list[str] | None:
    """The brief's hard matching constraints, distinct and sorted; None keeps the default.

    Each must be one of `REQUIRED_CHOICES` (400 naming `required` otherwise)."""
    if required is None:
        return None
    items = sorted(set(required))
    unknown = [item for item in items if item not in REQUIRED_CHOICES]
    if unknown:
        raise InvalidInput(
            f"unknown constraint {', '.join(unknown)}; allowed: {', '.join(REQUIRED_CHOICES)}",
            code=CampaignError.REQUIRED_INVALID,
            field="required",
        )
    return items


def _set_brief_fields(brief: Brief, data: dict[str, Any]) -> None:
    for key in PLAIN_BRIEF_FIELDS:
        if key in data:
            setattr(brief, key, data[key])
    if {"title", "description"} & data.keys():
        brief.terms = tokenize(brief.title, brief.description)  # matching relevance
    for key in ("tags", "languages"):
        if key in data:
            setattr(brief, key, normalise_slugs(data[key] or []))
    if "preferred_models" in data:
        try:
            brief.preferred_models = normalise_model_names(data["preferred_models"] or [])
        except ValueError as exc:
            raise InvalidInput(
                str(exc),
                code=CampaignError.PREFERRED_MODELS_INVALID,
                field="preferred_models",
            ) from exc
    if "required" in data:
        brief.required = required_normalise(data["required"])
    if "currency" in data:
        brief.currency = str(data["currency"]).upper()
    if "deliverables" in data:
        brief.deliverables = deliverables_normalise(data["deliverables"] or [])
        brief.total_seconds = deliverables_total_seconds(brief.deliverables)
    if data.get("usage_rights") is not None:
        given = dict(data["usage_rights"])
        current = brief_usage_rights(brief)
        # Saying one of perpetual / term_months replaces the other.
        if given.get("perpetual"):
            current["term_months"] = None
        elif given.get("term_months") is not None:
            current["perpetual"] = False
        terms = usage_terms({**current, **given})
        brief.usage_exclusive = terms["exclusive"]
        brief.usage_territories = terms["territories"]
        brief.usage_perpetual = terms["perpetual"]
        # Perpetual only when said; otherwise a term, the default one when none is stated.
        brief.usage_term_months = (
            None if terms["perpetual"] else terms["term_months"] or default_term_months()
        )
        brief.usage_channels = terms["channels"]


def _rights_with_ip_defaults(
    usage_rights: dict[str, Any] | None, ip: IPAsset | None
) -> dict[str, Any] | None:
    """The IP's default licence terms, overridden by whatever the brief states."""
    if ip is None:
        return usage_rights
    defaults: dict[str, Any] = {
        "exclusive": ip.exclusive,
        "territories": ip.territories,
        "channels": ip.channels,
    }
    if not (usage_rights or {}).get("perpetual"):
        defaults["term_months"] = ip.term_months
    return {**defaults, **(usage_rights or {})}


@transaction.atomic
def brief_create(
    *,
    actor: User,
    brand: Brand,
    title: str,
    description: str,
    deliverables: list[dict[str, Any]],
    budget_min: int,
    budget_max: int,
    currency: str,
    bid_deadline: datetime,
    delivery_deadline: datetime,
    ip: IPAsset | None = None,
    tags: Iterable[str] = (),
    preferred_models: Iterable[str] = (),
    languages: Iterable[str] = (),
    required: Iterable[str] | None = None,
    visibility: str = Visibility.PUBLIC,
    min_tier: str = Tier.STANDARD,
    slots: int = 1,
    usage_rights: dict[str, Any] | None = None,
    commercial_licence_required: bool = True,
) -> Brief:
    """A brand member drafts a brief: budget min ≤ max and positive, an allowed currency, a
    future bid deadline before the delivery deadline, valid deliverables, slots ≥ 1, an IP of
    the same brand. Without usage rights stated, a brief naming an IP takes the IP's default
    licence terms. Usage rights have a term of 1–120 months (DEFAULT_USAGE_TERM_MONTHS when
    none is stated) or say `perpetual`, and fit inside the IP's licence (400 naming the field
    and the bound)."""
    require_member_for_input(actor, brand.pk)
    brief = Brief(brand=brand, created_by=actor, status=BriefStatus.DRAFT)
    usage_rights = _rights_with_ip_defaults(usage_rights, ip)
    _set_brief_fields(
        brief,
        {
            "title": title,
            "description": description,
            "deliverables": deliverables,
            "budget_min": budget_min,
            "budget_max": budget_max,
            "currency": currency,
            "bid_deadline": bid_deadline,
            "delivery_deadline": delivery_deadline,
            "ip": ip,
            "tags": tags,
            "preferred_models": preferred_models,
            "languages": languages,
            "required": required,
            "visibility": visibility,
            "min_tier": min_tier,
            "slots": slots,
            "usage_rights": usage_rights or {},
            "commercial_licence_required": commercial_licence_required,
        },
    )
    _check_brief(brief, now=timezone.now())
    brief.save()
    audit_record(actor=actor, verb="create", obj=brief, after=brief.status)
    return brief


@transaction.atomic
def brief_update(*, actor: User, brief: Brief, data: dict[str, Any]) -> Brief:
    """A brand member edits a brief while it is a draft or rejected; the brand cannot change."""
    require_member(actor, brief.brand_id, what="edit its briefs")
    brief = lock_brief(brief.pk)
    if brief.status not in Brief.EDITABLE:
        raise InvalidTransition("brief", brief.status, "edit")
    if "brand" in data and data["brand"].pk != brief.brand_id:
        raise InvalidInput(
            "a brief cannot move to another brand",
            code=CampaignError.BRIEF_BRAND_FIXED,
            field="brand",
        )
    _set_brief_fields(brief, data)
    _check_brief(brief, now=timezone.now())
    brief.save()
    lists_changed("briefs")
    return brief


@transaction.atomic
def brief_submit(*, actor: User, brief: Brief) -> Brief:
    """A brand member sends a draft (or a rejected, edited brief) to staff review.

    The brief is checked again, so a deadline that passed while it was a draft is caught; its
    rights must still fit its IP's licence and the IP must be publishable (409 naming the
    field and the bound).
    """
    require_member(actor, brief.brand_id, what="submit its briefs")
    brief = lock_brief(brief.pk)
    transition_target(brief, "submit")
    _check_brief(brief, now=timezone.now(), rights_error=Conflict)
    _check_rights(brief, error=Conflict, publish=True)
    brief.submitted_at = timezone.now()
    brief.rejection_reason = ""
    transition(brief, "submit", actor=actor, fields=["submitted_at", "rejection_reason"])
    notify_staff(
        kind="brief_submitted",
        message=f"Brief “{brief.title}” of {brief.brand.name} waits for review.",
        obj=brief,
    )
    return brief


@transaction.atomic
def brief_approve(*, actor: User, brief: Brief) -> Brief:
    """Staff open a brief in review for bids; its brand members are notified.

    Refused (409 naming the field and the bound) when its rights no longer fit its IP's
    licence, or the IP forbids AI generation, or its licence or likeness consent has ended.
    """
    require_staff(actor, what="approve briefs")
    brief = lock_brief(brief.pk)
    transition_target(brief, "approve")
    _check_rights(brief, error=Conflict, publish=True)
    if brief.bid_deadline <= timezone.now():
        raise Conflict(
            "the bid deadline has passed; reject the brief so the brand can move it",
            code=CampaignError.BID_DEADLINE_PASSED,
            current_state=brief.status,
        )
    brief.approved_at = timezone.now()
    transition(brief, "approve", actor=actor, fields=["approved_at"])
    lists_changed("briefs")
    notify(
        brand_member_users(brief.brand_id),
        kind="brief_approved",
        message=f"Your brief “{brief.title}” was approved and is open for bids.",
        obj=brief,
    )
    return brief


@transaction.atomic
def brief_reject(*, actor: User, brief: Brief, reason: str) -> Brief:
    """Staff send a brief in review back with a reason; the brand edits and resubmits it."""
    require_staff(actor, what="reject briefs")
    if not reason.strip():
        raise InvalidInput("a reason is required", code=CommonError.REASON_REQUIRED, field="reason")
    brief = lock_brief(brief.pk)
    brief.rejection_reason = reason.strip()[:500]
    transition(brief, "reject", actor=actor, fields=["rejection_reason"], data={"reason": reason})
    notify(
        brand_member_users(brief.brand_id),
        kind="brief_rejected",
        message=f"Your brief “{brief.title}” was rejected: {brief.rejection_reason}",
        obj=brief,
    )
    return brief


@transaction.atomic
def brief_close(*, actor: User, brief: Brief) -> Brief:
    """A brand member stops taking bids early; the bids already made can still be accepted."""
    require_member(actor, brief.brand_id, what="close its briefs")
    brief = lock_brief(brief.pk)
    lists_changed("briefs")
    return transition(brief, "close", actor=actor)


@transaction.atomic
def brief_expire(*, brief_id: int, now: datetime | None = None) -> bool:
    """Close one open brief whose bid deadline has passed (the system acts; no actor).

    Answers whether it changed anything, so running it twice is harmless.
    """
    now = now or timezone.now()
    try:
        brief = lock_brief(brief_id)
    except Brief.DoesNotExist:
        return False
    if brief.status != BriefStatus.OPEN or brief.bid_deadline > now:
        return False
    transition(brief, "close", actor=None, data={"reason": "bid deadline passed"})
    lists_changed("briefs")
    notify(
        brand_member_users(brief.brand_id),
        kind="brief_closed",
        message=f"Bidding on “{brief.title}” has closed; choose among the bids.",
        obj=brief,
    )
    return True


def briefs_close_expired(*, now: datetime | None = None) -> int:
    """Close every open brief past its bid deadline, each in its own transaction.

    Answers how many were closed; a second run finds none.
    """
    now = now or timezone.now()
    ids = list(briefs_expired(now=now).values_list("pk", flat=True))
    return sum(brief_expire(brief_id=pk, now=now) for pk in ids)


@transaction.atomic
def brief_cancel(*, actor: User, brief: Brief) -> Brief:
    """A brand member cancels a brief not yet awarded; its remaining live bids are rejected.

    A brief with a contract (an accepted bid) is not cancelled here: the contract is cancelled
    first.
    """
    require_member(actor, brief.brand_id, what="cancel its briefs")
    brief = lock_brief(brief.pk)
    transition_target(brief, "cancel")
    if brief.contracts.exclude(status=ContractStatus.CANCELLED).exists():
        raise Conflict(
            "this brief has contracts; cancel them before cancelling the brief",
            code=CampaignError.BRIEF_HAS_CONTRACTS,
            current_state=brief.status,
        )
    transition(brief, "cancel", actor=actor)
    lists_changed("briefs")
    bids_reject_live(brief=brief, actor=actor, why="the brief was cancelled")
    return brief


@transaction.atomic
def brief_complete_if_finished(*, brief_id: int) -> bool:
    """Mark an awarded brief completed once every contract of it has ended.

    For the contract services to call when a contract ends; answers whether it moved.
    """
    try:
        brief = lock_brief(brief_id)
    except Brief.DoesNotExist:
        return False
    if brief.status != BriefStatus.AWARDED:
        return False
    if brief.contracts.exclude(status__in=ENDED_CONTRACT_STATUSES).exists():
        return False
    transition(brief, "complete", actor=None)
    lists_changed("briefs")
    return True
