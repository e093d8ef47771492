"""Writes on usage rights: the window of a contract (start, extension, notices), briefs whose
IP may no longer be used, and the generator-licence review of a delivery.

The rules themselves (month arithmetic, states, bounds) live in `campaigns.rights`; this
module applies them to rows, inside transactions, with audit rows and notifications.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from creators.models import GeneratedVideo, LicenceVerdict
from marketplace.audit import audit_record, notify, transition
from marketplace.errors import Conflict, InvalidInput
from marketplace.guards import require_staff
from marketplace.models import User

from ..errors import CampaignError
from ..locks import lock_brief, lock_contract, lock_delivery
from ..models import (
    Brief,
    BriefStatus,
    ChangeOrder,
    ChangeOrderKind,
    ChangeOrderStatus,
    Contract,
    ContractKind,
    Delivery,
    Dispute,
    DisputeStatus,
    LicenceFlag,
    Milestone,
    MilestoneStatus,
    RightsNotice,
    RightsNoticeKind,
)
from ..rights import (
    EXPIRING_WITHIN,
    add_months,
    chain_licence_end,
    default_term_months,
    ip_publish_problem,
    months_between,
    notice_due,
    rights_due,
)
from ..selectors import brand_member_users, contract_parties

MAX_EXTENSION_MONTHS = 120


# The usage window -------------------------------------------------------------------------


def contract_rights_start(contract: Contract, *, at: datetime | None = None) -> Contract:
    """Start the contract's usage window: now (or `at`), but not before the start the
    contract names (`rights_not_before`, the IP licence's start); it ends `rights_term_months`
    later, never for a perpetual grant. A window already started is left alone.

    The one place that sets the window; `contract_rights_start_if_due` decides when (the
    end of the deliverable work the brand paid for). Runs inside the caller's transaction
    with the contract row locked; writes an audit row.
    """
    if contract.rights_start is not None:
        return contract
    start = at or timezone.now()
    if contract.rights_not_before is not None and contract.rights_not_before > start:
        start = contract.rights_not_before
    if contract.rights_term_months is None and not contract.rights_perpetual:
        contract.rights_term_months = default_term_months()
    contract.rights_start = start
    contract.rights_end = (
        None if contract.rights_perpetual else add_months(start, contract.rights_term_months)
    )
    contract.save(update_fields=["rights_start", "rights_end", "rights_term_months", "updated_at"])
    audit_record(
        actor=None,
        verb="rights_start",
        obj=contract,
        after="perpetual" if contract.rights_perpetual else contract.rights_end.isoformat(),
        data={"start": start.isoformat(), "term_months": contract.rights_term_months},
    )
    return contract


def contract_rights_start_if_due(contract: Contract, *, at: datetime | None = None) -> bool:
    """Start the usage window when the contract's deliverable work has ended and the brand
    paid for some of it: the last deliverable milestone was approved, or a dispute on it was
    resolved as a release or a split (rights start at that resolution and cover what was
    delivered), or it was refunded or cancelled after another milestone was paid for. A
    contract whose work was all refunded or cancelled, and a paid test shot, grant nothing.

    Called by every service that closes a deliverable milestone, inside its transaction with
    the contract row locked; answers whether the window started now.
    """
    if contract.kind == ContractKind.TEST_SHOT or contract.rights_start is not None:
        return False
    rows = list(
        Milestone.objects.filter(contract=contract, requires_delivery=True).values_list(
            "pk", "status"
        )
    )
    resolved = [pk for pk, status in rows if status == MilestoneStatus.RESOLVED]
    resolutions = dict(
        Dispute.objects.filter(milestone_id__in=resolved, status=DisputeStatus.RESOLVED)
        .order_by("resolved_at", "pk")
        .values_list("milestone_id", "resolution")
    )
    if not rights_due([(status, resolutions.get(pk)) for pk, status in rows]):
        return False
    contract_rights_start(contract, at=at)
    return True


def pending_extension_months(contract: Contract, *, exclude_order_id: int | None = None) -> int:
    """Months of the contract's accepted rights extensions not yet added to its term (their
    milestone awaits funding, or is funded and about to be released): what the contract has
    already promised beyond `rights_term_months`."""
    orders = ChangeOrder.objects.filter(
        contract_id=contract.pk,
        kind=ChangeOrderKind.RIGHTS_EXTENSION,
        status=ChangeOrderStatus.ACCEPTED,
        milestone__status__in=(MilestoneStatus.AWAITING_FUNDING, MilestoneStatus.FUNDED),
    )
    if exclude_order_id is not None:
        orders = orders.exclude(pk=exclude_order_id)
    return orders.aggregate(total=Sum("extension_months"))["total"] or 0


def _earliest_start(contract: Contract, now: datetime | None) -> datetime:
    """When the usage window started, or the earliest it can: now, or the later start the
    contract names."""
    if contract.rights_start is not None:
        return contract.rights_start
    start = now or timezone.now()
    if contract.rights_not_before is not None and contract.rights_not_before > start:
        start = contract.rights_not_before
    return start


def _past_licence(
    contract: Contract,
    *,
    field: str,
    months: int,
    also_months: int,
    start: datetime,
    bounding_end: datetime,
    bound: datetime,
) -> Conflict:
    """The refusal of an extension that would run past the IP licence's end, saying how many
    months still fit (and, before the window starts, from which earliest start)."""
    started = contract.rights_start is not None
    base = contract.rights_term_months or default_term_months()
    most = max(months_between(start, bound) - base - also_months, 0)
    others = f", {also_months} months of extensions already agreed" if also_months else ""
    if started:
        message = (
            f"the rights would run to {bounding_end.date().isoformat()}, past the IP "
            f"licence's end {bound.date().isoformat()}; at most {most} more months fit"
        )
    else:
        message = (
            "the usage window has not started; even if it started on "
            f"{start.date().isoformat()}, the earliest start the contract allows, its "
            f"{base}-month term{others} and these {months} months would run to "
            f"{bounding_end.date().isoformat()}, past the IP licence's end "
            f"{bound.date().isoformat()}; at most {most} more months fit"
        )
    return Conflict(
        message,
        code=CampaignError.RIGHTS_OUTSIDE_IP_LICENCE,
        field=field,
        bound=bound.date().isoformat(),
        earliest_end=None if started else bounding_end.date().isoformat(),
        max_extension_months=most,
        current_state=contract.status,
    )


def rights_extension_check(
    contract: Contract,
    months: int,
    *,
    field: str = "months",
    also_months: int = 0,
    now: datetime | None = None,
) -> tuple[int, datetime | None]:
    """The term and end a rights extension of `months` would give `contract`, or the refusal:
    months outside 1–120 (400, `field`), a perpetual grant (409), an end past the licence of
    the IP the contract rests on (409 `rights_outside_ip_licence` naming `field`, the bound
    and how many months still fit).

    `also_months` are other extensions already agreed (accepted, not yet in the term): the
    bound holds for all of them together. Before the usage window starts the end is not
    known, so the bound holds for the earliest possible end: the window starting now (or at
    the later start the contract names) and running the whole term plus every extension.
    Checked when an extension is proposed, accepted, funded and released."""
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
        raise InvalidInput(
            f"must be a whole number of months from 1 to {MAX_EXTENSION_MONTHS}",
            code=CampaignError.EXTENSION_INVALID,
            field=field,
        )
    if contract.rights_perpetual:
        raise Conflict(
            "the usage rights are perpetual; there is no end to move",
            code=CampaignError.RIGHTS_PERPETUAL,
            field=field,
            current_state="perpetual",
        )
    base = contract.rights_term_months or default_term_months()
    term = base + months
    started = contract.rights_start is not None
    start = _earliest_start(contract, now)
    new_end = add_months(start, term) if started else None
    bounding_end = add_months(start, term + also_months)
    bound = chain_licence_end(contract.ip_chain)
    if bound is not None and bounding_end > bound:
        raise _past_licence(
            contract,
            field=field,
            months=months,
            also_months=also_months,
            start=start,
            bounding_end=bounding_end,
            bound=bound,
        )
    return term, new_end


def rights_extension_funding_check(contract: Contract, milestone: Milestone) -> None:
    """Refuse (409 `rights_outside_ip_licence`, naming the milestone) to fund a rights
    extension's milestone whose months, with every other extension already agreed, no longer
    fit the IP licence (time has passed, the window started): funding it would charge the
    brand for rights that cannot be granted. Other milestones pass."""
    order = ChangeOrder.objects.filter(
        milestone_id=milestone.pk, kind=ChangeOrderKind.RIGHTS_EXTENSION
    ).first()
    if order is None or not order.extension_months:
        return
    try:
        rights_extension_check(
            contract,
            order.extension_months,
            field="milestones",
            also_months=pending_extension_months(contract, exclude_order_id=order.pk),
        )
    except Conflict as exc:
        exc.extra["milestone"] = milestone.pk
        exc.extra["change_order"] = order.pk
        raise


@transaction.atomic
def contract_rights_extend(contract: Contract | int, months: int, actor: User | None) -> Contract:
    """Move the end of a contract's usage window `months` later (a funded rights-extension
    change order, released): the term grows, and a started window's end moves with it, so
    the 30/7-day and end notices are armed again for the new end.

    Refused: months outside 1–120 (400, `months`), a perpetual grant (409), an end past the
    licence of the IP the contract rests on (409 naming `months` and the bound). Audit row;
    both parties are notified.
    """
    contract_id = contract if isinstance(contract, int) else contract.pk
    contract = lock_contract(contract_id)
    term, new_end = rights_extension_check(contract, months)
    before = contract.rights_end
    contract.rights_term_months = term
    contract.rights_end = new_end
    contract.save(update_fields=["rights_term_months", "rights_end", "updated_at"])
    audit_record(
        actor=actor,
        verb="rights_extend",
        obj=contract,
        before=before.isoformat() if before else "",
        after=new_end.isoformat() if new_end else "",
        data={"months": months, "term_months": term},
    )
    until = f" to {new_end.date().isoformat()}" if new_end else f" to {term} months"
    notify(
        contract_parties(contract),
        kind="rights_extended",
        message=f"Contract #{contract.pk}: the usage rights were extended by {months} months"
        f"{until}.",
        obj=contract,
    )
    return contract


NOTICE_TEXT = {
    RightsNoticeKind.DAYS_30: "end in 30 days",
    RightsNoticeKind.DAYS_7: "end in 7 days",
    RightsNoticeKind.ENDED: "have ended; stop running the videos or extend the rights",
}


@transaction.atomic
def rights_notice_send(*, contract_id: int, now: datetime | None = None) -> bool:
    """Send the contract's due usage-window notice to both parties, once: the notice row
    (unique per contract, kind and end) is written first, so a second run sends nothing.
    Answers whether a notice went out."""
    now = now or timezone.now()
    try:
        contract = lock_contract(contract_id)
    except Contract.DoesNotExist:
        return False
    kind = notice_due(contract, now=now)
    if kind is None:
        return False
    try:
        with transaction.atomic():
            RightsNotice.objects.create(
                contract=contract, kind=kind, rights_end=contract.rights_end, sent_at=now
            )
    except IntegrityError:
        return False
    end = contract.rights_end.date().isoformat()
    notify(
        contract_parties(contract),
        kind=f"rights_{kind}",
        message=f"Contract #{contract.pk}: the usage rights {NOTICE_TEXT[kind]} (end {end}).",
        obj=contract,
    )
    audit_record(actor=None, verb="rights_notice", obj=contract, after=kind, data={"end": end})
    return True


def rights_notices_send(*, now: datetime | None = None) -> int:
    """The beat job: every contract whose window ends within 30 days (or has ended) and has
    not had its end notice for that end gets its due notice. Safe to run twice."""
    now = now or timezone.now()
    ended_sent = RightsNotice.objects.filter(
        contract=OuterRef("pk"), kind=RightsNoticeKind.ENDED, rights_end=OuterRef("rights_end")
    )
    due = (
        Contract.objects.filter(
            rights_perpetual=False,
            rights_start__lte=now,
            rights_end__lte=now + EXPIRING_WITHIN,
        )
        .exclude(Exists(ended_sent))
        .order_by("rights_end", "pk")
    )
    ids = list(due.values_list("pk", flat=True))
    return sum(rights_notice_send(contract_id=pk, now=now) for pk in ids)


# Briefs whose IP may no longer be used ----------------------------------------------------


@transaction.atomic
def brief_close_ip_ended(*, brief_id: int, now: datetime | None = None) -> bool:
    """Close one open brief whose IP's licence or likeness consent has ended (the system
    acts); its brand members are told why. Answers whether it changed anything."""
    now = now or timezone.now()
    try:
        brief = lock_brief(brief_id)
    except Brief.DoesNotExist:
        return False
    if brief.status != BriefStatus.OPEN or brief.ip_id is None:
        return False
    problem = ip_publish_problem(brief.ip, today=now.date())
    if problem is None or problem.code == CampaignError.IP_AI_FORBIDDEN:
        return False
    transition(brief, "close", actor=None, data={"reason": problem.code.value})
    notify(
        brand_member_users(brief.brand_id),
        kind="brief_closed_ip_ended",
        message=f"“{brief.title}” was closed: {problem.message}.",
        obj=brief,
    )
    return True


def briefs_close_ip_ended(*, now: datetime | None = None) -> int:
    """The beat job: close every open brief on an IP whose licence ended or whose likeness
    consent expired, each in its own transaction. Safe to run twice."""
    now = now or timezone.now()
    today = now.date()
    ended = Q(ip__licence_end__lt=today) | Q(
        ip__likeness=True, ip__likeness_consent_expires__lt=today
    )
    ids = Brief.objects.filter(ended, status=BriefStatus.OPEN).values_list("pk", flat=True)
    return sum(brief_close_ip_ended(brief_id=pk, now=now) for pk in list(ids))


# The generator licences of a delivery -----------------------------------------------------


def delivery_licence_check(*, contract: Contract, videos: Iterable[GeneratedVideo]) -> None:
    """Refuse (400, `licence_not_commercial`, naming the video) a delivery with a video whose
    generator plan forbids commercial use, when the brief requires commercial use (default).
    Call before anything is written."""
    if not contract.brief.commercial_licence_required:
        return
    for index, video in enumerate(videos):
        if video.licence_verdict == LicenceVerdict.NOT_ALLOWED:
            raise InvalidInput(
                f"{video.model} on the {video.plan} plan does not allow commercial use; "
                "regenerate it on a plan that does",
                code=CampaignError.LICENCE_NOT_COMMERCIAL,
                field=f"videos[{index}].plan",
            )


def delivery_licence_flag(*, delivery: Delivery, videos: Iterable[GeneratedVideo]) -> bool:
    """Flag a delivery with a video whose licence is conditional, unknown (or, on a brief
    that does not require commercial use, not allowed) for the brand and staff: the admin's
    licence queue lists it, the brand's members and staff are notified. Inside the caller's
    transaction; answers whether it flagged."""
    doubtful = [v for v in videos if v.licence_verdict != LicenceVerdict.ALLOWED]
    if not doubtful:
        return False
    note = "; ".join(f"{v.model} ({v.plan or 'no plan'}): {v.licence_verdict}" for v in doubtful)[
        :1000
    ]
    delivery.licence_flag = LicenceFlag.FLAGGED
    delivery.licence_note = note
    delivery.save(update_fields=["licence_flag", "licence_note"])
    audit_record(
        actor=None,
        verb="licence_flag",
        obj=delivery,
        after=LicenceFlag.FLAGGED,
        data={"note": note},
    )
    contract = delivery.contract
    message = (
        f"Contract #{contract.pk}, delivery {delivery.number}: check the generator licence "
        f"before commercial use — {note}"
    )
    staff = User.objects.filter(is_staff=True, is_active=True)
    notify(
        contract_parties(contract, side="brand"),
        kind="delivery_licence_flagged",
        message=message,
        obj=contract,
    )
    notify(staff, kind="delivery_licence_flagged", message=message, obj=delivery)
    return True


@transaction.atomic
def delivery_licence_clear(*, actor: User, delivery: Delivery, note: str = "") -> Delivery:
    """Staff clear a flagged delivery after checking its generator licences (the admin's
    queue); the brand's members are told."""
    require_staff(actor, what="clear licence flags")
    delivery = lock_delivery(delivery.pk)
    if note:
        delivery.licence_note = f"{delivery.licence_note} · cleared: {note}"[:1000]
    transition(
        delivery,
        "licence_clear",
        actor=actor,
        fields=["licence_note"],
        data={"note": note} if note else None,
    )
    contract = delivery.contract
    notify(
        contract_parties(contract, side="brand"),
        kind="delivery_licence_cleared",
        message=f"Contract #{contract.pk}, delivery {delivery.number}: staff checked the "
        "generator licences.",
        obj=contract,
    )
    return delivery
