"""Change orders: after acceptance either party proposes an extra milestone (an extra revision
beyond the cap, an extra deliverable, a usage-rights extension, something else); the other party
accepts or declines it, the proposer may withdraw it. Accepting adds an `awaiting_funding`
milestone; a funded rights extension needs no delivery and is released to the creator
(payments)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from marketplace.audit import audit_record, notify, transition
from marketplace.errors import Conflict, Forbidden, InvalidInput
from marketplace.models import User
from marketplace.money import format_money

from ..errors import CampaignError
from ..locks import lock_change_order, lock_contract
from ..models import (
    ChangeOrder,
    ChangeOrderKind,
    Contract,
    ContractStatus,
)
from ..selectors import contract_parties
from .contracts import contract_party_side, contract_sync_status, milestone_append
from .rights import pending_extension_months, rights_extension_check

CLOSED_TO_CHANGES = (ContractStatus.CANCELLED,)


def _extension_checked(contract: Contract, kind: str, months: int | None) -> int | None:
    """The months a rights extension adds (None for any other kind): at least one, on a
    contract whose rights have a term, and refused now (perpetual, past the IP licence, alone
    or with the extensions already agreed) rather than after the brand has paid."""
    if kind != ChangeOrderKind.RIGHTS_EXTENSION:
        return None
    if not months or months < 1:
        raise InvalidInput(
            "a rights extension names the months it adds",
            code=CampaignError.EXTENSION_MONTHS_INVALID,
            field="extension_months",
        )
    if not (contract.usage_rights or {}).get("term_months"):
        raise InvalidInput(
            "this contract grants no usage rights with a term to extend",
            code=CampaignError.CHANGE_ORDER_KIND_INVALID,
            field="kind",
        )
    rights_extension_check(
        contract, months, field="extension_months", also_months=pending_extension_months(contract)
    )
    return months


@transaction.atomic
def change_order_propose(
    *,
    actor: User,
    contract_id: int,
    kind: str,
    amount: int,
    due_date: datetime,
    description: str,
    extension_months: int | None = None,
) -> ChangeOrder:
    """A party proposes an extra milestone with its amount, due date and description. A rights
    extension names the months it adds and needs a contract whose usage rights have a term.
    The other party is notified."""
    contract = lock_contract(contract_id)
    side = contract_party_side(actor, contract)
    if contract.status in CLOSED_TO_CHANGES:
        raise Conflict(
            f"a {contract.status} contract takes no change orders",
            code=CampaignError.CONTRACT_ENDED,
            current_state=contract.status,
        )
    if kind not in ChangeOrderKind.values:
        raise InvalidInput(
            f"kind must be one of {', '.join(ChangeOrderKind.values)}",
            code=CampaignError.CHANGE_ORDER_KIND_INVALID,
            field="kind",
        )
    if amount < 1:
        raise InvalidInput("must be positive", code=CampaignError.AMOUNT_INVALID, field="amount")
    if due_date <= timezone.now():
        raise InvalidInput(
            "the due date must be in the future",
            code=CampaignError.DUE_DATE_INVALID,
            field="due_date",
        )
    extension_months = _extension_checked(contract, kind, extension_months)
    order = ChangeOrder.objects.create(
        contract=contract,
        kind=kind,
        amount=amount,
        due_date=due_date,
        description=description,
        extension_months=extension_months,
        proposed_by=actor,
        proposer_side=side,
    )
    audit_record(actor=actor, verb="propose", obj=order, after=order.status)
    notify(
        contract_parties(contract, side="brand" if side == "creator" else "creator"),
        kind="change_order_proposed",
        message=f"Contract #{contract.pk}: the {side} proposes a change order ({kind}, "
        f"{format_money(amount, contract.currency)}); accept or decline it.",
        obj=order,
    )
    return order


def _locked(change_order_id: int) -> tuple[Contract, ChangeOrder]:
    contract_id = (
        ChangeOrder.objects.filter(pk=change_order_id).values_list("contract_id", flat=True).first()
    )
    if contract_id is None:
        lock_change_order(change_order_id)  # raises NotFound
    contract = lock_contract(contract_id)
    return contract, lock_change_order(change_order_id)


@transaction.atomic
def change_order_accept(*, actor: User, change_order_id: int) -> ChangeOrder:
    """The other party accepts a proposed change order: an `awaiting_funding` milestone is
    added to the contract (a rights extension's needs no delivery) and the brand is asked to
    fund it. A rights extension is held to the IP licence again, with every extension already
    agreed (409 `rights_outside_ip_licence`)."""
    contract, order = _locked(change_order_id)
    side = contract_party_side(actor, contract)
    if side == order.proposer_side:
        raise Forbidden(
            "the other party accepts or declines a change order",
            code=CampaignError.CHANGE_ORDER_OWN,
        )
    if contract.status in CLOSED_TO_CHANGES:
        raise Conflict(
            f"a {contract.status} contract takes no change orders",
            code=CampaignError.CONTRACT_ENDED,
            current_state=contract.status,
        )
    if order.kind == ChangeOrderKind.RIGHTS_EXTENSION and order.extension_months:
        # Held to the licence again: time has passed, the window may have started, and other
        # extensions may have been agreed since it was proposed.
        rights_extension_check(
            contract,
            order.extension_months,
            field="extension_months",
            also_months=pending_extension_months(contract, exclude_order_id=order.pk),
        )
    order.decided_by = actor
    order.decided_at = timezone.now()
    transition(order, "accept", actor=actor, fields=["decided_by", "decided_at"])
    milestone = milestone_append(
        contract=contract,
        title=f"{ChangeOrderKind(order.kind).label} (change order {order.pk})",
        amount=order.amount,
        due_date=max(order.due_date, timezone.now()),
        description=order.description,
        requires_delivery=order.kind != ChangeOrderKind.RIGHTS_EXTENSION,
    )
    order.milestone = milestone
    order.save(update_fields=["milestone", "updated_at"])
    audit_record(
        actor=actor,
        verb="create",
        obj=milestone,
        after=milestone.status,
        data={"change_order": order.pk, "amount": milestone.amount, "fee": milestone.fee},
    )
    contract_sync_status(contract=contract, actor=actor)
    notify(
        contract_parties(contract),
        kind="change_order_accepted",
        message=f"Contract #{contract.pk}: change order {order.pk} was accepted; milestone "
        f"{milestone.position} awaits the brand's funding.",
        obj=order,
    )
    return order


@transaction.atomic
def change_order_decline(*, actor: User, change_order_id: int) -> ChangeOrder:
    """The other party declines a proposed change order; the proposer is notified."""
    contract, order = _locked(change_order_id)
    side = contract_party_side(actor, contract)
    if side == order.proposer_side:
        raise Forbidden(
            "the other party accepts or declines a change order; withdraw your own",
            code=CampaignError.CHANGE_ORDER_OWN,
        )
    order.decided_by = actor
    order.decided_at = timezone.now()
    transition(order, "decline", actor=actor, fields=["decided_by", "decided_at"])
    notify(
        contract_parties(contract, side="brand" if side == "creator" else "creator"),
        kind="change_order_declined",
        message=f"Contract #{contract.pk}: change order {order.pk} was declined.",
        obj=order,
    )
    return order


@transaction.atomic
def change_order_withdraw(*, actor: User, change_order_id: int) -> ChangeOrder:
    """The proposing side withdraws its proposed change order."""
    contract, order = _locked(change_order_id)
    side = contract_party_side(actor, contract)
    if side != order.proposer_side:
        raise Forbidden(
            "only the proposing side may withdraw a change order",
            code=CampaignError.CHANGE_ORDER_NOT_PROPOSER,
        )
    order.decided_by = actor
    order.decided_at = timezone.now()
    transition(order, "withdraw", actor=actor, fields=["decided_by", "decided_at"])
    notify(
        contract_parties(contract, side="brand" if side == "creator" else "creator"),
        kind="change_order_withdrawn",
        message=f"Contract #{contract.pk}: change order {order.pk} was withdrawn.",
        obj=order,
    )
    return order
