"""A contract's milestones: the snapshot made at acceptance, milestones added later, and the
contract's status, which follows its milestones (docs/DESIGN.md, state machines).

Every service that changes a milestone (here and in payments) ends with `contract_sync_status`
inside its transaction, with the contract row locked."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from marketplace.audit import audit_record
from marketplace.errors import Forbidden, InvalidInput
from marketplace.models import User

from .. import pricing
from ..errors import CampaignError
from ..models import (
    ENDED_CONTRACT_STATUSES,
    ENDED_MILESTONE_STATUSES,
    MAX_MILESTONES,
    Contract,
    ContractStatus,
    Milestone,
    MilestoneStatus,
)
from ..selectors import is_brand_member

DEFAULT_MILESTONE_TITLE = "Whole contract"
NEVER_FUNDED = (MilestoneStatus.AWAITING_FUNDING, MilestoneStatus.CANCELLED)


def contract_party_side(user: User | None, contract: Contract) -> str:
    """'creator' or 'brand', whichever side `user` is on; Forbidden otherwise."""
    if user is not None and contract.creator.user_id == user.pk:
        return "creator"
    if is_brand_member(user, contract.brand_id):
        return "brand"
    raise Forbidden(
        "only the contract's parties may do this", code=CampaignError.NOT_CONTRACT_PARTY
    )


# Proposals --------------------------------------------------------------------------------


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return parse_datetime(value)
    return None


def milestones_check(
    proposals: Sequence[dict[str, Any]], *, amount: int, deadline: datetime
) -> list[dict[str, Any]]:
    """Validate the milestones a bid proposes and return them as stored on the bid: at most
    MAX_MILESTONES, each with a title, a positive amount and a due date after now and not after
    the brief's delivery deadline, the amounts summing to the bid's `amount`. An empty list
    means one milestone holding the whole price. Each error names the offending field."""
    items = list(proposals)
    if len(items) > MAX_MILESTONES:
        raise InvalidInput(
            f"at most {MAX_MILESTONES} milestones",
            code=CampaignError.TOO_MANY_MILESTONES,
            field="milestones",
        )
    now = timezone.now()
    out: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        title = str(item.get("title") or "").strip()
        if not title:
            raise InvalidInput(
                "each milestone needs a title",
                code=CampaignError.MILESTONES_INVALID,
                field=f"milestones[{i}].title",
            )
        value = item.get("amount")
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InvalidInput(
                "a milestone's amount must be a positive whole number of minor units",
                code=CampaignError.MILESTONES_INVALID,
                field=f"milestones[{i}].amount",
            )
        due = _as_datetime(item.get("due_date"))
        if due is None or due <= now or due > deadline:
            raise InvalidInput(
                "a milestone is due after now and by the brief's delivery deadline",
                code=CampaignError.MILESTONE_DUE_DATE_INVALID,
                field=f"milestones[{i}].due_date",
            )
        # The API's one date-time form: ISO 8601 in UTC with "Z", as DRF writes date-times.
        due_text = due.astimezone(UTC).isoformat().replace("+00:00", "Z")
        out.append({"title": title[:150], "amount": value, "due_date": due_text})
    if out and sum(m["amount"] for m in out) != amount:
        raise InvalidInput(
            f"the milestones sum to {sum(m['amount'] for m in out)}, the bid is {amount}",
            code=CampaignError.MILESTONES_SUM_MISMATCH,
            field="milestones",
        )
    return out


def milestones_snapshot(
    *, contract: Contract, proposals: Sequence[dict[str, Any]]
) -> list[Milestone]:
    """Create the milestones of a new contract from its bid's proposals (or one milestone
    holding the whole price, due at the delivery deadline). Fees are split at the contract's
    rate so that they sum to the contract's fee."""
    items = list(proposals) or [
        {
            "title": DEFAULT_MILESTONE_TITLE,
            "amount": contract.amount,
            "due_date": contract.delivery_deadline,
        }
    ]
    fees = pricing.split_fee([int(m["amount"]) for m in items], contract.fee_bps)
    rows = [
        Milestone(
            contract=contract,
            position=i,
            title=m["title"],
            amount=int(m["amount"]),
            currency=contract.currency,
            fee=fee,
            creator_net=int(m["amount"]) - fee,
            due_date=_as_datetime(m["due_date"]),
            max_revisions=contract.max_revisions,
        )
        for i, (m, fee) in enumerate(zip(items, fees, strict=True), start=1)
    ]
    return Milestone.objects.bulk_create(rows)


def milestone_append(
    *,
    contract: Contract,
    title: str,
    amount: int,
    due_date: datetime,
    description: str = "",
    requires_delivery: bool = True,
) -> Milestone:
    """Add an `awaiting_funding` milestone to a locked contract (an accepted change order) at
    the contract's fee rate; the contract's totals and deadline grow with it."""
    fee = pricing.split_fee([amount], contract.fee_bps)[0]
    position = contract.milestones.order_by("-position").values_list("position", flat=True)[:1]
    milestone = Milestone.objects.create(
        contract=contract,
        position=(position[0] if position else 0) + 1,
        title=title[:150],
        description=description,
        amount=amount,
        currency=contract.currency,
        fee=fee,
        creator_net=amount - fee,
        due_date=due_date,
        requires_delivery=requires_delivery,
        max_revisions=contract.max_revisions,
    )
    contract.amount += amount
    contract.fee += fee
    contract.creator_net += amount - fee
    contract.delivery_deadline = max(contract.delivery_deadline, due_date)
    contract.save(update_fields=["amount", "fee", "creator_net", "delivery_deadline", "updated_at"])
    return milestone


# The contract's status --------------------------------------------------------------------


def contract_status_of(statuses: Sequence[str]) -> str:
    """The contract status its milestones' statuses give (docs/DESIGN.md): a one-milestone contract
    shows its milestone's status; several give `awaiting_funding` (none funded yet),
    `cancelled` (all cancelled before funding), `completed` (every one paid, refunded, resolved
    or cancelled) or `active`."""
    if len(statuses) == 1:
        return statuses[0]
    if all(s in NEVER_FUNDED for s in statuses):
        if all(s == MilestoneStatus.CANCELLED for s in statuses):
            return ContractStatus.CANCELLED
        return ContractStatus.AWAITING_FUNDING
    if all(s in ENDED_MILESTONE_STATUSES for s in statuses):
        return ContractStatus.COMPLETED
    return ContractStatus.ACTIVE


def _latest(values: list[datetime | None]) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def contract_sync_status(*, contract: Contract, actor: User | None = None) -> bool:
    """Recompute a locked contract's status and dates from its milestones and save them; a
    change of status writes an audit row. Answers whether the contract has just ended (its
    brief may then be complete: payments.services.common.sync_contract checks it after
    commit). Call it at the end of every service that changes a milestone."""
    milestones = list(Milestone.objects.filter(contract=contract).order_by("position"))
    if not milestones:
        return False
    before = contract.status
    after = contract_status_of([m.status for m in milestones])
    funded = [m.funded_at for m in milestones if m.funded_at is not None]
    contract.funded_at = min(funded) if funded else None
    contract.delivered_at = _latest([m.delivered_at for m in milestones])
    contract.approved_at = _latest([m.approved_at for m in milestones])
    contract.paid_at = _latest([m.paid_at for m in milestones])
    contract.revisions_used = sum(m.revisions_used for m in milestones)
    if len(milestones) == 1:
        only = milestones[0]
        contract.max_revisions = only.max_revisions
        contract.refund_requested_by_brand = only.refund_requested_by_brand
        contract.refund_requested_by_creator = only.refund_requested_by_creator
    contract.status = after
    contract.save(
        update_fields=[
            "status",
            "funded_at",
            "delivered_at",
            "approved_at",
            "paid_at",
            "revisions_used",
            "max_revisions",
            "refund_requested_by_brand",
            "refund_requested_by_creator",
            "updated_at",
        ]
    )
    if after == before:
        return False
    audit_record(actor=actor, verb="follow_milestones", obj=contract, before=before, after=after)
    return after in ENDED_CONTRACT_STATUSES and before not in ENDED_CONTRACT_STATUSES
