"""Returning money to the brand: mutual or staff refunds, and dispute resolutions.

The state change and the Refund row are written together; Stripe is called after commit and
the refund's ledger entry is posted when Stripe has made it. A refund after the creator was
paid first reverses the transfer."""

import logging

from django.db import transaction
from django.utils import timezone

from campaigns.models import Contract, ContractStatus, Dispute, DisputeStatus, Resolution
from marketplace.audit import audit_record, notify, notify_staff, transition
from marketplace.errors import Conflict, InvalidInput, ServiceUnavailable
from marketplace.guards import require_staff
from marketplace.models import User

from .. import gateway, ledger, queue
from ..errors import PaymentError
from ..gateway import GatewayRejected
from ..locks import (
    lock_contract,
    lock_contract_payment,
    lock_open_dispute,
    lock_refund,
    lock_transfer,
)
from ..models import (
    PaymentStatus,
    Refund,
    RefundStatus,
    Transfer,
    TransferStatus,
)
from .common import after_contract_end, party_users, require_party
from .payouts import release_to_creator

logger = logging.getLogger(__name__)


def refund_start(
    *,
    contract: Contract,
    amount: int,
    reason: str,
    actor: User | None,
    reverses_payout: bool = False,
) -> Refund:
    """Create a pending refund of `amount` for a locked contract; executed after commit.
    `reverses_payout` takes the creator's transfer back first (a refund after payout)."""
    payment = lock_contract_payment(contract)
    if payment.status != PaymentStatus.SUCCEEDED:
        raise Conflict(
            "the contract was never paid",
            code=PaymentError.CONTRACT_NOT_PAID,
            current_state=contract.status,
        )
    already = sum(r.amount for r in payment.refunds.exclude(status=RefundStatus.FAILED))
    if amount <= 0 or already + amount > payment.amount:
        raise InvalidInput(
            "the refund exceeds what was paid",
            code=PaymentError.REFUND_EXCEEDS_PAYMENT,
            field="amount",
        )
    refund = Refund.objects.create(
        contract=contract,
        payment=payment,
        amount=amount,
        currency=contract.currency,
        reason=reason,
        requested_by=actor,
        reverses_payout=reverses_payout,
    )
    audit_record(actor=actor, verb="refund_requested", obj=refund, after=RefundStatus.PENDING)
    refund_enqueue(refund_id=refund.pk)
    return refund


def refund_enqueue(*, refund_id: int) -> None:
    """Execute the refund in a task once the current transaction commits (idempotent)."""
    queue.enqueue(queue.EXECUTE_REFUND, refund_id)


def _reverse_payout_if_needed(contract_id: int) -> None:
    """Before refunding a paid contract, take the creator's transfer back (once)."""
    transfer = Transfer.objects.filter(contract_id=contract_id, status=TransferStatus.PAID).first()
    if transfer is None or transfer.amount_reversed >= transfer.amount:
        return
    gateway.reverse_transfer(
        transfer_id=transfer.stripe_transfer_id, amount=transfer.amount, contract_id=contract_id
    )
    with transaction.atomic():
        contract = lock_contract(contract_id)
        transfer = lock_transfer(transfer.pk)
        if transfer.amount_reversed >= transfer.amount:
            return
        transfer.amount_reversed = transfer.amount
        transfer.save(update_fields=["amount_reversed", "updated_at"])
        # Only fully approved (paid) contracts are refunded after payout: the whole release
        # (net to the creator, fee to revenue) goes back to escrow.
        fee, gross = contract.fee, contract.amount
        lines = [(ledger.PLATFORM_CASH, transfer.amount), (ledger.escrow(contract.pk), -gross)]
        if fee:
            lines.append((ledger.PLATFORM_REVENUE, fee))
        # The transfer comes back and the release is undone: the money is in escrow again.
        ledger.post_entry(
            key=f"reverse-payout-contract-{contract.pk}",
            kind="reversal",
            currency=contract.currency,
            contract=contract,
            lines=lines,
        )
        audit_record(
            actor=None, verb="reverse_payout", obj=transfer, before="paid", after="reversed"
        )


def refund_execute(*, refund_id: int) -> Refund:
    """Make the refund in Stripe (reversing a payout first) and post its ledger entry.

    Safe to run again after any failure: every Stripe call has a key from our ids."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status == RefundStatus.SUCCEEDED:
        return refund
    try:
        if refund.reverses_payout:
            _reverse_payout_if_needed(refund.contract_id)
        stripe_refund = gateway.create_refund(
            refund_id=refund.pk,
            payment_intent=refund.payment.stripe_payment_intent_id,
            amount=refund.amount,
            contract_id=refund.contract_id,
        )
    except ServiceUnavailable:
        return refund  # stays pending; the periodic job retries with the same keys
    except GatewayRejected as exc:
        # A definite refusal: retrying the same key would get the same answer. The refund is
        # marked failed for staff (reconcile reports it) instead of being retried forever.
        with transaction.atomic():
            locked = lock_refund(refund_id)
            if locked.status == RefundStatus.PENDING:
                locked.last_error = exc.message[:300]
                transition(
                    locked,
                    to=RefundStatus.FAILED,
                    allowed=Refund.ALLOWED,
                    actor=None,
                    verb="refund_failed",
                    extra_fields=["last_error"],
                    data={"error": exc.message[:300]},
                )
                notify(
                    User.objects.filter(is_staff=True, is_active=True),
                    kind="refund_failed",
                    message=f"Refund {locked.pk} of contract #{locked.contract_id} failed: "
                    f"{exc.message}",
                    obj=locked.contract,
                )
        logger.error("refund %s rejected by Stripe: %s", refund_id, exc.message)
        return locked
    return refund_succeeded(refund_id=refund.pk, stripe_refund_id=stripe_refund.id)


@transaction.atomic
def refund_succeeded(*, refund_id: int, stripe_refund_id: str) -> Refund:
    """Record a refund Stripe made: escrow pays the cash back to the brand."""
    refund = Refund.objects.get(pk=refund_id)
    contract = lock_contract(refund.contract_id)
    refund = lock_refund(refund_id)
    if refund.status == RefundStatus.SUCCEEDED:
        return refund
    refund.stripe_refund_id = stripe_refund_id
    refund.succeeded_at = timezone.now()
    refund.last_error = ""
    transition(
        refund,
        to=RefundStatus.SUCCEEDED,
        allowed=Refund.ALLOWED,
        actor=None,
        verb="refund",
        extra_fields=["stripe_refund_id", "succeeded_at", "last_error"],
    )
    ledger.post_entry(
        key=f"refund-{refund.pk}",
        kind="refund",
        currency=refund.currency,
        contract=contract,
        lines=[(ledger.escrow(contract.pk), refund.amount), (ledger.PLATFORM_CASH, -refund.amount)],
        memo=stripe_refund_id,
    )
    notify(
        party_users(contract)[1:],
        kind="refund_succeeded",
        message=f"{refund.amount} {refund.currency} was refunded for contract #{contract.pk}.",
        obj=contract,
    )
    return refund


@transaction.atomic
def contract_refund_request(*, actor: User, contract_id: int) -> Contract:
    """One party agrees to a refund of a funded contract before delivery; when both have
    agreed the contract is refunded in full."""
    contract = lock_contract(contract_id)
    side = require_party(actor, contract)
    if contract.status != ContractStatus.FUNDED:
        raise Conflict(
            f"cannot refund a contract that is {contract.status}",
            code=PaymentError.INVALID_STATE,
            current_state=contract.status,
        )
    field = f"refund_requested_by_{side}"
    if not getattr(contract, field):
        setattr(contract, field, True)
        contract.save(update_fields=[field, "updated_at"])
        audit_record(
            actor=actor,
            verb="agree_refund",
            obj=contract,
            before=contract.status,
            after=contract.status,
            data={"side": side},
        )
    if contract.refund_requested_by_brand and contract.refund_requested_by_creator:
        transition(
            contract,
            to=ContractStatus.REFUNDED,
            allowed=Contract.ALLOWED,
            actor=actor,
            verb="refund",
        )
        after_contract_end(contract)
        refund_start(contract=contract, amount=contract.amount, reason="mutual", actor=actor)
    else:
        other = party_users(contract)
        notify(
            other,
            kind="refund_requested",
            message=f"A refund of contract #{contract.pk} was requested by the {side}.",
            obj=contract,
        )
    return contract


STAFF_REFUNDABLE = {ContractStatus.FUNDED, ContractStatus.PAID}


@transaction.atomic
def contract_refund_by_staff(*, actor: User, contract_id: int, reason: str) -> Contract:
    """Staff refund a funded or paid contract in full (a paid one has its transfer reversed)."""
    require_staff(actor, what="refund a contract")
    contract = lock_contract(contract_id)
    if contract.status not in STAFF_REFUNDABLE:
        raise Conflict(
            f"cannot refund a contract that is {contract.status}",
            code=PaymentError.INVALID_STATE,
            current_state=contract.status,
        )
    allowed = {s: {ContractStatus.REFUNDED} for s in STAFF_REFUNDABLE}
    was_paid = contract.status == ContractStatus.PAID
    transition(
        contract,
        to=ContractStatus.REFUNDED,
        allowed=allowed,
        actor=actor,
        verb="staff_refund",
        data={"reason": reason},
    )
    after_contract_end(contract)
    refund_start(
        contract=contract,
        amount=contract.amount,
        reason="staff",
        actor=actor,
        reverses_payout=was_paid,
    )
    return contract


@transaction.atomic
def dispute_open(*, actor: User, contract_id: int, reason: str) -> Dispute:
    """Either party disputes a funded, delivered or revision-requested contract."""
    contract = lock_contract(contract_id)
    require_party(actor, contract)
    if not reason.strip():
        raise InvalidInput(
            "say what the dispute is about", code=PaymentError.REASON_REQUIRED, field="reason"
        )
    transition(
        contract, to=ContractStatus.DISPUTED, allowed=Contract.ALLOWED, actor=actor, verb="dispute"
    )
    dispute = Dispute.objects.create(contract=contract, opened_by=actor, reason=reason)
    notify(
        party_users(contract),
        kind="contract_disputed",
        message=f"Contract #{contract.pk} is disputed; staff will resolve it.",
        obj=contract,
    )
    notify_staff(
        kind="dispute_opened",
        message=f"Contract #{contract.pk} was disputed: {reason.strip()[:200]}",
        obj=dispute,
    )
    return dispute


@transaction.atomic
def dispute_resolve(
    *,
    actor: User,
    contract_id: int,
    resolution: str,
    creator_amount: int | None = None,
    note: str = "",
) -> Dispute:
    """Staff resolve a dispute: release all to the creator, refund all to the brand, or split
    (the creator's gross share `creator_amount`, the rest refunded). Fees apply to what the
    creator receives."""
    require_staff(actor, what="resolve disputes")
    contract = lock_contract(contract_id)
    dispute = lock_open_dispute(contract)
    if dispute is None or contract.status != ContractStatus.DISPUTED:
        raise Conflict(
            "the contract has no open dispute",
            code=PaymentError.NO_OPEN_DISPUTE,
            current_state=contract.status,
        )
    if resolution == Resolution.RELEASE:
        creator_share = contract.amount
    elif resolution == Resolution.REFUND:
        creator_share = 0
    elif resolution == Resolution.SPLIT:
        if creator_amount is None or not 0 < creator_amount < contract.amount:
            raise InvalidInput(
                f"a split needs 0 < creator_amount < {contract.amount}",
                code=PaymentError.SPLIT_AMOUNT_INVALID,
                field="creator_amount",
            )
        creator_share = creator_amount
    else:
        raise InvalidInput(
            "resolution must be release, refund or split",
            code=PaymentError.RESOLUTION_INVALID,
            field="resolution",
        )
    transition(
        contract,
        to=ContractStatus.RESOLVED,
        allowed=Contract.ALLOWED,
        actor=actor,
        verb="resolve",
        data={"resolution": resolution, "creator_amount": creator_share},
    )
    after_contract_end(contract)
    if creator_share:
        release_to_creator(
            contract=contract, gross=creator_share, key=f"resolve-release-contract-{contract.pk}"
        )
    if creator_share < contract.amount:
        refund_start(
            contract=contract,
            amount=contract.amount - creator_share,
            reason=f"dispute_{resolution}",
            actor=actor,
        )
    dispute.resolution = resolution
    dispute.creator_amount = creator_share
    dispute.note = note
    dispute.resolved_by = actor
    dispute.resolved_at = timezone.now()
    transition(
        dispute,
        to=DisputeStatus.RESOLVED,
        allowed=Dispute.ALLOWED,
        actor=actor,
        verb="resolve_dispute",
        extra_fields=["resolution", "creator_amount", "note", "resolved_by", "resolved_at"],
        data={"resolution": resolution, "creator_amount": creator_share},
    )
    notify(
        party_users(contract),
        kind="dispute_resolved",
        message=f"The dispute on contract #{contract.pk} was resolved: {resolution}.",
        obj=contract,
    )
    return dispute
