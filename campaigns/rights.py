"""The rules of usage rights, without side effects: month arithmetic, the state of a usage
window, the rights chain of an IP and whether a brief's rights fit inside it.

Services (`campaigns.services.rights`) turn what these answer into errors, rows and notices;
serializers read the window from here, so the API and the admin compute it one way.
"""

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings

from marketplace.countries import WORLDWIDE

from .errors import CampaignError
from .models import (
    Brief,
    Contract,
    IPAsset,
    IPHolding,
    MilestoneStatus,
    Resolution,
    RightsNoticeKind,
    RightsState,
)

EXPIRING_WITHIN = timedelta(days=30)
# The notices before the end, nearest last: the job sends only the latest one that is due.
NOTICE_LEAD = (
    (RightsNoticeKind.DAYS_30, timedelta(days=30)),
    (RightsNoticeKind.DAYS_7, timedelta(days=7)),
)


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole calendar months; the 31st lands on the month's last day.

    Total: a result past the calendar's last year (9999) is its last moment, one before year
    1 its first, never an error (older rows may hold dates the API no longer accepts)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    if year > datetime.max.year:
        return datetime.max.replace(tzinfo=moment.tzinfo)
    if year < datetime.min.year:
        return datetime.min.replace(tzinfo=moment.tzinfo)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def months_between(start: datetime, end: datetime) -> int:
    """Whole calendar months from `start` that still end at or before `end` (0 if none)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def end_of_day(day: date) -> datetime:
    """The last moment of a licence's end date (UTC): a licence ending on a day covers it."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def default_term_months() -> int:
    return int(getattr(settings, "DEFAULT_USAGE_TERM_MONTHS", 12))


# The usage window -------------------------------------------------------------------------

# A deliverable milestone in one of these is still being worked on or argued about: the
# usage window waits for it.
OPEN_WORK_STATUSES = (
    MilestoneStatus.AWAITING_FUNDING,
    MilestoneStatus.FUNDED,
    MilestoneStatus.DELIVERED,
    MilestoneStatus.REVISION_REQUESTED,
    MilestoneStatus.DISPUTED,
)
# A dispute resolved this way paid the creator for what they delivered.
PAID_RESOLUTIONS = (Resolution.RELEASE, Resolution.SPLIT)


def milestone_work_licensed(status: str, resolution: str | None = None) -> bool:
    """Whether the brand may use a milestone's delivered work: it paid for it, by approving
    it (`approved`, then `paid`) or through a dispute resolved as a release or a split. A
    full refund (mutual, by staff, or a dispute resolved as a refund) grants nothing."""
    if status in (MilestoneStatus.APPROVED, MilestoneStatus.PAID):
        return True
    return status == MilestoneStatus.RESOLVED and resolution in PAID_RESOLUTIONS


def rights_due(milestones: list[tuple[str, str | None]]) -> bool:
    """Whether a contract's usage window starts now, from its deliverable milestones'
    (status, dispute resolution): none is open any more and the brand paid for the work of
    at least one. A contract whose work was all refunded or cancelled grants no rights."""
    if any(status in OPEN_WORK_STATUSES for status, _ in milestones):
        return False
    return any(milestone_work_licensed(status, resolution) for status, resolution in milestones)


def rights_state(contract: Contract, *, now: datetime) -> str:
    """pending (not started) · active · expiring (30 days or less left) · expired."""
    if contract.rights_start is None or now < contract.rights_start:
        return RightsState.PENDING
    if contract.rights_perpetual or contract.rights_end is None:
        return RightsState.ACTIVE
    if now >= contract.rights_end:
        return RightsState.EXPIRED
    if contract.rights_end - now <= EXPIRING_WITHIN:
        return RightsState.EXPIRING
    return RightsState.ACTIVE


def rights_window(contract: Contract, *, now: datetime) -> dict[str, Any]:
    """The usage window as the API shows it: state, start, end, term and days left."""
    state = rights_state(contract, now=now)
    days_left = None
    if contract.rights_end is not None and state != RightsState.PENDING:
        days_left = max((contract.rights_end - now).days, 0)
    return {
        "state": state,
        "starts_at": contract.rights_start,
        "ends_at": contract.rights_end,
        "not_before": contract.rights_not_before,
        "term_months": contract.rights_term_months,
        "perpetual": contract.rights_perpetual,
        "days_left": days_left,
    }


def notice_due(contract: Contract, *, now: datetime) -> str | None:
    """The latest notice whose time has come for this window, or None (perpetual, not
    started, or more than 30 days left)."""
    end = contract.rights_end
    if contract.rights_perpetual or end is None or contract.rights_start is None:
        return None
    if now >= end:
        return RightsNoticeKind.ENDED
    due = None
    for kind, lead in NOTICE_LEAD:
        if now >= end - lead:
            due = kind
    return due


# The rights chain -------------------------------------------------------------------------


def ip_chain_snapshot(ip: IPAsset | None) -> dict[str, Any]:
    """What a contract keeps of the IP its rights rest on (empty without an IP)."""
    if ip is None:
        return {}
    return {
        "ip": ip.pk,
        "name": ip.name,
        "held": ip.held,
        "licence_start": ip.licence_start.isoformat() if ip.licence_start else None,
        "licence_end": ip.licence_end.isoformat() if ip.licence_end else None,
        "territories": list(ip.territories),
        "channels": list(ip.channels),
        "exclusivity_allowed": ip.exclusivity_allowed,
        "ai_generation_allowed": ip.ai_generation_allowed,
        "likeness": ip.likeness,
        "likeness_consent": ip.likeness_consent,
        "likeness_consent_expires": (
            ip.likeness_consent_expires.isoformat() if ip.likeness_consent_expires else None
        ),
    }


@dataclass(frozen=True)
class RightsProblem:
    """Why rights do not fit: the field to name, the code, a message and the bound broken."""

    field: str
    code: CampaignError
    message: str
    bound: Any = field(default=None)


def _outside(values: list[str], bound: list[str]) -> list[str]:
    return [v for v in values if v not in bound]


def brief_rights_problem(brief: Brief, ip: IPAsset | None) -> RightsProblem | None:
    """The first way the brief's usage rights leave its IP's licence, or None.

    Territories and channels a subset (an empty list on the brief means all, on the IP no
    bound; WW on the IP bounds nothing), exclusivity only if allowed, perpetual only on an IP
    held without an end, and the term, counted from the delivery deadline (when the work is
    due and the window is expected to start), ending by the licence's end.
    """
    if ip is None:
        return None
    bound_t = list(ip.territories)
    if bound_t and WORLDWIDE not in bound_t:
        asked = list(brief.usage_territories) or [WORLDWIDE]
        outside = _outside(asked, bound_t)
        if outside:
            return RightsProblem(
                "usage_rights.territories",
                CampaignError.RIGHTS_OUTSIDE_IP_LICENCE,
                f"{', '.join(outside)} outside the IP licence's territories {', '.join(bound_t)}",
                bound_t,
            )
    bound_c = list(ip.channels)
    if bound_c:
        if not brief.usage_channels:
            return RightsProblem(
                "usage_rights.channels",
                CampaignError.RIGHTS_OUTSIDE_IP_LICENCE,
                f"all channels asked; the IP licence allows only {', '.join(bound_c)}",
                bound_c,
            )
        outside = _outside(list(brief.usage_channels), bound_c)
        if outside:
            return RightsProblem(
                "usage_rights.channels",
                CampaignError.RIGHTS_OUTSIDE_IP_LICENCE,
                f"{', '.join(outside)} outside the IP licence's channels {', '.join(bound_c)}",
                bound_c,
            )
    if brief.usage_exclusive and not ip.exclusivity_allowed:
        return RightsProblem(
            "usage_rights.exclusive",
            CampaignError.RIGHTS_OUTSIDE_IP_LICENCE,
            "the IP licence does not allow granting exclusivity",
            False,
        )
    if ip.held == IPHolding.LICENSED and ip.licence_end is not None:
        return _term_problem(brief, ip.licence_end)
    return None


def _term_problem(brief: Brief, licence_ends: date) -> RightsProblem | None:
    """A perpetual grant, or a term from the delivery deadline running past the licence's end."""
    end = licence_ends.isoformat()
    if brief.usage_perpetual:
        return RightsProblem(
            "usage_rights.perpetual",
            CampaignError.RIGHTS_OUTSIDE_IP_LICENCE,
            f"a perpetual grant cannot rest on a licence that ends on {end}",
            end,
        )
    term = brief.usage_term_months or default_term_months()
    licence_end = end_of_day(licence_ends)
    if add_months(brief.delivery_deadline, term) > licence_end:
        most = months_between(brief.delivery_deadline, licence_end)
        return RightsProblem(
            "usage_rights.term_months",
            CampaignError.RIGHTS_OUTSIDE_IP_LICENCE,
            f"{term} months from the delivery deadline runs past the IP licence's end "
            f"({end}); at most {most} months fit",
            {"licence_end": end, "max_term_months": most},
        )
    return None


def ip_publish_problem(ip: IPAsset | None, *, today: date) -> RightsProblem | None:
    """Why a brief on this IP cannot be published, or None: AI generation forbidden, the
    licence ended (or not yet begun by its end), a likeness without live consent."""
    if ip is None:
        return None
    if not ip.ai_generation_allowed:
        return RightsProblem(
            "ip", CampaignError.IP_AI_FORBIDDEN, "the IP's licence forbids AI generation", False
        )
    if ip.licence_end is not None and ip.licence_end < today:
        end = ip.licence_end.isoformat()
        return RightsProblem(
            "ip", CampaignError.IP_LICENCE_ENDED, f"the IP's licence ended on {end}", end
        )
    if ip.likeness and not ip.likeness_consent:
        return RightsProblem(
            "ip",
            CampaignError.IP_CONSENT_MISSING,
            "the IP shows a real person's likeness or voice and has no recorded consent",
        )
    if ip.likeness and ip.likeness_consent_expires is not None:
        if ip.likeness_consent_expires < today:
            end = ip.likeness_consent_expires.isoformat()
            return RightsProblem(
                "ip",
                CampaignError.IP_CONSENT_EXPIRED,
                f"the likeness consent expired on {end}",
                end,
            )
    return None


def contract_not_before(chain: dict[str, Any]) -> datetime | None:
    """The earliest start the chain allows: the licence's start, if it has one."""
    start = chain.get("licence_start")
    return start_of_day(date.fromisoformat(start)) if start else None


def chain_licence_end(chain: dict[str, Any]) -> datetime | None:
    """The end of a licensed IP's licence in a contract's snapshot, or None (no bound)."""
    end = chain.get("licence_end")
    if chain.get("held") != IPHolding.LICENSED or not end:
        return None
    return end_of_day(date.fromisoformat(end))


def contract_window_terms(usage_rights: dict[str, Any], chain: dict[str, Any]) -> dict[str, Any]:
    """The window fields a new contract takes from its snapshot of usage rights and chain."""
    perpetual = bool(usage_rights.get("perpetual"))
    term = None if perpetual else usage_rights.get("term_months") or default_term_months()
    return {
        "rights_perpetual": perpetual,
        "rights_term_months": term,
        "rights_not_before": contract_not_before(chain),
    }
