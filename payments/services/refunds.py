"""Returning a milestone's money to the brand: mutual or staff refunds, and dispute resolutions.

The state change and the Refund row are written together; Stripe is called after commit and
the refund's ledger entry is posted when Stripe has made it. A refund after the creator was
paid first reverses the milestone's transfer. A refund never exceeds what was charged for its
milestone: several milestones funded by one charge are refunded separately, each up to its own
share of that charge (a partial refund of the PaymentIntent)."""

import logging

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from campaigns.models import (
    Contract,
    Dispute,
    Milestone,
    MilestoneStatus,
    Resolution,
)
from campaigns.selectors import contract_parties
from campaigns.services import contract_party_side, contract_rights_start_if_due
from marketplace import outbox
from marketplace.audit import audit_record, notify, notify_staff, transition
from marketplace.errors import CommonError, Conflict, InvalidInput, ServiceUnavailable
from marketplace.guards import require_staff
from marketplace.models import User
from marketplace.transitions import transition_target

from .. import gateway, ledger, queue
from ..errors import PaymentError
from ..gateway import GatewayRejected
from ..locks import lock_contract, lock_milestone, lock_open_dispute, lock_refund, lock_transfer
from ..models import (
    Payment,
    PaymentItem,
    PaymentStatus,
    Refund,
    RefundStatus,
    Transfer,
    TransferStatus,
)
from ..selectors import milestone_charged
from .common import sync_contract
from .money_words import amount_of, resolution_in_words, split_bounds
from .payouts import release_to_creator

logger = logging.getLogger(__name__)


def _refunded(**lookup: object) -> int:
    total = (
        Refund.objects.filter(**lookup)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or 0


def refund_start(
    *,
    contract: Contract,
    milestone: Milestone,
    amount: int,
    reason: str,
    actor: User | None,
    reverses_payout: bool = False,
    payment: Payment | None = None,
) -> Refund:
    """Create a pending refund of `amount` of a locked milestone; executed after commit.
    It comes out of `payment` (by default the one that funded the milestone) and never makes
    the milestone's refunds exceed what was charged for it, nor the payment's its amount.
    `reverses_payout` takes the milestone's transfer back first (a refund after payout)."""
    if payment is None:
        item = (
            PaymentItem.objects.filter(milestone=milestone, payment__status=PaymentStatus.SUCCEEDED)
            .select_related("payment")
            .order_by("payment_id")
            .first()
        )
        payment = item.payment if item is not None else None
    if payment is None or payment.status != PaymentStatus.SUCCEEDED:
        raise Conflict(
            "the milestone was never paid for",
            code=PaymentError.CONTRACT_NOT_PAID,
            current_state=milestone.status,
        )
    charged = milestone_charged(milestone.pk)
    if (
        amount <= 0
        or _refunded(milestone=milestone) + amount > charged
        or _refunded(payment=payment) + amount > payment.amount
    ):
        raise InvalidInput(
            "the refund exceeds what was paid for the milestone",
            code=PaymentError.REFUND_EXCEEDS_PAYMENT,
            field="amount",
        )
    refund = Refund.objects.create(
        contract=contract,
        milestone=milestone,
        payment=payment,
        amount=amount,
        currency=payment.currency,
        reason=reason,
        requested_by=actor,
        reverses_payout=reverses_payout,
    )
    audit_record(
        actor=actor,
        verb="refund_requested",
        obj=refund,
        after=RefundStatus.PENDING,
        data={"milestone": milestone.pk},
    )
    refund_enqueue(refund_id=refund.pk)
    return refund


def refund_enqueue(*, refund_id: int) -> None:
    """Execute the refund in a task once the current transaction commits (idempotent)."""
    outbox.enqueue(queue.EXECUTE_REFUND, refund_id)


def _reverse_payout_if_needed(milestone_id: int) -> None:
    """Before refunding a paid milestone, take the creator's transfer back (once)."""
    transfer = Transfer.objects.filter(
        milestone_id=milestone_id, status=TransferStatus.PAID
    ).first()
    if transfer is None or transfer.amount_reversed >= transfer.amount:
        return
    gateway.reverse_transfer(
        transfer_id=transfer.stripe_transfer_id,
        amount=transfer.amount,
        contract_id=transfer.contract_id,
        key=transfer.idempotency_key,
    )
    with transaction.atomic():
        contract, milestone = lock_milestone(milestone_id)
        transfer = lock_transfer(transfer.pk)
        if transfer.amount_reversed >= transfer.amount:
            return
        transfer.amount_reversed = transfer.amount
        transfer.save(update_fields=["amount_reversed", "updated_at"])
        # Only approved (paid) milestones are refunded after payout: the whole release (net to
        # the creator, fee to revenue) goes back to escrow.
        fee, gross = milestone.fee, milestone.amount
        lines = [(ledger.PLATFORM_CASH, transfer.amount), (ledger.escrow(contract.pk), -gross)]
        if fee:
            lines.append((ledger.PLATFORM_REVENUE, fee))
        # The transfer comes back and the release is undone: the money is in escrow again.
        ledger.post_entry(
            key=f"reverse-payout-{transfer.idempotency_key.removeprefix('transfer-')}",
            kind="reversal",
            currency=contract.currency,
            contract=contract,
            milestone=milestone,
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
            _reverse_payout_if_needed(refund.milestone_id)
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
                    "refund_failed",
                    actor=None,
                    fields=["last_error"],
                    data={"error": exc.message[:300]},
                )
                notify(
                    User.objects.filter(is_staff=True, is_active=True),
                    kind="refund_failed",
                    message=f"Refund {locked.pk} ({amount_of(locked)}) of contract "
                    f"#{locked.contract_id} failed: {exc.message}",
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
        refund, "refund", actor=None, fields=["stripe_refund_id", "succeeded_at", "last_error"]
    )
    ledger.post_entry(
        key=f"refund-{refund.pk}",
        kind="refund",
        currency=refund.currency,
        contract=contract,
        milestone=refund.milestone,
        lines=[(ledger.escrow(contract.pk), refund.amount), (ledger.PLATFORM_CASH, -refund.amount)],
        memo=stripe_refund_id,
    )
    notify(
        contract_parties(contract, side="brand"),
        kind="refund_succeeded",
        message=f"{amount_of(refund)} was refunded for contract #{contract.pk}.",
        obj=contract,
    )
    return refund


@transaction.atomic
def milestone_refund_request(*, actor: User, milestone_id: int) -> Milestone:
    """One party agrees to a refund of a funded milestone before delivery; when both have
    agreed the milestone is refunded in full."""
    contract, milestone = lock_milestone(milestone_id)
    side = contract_party_side(actor, contract)
    if milestone.status != MilestoneStatus.FUNDED:
        raise Conflict(
            f"cannot refund a milestone that is {milestone.status}",
            code=CommonError.INVALID_STATE,
            current_state=milestone.status,
        )
    field = f"refund_requested_by_{side}"
    if not getattr(milestone, field):
        setattr(milestone, field, True)
        milestone.save(update_fields=[field, "updated_at"])
        audit_record(
            actor=actor,
            verb="agree_refund",
            obj=milestone,
            before=milestone.status,
            after=milestone.status,
            data={"side": side},
        )
    if milestone.refund_requested_by_brand and milestone.refund_requested_by_creator:
        transition(milestone, "refund", actor=actor)
        refund_start(
            contract=contract,
            milestone=milestone,
            amount=milestone.amount,
            reason="mutual",
            actor=actor,
        )
        contract_rights_start_if_due(contract)
    else:
        notify(
            contract_parties(contract),
            kind="refund_requested",
            message=f"A refund of contract #{contract.pk}, milestone {milestone.position}, was "
            f"requested by the {side}; the other party must agree.",
            obj=contract,
        )
    sync_contract(contract, actor=actor)
    return milestone


@transaction.atomic
def milestone_refund_by_staff(*, actor: User, milestone_id: int, reason: str) -> Milestone:
    """Staff refund a funded or paid milestone in full (a paid one's transfer is reversed)."""
    require_staff(actor, what="refund a milestone")
    contract, milestone = lock_milestone(milestone_id)
    transition_target(milestone, "staff_refund")
    was_paid = milestone.status == MilestoneStatus.PAID
    transition(milestone, "staff_refund", actor=actor, data={"reason": reason})
    refund_start(
        contract=contract,
        milestone=milestone,
        amount=milestone.amount,
        reason="staff",
        actor=actor,
        reverses_payout=was_paid,
    )
    sync_contract(contract, actor=actor)
    contract_rights_start_if_due(contract)
    return milestone


@transaction.atomic
def milestone_dispute_open(*, actor: User, milestone_id: int, reason: str) -> Dispute:
    """Either party disputes a funded, delivered or revision-requested milestone; staff are
    told to resolve it."""
    contract, milestone = lock_milestone(milestone_id)
    contract_party_side(actor, contract)
    if not reason.strip():
        raise InvalidInput(
            "say what the dispute is about", code=CommonError.REASON_REQUIRED, field="reason"
        )
    transition(milestone, "dispute", actor=actor)
    dispute = Dispute.objects.create(
        contract=contract, milestone=milestone, opened_by=actor, reason=reason
    )
    sync_contract(contract, actor=actor)
    notify(
        contract_parties(contract),
        kind="contract_disputed",
        message=f"Contract #{contract.pk}, milestone {milestone.position}, is disputed; staff "
        "will resolve it.",
        obj=contract,
    )
    notify_staff(
        kind="dispute_opened",
        message=f"Contract #{contract.pk} was disputed: {reason.strip()[:200]}",
        obj=dispute,
    )
    return dispute


@transaction.atomic
def milestone_dispute_resolve(
    *,
    actor: User,
    milestone_id: int,
    resolution: str,
    creator_amount: int | None = None,
    note: str = "",
) -> Dispute:
    """Staff resolve a milestone's dispute: release all of it to the creator, refund all of it
    to the brand, or split (the creator's gross share `creator_amount`, the rest refunded).
    Fees apply to what the creator receives."""
    require_staff(actor, what="resolve disputes")
    contract, milestone = lock_milestone(milestone_id)
    dispute = lock_open_dispute(milestone)
    if dispute is None or milestone.status != MilestoneStatus.DISPUTED:
        raise Conflict(
            "the milestone has no open dispute",
            code=PaymentError.NO_OPEN_DISPUTE,
            current_state=milestone.status,
        )
    creator_share = _creator_share(milestone, resolution, creator_amount)
    transition(
        milestone,
        "resolve",
        actor=actor,
        data={"resolution": resolution, "creator_amount": creator_share},
    )
    if creator_share:
        release_to_creator(
            contract=contract,
            milestone=milestone,
            gross=creator_share,
            key=f"resolve-release-milestone-{milestone.pk}",
        )
    if creator_share < milestone.amount:
        refund_start(
            contract=contract,
            milestone=milestone,
            amount=milestone.amount - creator_share,
            reason=f"dispute_{resolution}",
            actor=actor,
        )
    _dispute_close(dispute, actor=actor, resolution=resolution, share=creator_share, note=note)
    sync_contract(contract, actor=actor)
    contract_rights_start_if_due(contract, at=dispute.resolved_at)
    notify(
        contract_parties(contract),
        kind="dispute_resolved",
        message=f"The dispute on contract #{contract.pk}, milestone {milestone.position}, was "
        f"resolved: {resolution} ({resolution_in_words(contract, milestone, creator_share)}).",
        obj=contract,
    )
    return dispute


def _creator_share(milestone: Milestone, resolution: str, creator_amount: int | None) -> int:
    """The creator's gross share of a disputed milestone under `resolution` (400 naming the
    field for a split outside its bounds or an unknown resolution)."""
    if resolution == Resolution.RELEASE:
        return milestone.amount
    if resolution == Resolution.REFUND:
        return 0
    if resolution != Resolution.SPLIT:
        raise InvalidInput(
            "resolution must be release, refund or split",
            code=PaymentError.RESOLUTION_INVALID,
            field="resolution",
        )
    if creator_amount is None or not 0 < creator_amount < milestone.amount:
        raise InvalidInput(
            f"the creator's gross share (creator_amount) must be {split_bounds(milestone)}",
            code=PaymentError.SPLIT_AMOUNT_INVALID,
            field="creator_amount",
        )
    return creator_amount


def _dispute_close(
    dispute: Dispute, *, actor: User, resolution: str, share: int, note: str
) -> None:
    """Record the decision on the dispute row and move it to resolved (audited)."""
    dispute.resolution = resolution
    dispute.creator_amount = share
    dispute.note = note
    dispute.resolved_by = actor
    dispute.resolved_at = timezone.now()
    transition(
        dispute,
        "resolve_dispute",
        actor=actor,
        fields=["resolution", "creator_amount", "note", "resolved_by", "resolved_at"],
        data={"resolution": resolution, "creator_amount": share},
    )
