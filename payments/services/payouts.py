"""Releasing a milestone's escrow to the creator and paying it out with one Stripe transfer per
milestone, exactly once."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from campaigns.matching.record import creator_track_record_refresh
from campaigns.models import (
    Contract,
    Milestone,
    MilestoneStatus,
)
from campaigns.selectors import contract_parties
from campaigns.services import contract_rights_extend, contract_rights_start_if_due
from creators.models import CreatorProfile
from marketplace import outbox
from marketplace.audit import notify, notify_staff, transition
from marketplace.errors import Conflict, ServiceUnavailable
from marketplace.listcache import lists_changed
from marketplace.locks import lock_one
from marketplace.models import User
from marketplace.money import format_money

from .. import gateway, ledger, queue
from ..errors import PaymentError
from ..gateway import GatewayRejected
from ..locks import lock_contract, lock_milestone, lock_transfer
from ..models import PaymentItem, PaymentStatus, PayoutAccount, Transfer, TransferStatus
from .common import (
    require_brand_member,
    sync_contract,
)

logger = logging.getLogger(__name__)
MAX_TRANSFER_ATTEMPTS = 5
OPEN_WORK = (
    MilestoneStatus.AWAITING_FUNDING,
    MilestoneStatus.FUNDED,
    MilestoneStatus.DELIVERED,
    MilestoneStatus.REVISION_REQUESTED,
    MilestoneStatus.DISPUTED,
)


def release_split(*, contract: Contract, milestone: Milestone, gross: int) -> tuple[int, int]:
    """The platform fee and the creator's net of releasing `gross` of a milestone: the
    milestone's own split for all of it, else the fee rate agreed at acceptance (not today's
    setting), rounded half up. The admin's previews use it, so they show what will be paid."""
    if gross == milestone.amount:
        return milestone.fee, milestone.creator_net
    fee = (gross * contract.fee_bps + 5000) // 10000
    return fee, gross - fee


def release_to_creator(
    *, contract: Contract, milestone: Milestone, gross: int, key: str
) -> Transfer:
    """Move `gross` of a milestone out of escrow: the creator's net to their payable, the fee
    to revenue, and create the milestone's transfer that will pay them. Runs inside the
    caller's transaction."""
    fee, net = release_split(contract=contract, milestone=milestone, gross=gross)
    lines = [
        (ledger.escrow(contract.pk), gross),
        (ledger.creator_payable(contract.creator_id), -net),
    ]
    if fee:
        lines.append((ledger.PLATFORM_REVENUE, -fee))
    ledger.post_entry(
        key=key,
        kind="release",
        currency=contract.currency,
        contract=contract,
        milestone=milestone,
        lines=lines,
        memo=f"milestone {milestone.position}",
    )
    transfer, _ = Transfer.objects.get_or_create(
        milestone=milestone,
        defaults={
            "contract": contract,
            "creator_id": contract.creator_id,
            "amount": net,
            "currency": contract.currency,
            "idempotency_key": f"transfer-milestone-{milestone.pk}",
        },
    )
    outbox.enqueue(queue.RELEASE_PAYOUT, transfer.pk)
    return transfer


def _record_completion(contract: Contract) -> None:
    """Count the contract in the creator's completed (and on-time) contracts once, when no
    deliverable milestone is left open."""
    if contract.completion_recorded:
        return
    if Milestone.objects.filter(
        contract=contract, requires_delivery=True, status__in=OPEN_WORK
    ).exists():
        return
    delivered = [
        d
        for d in Milestone.objects.filter(contract=contract).values_list("delivered_at", flat=True)
        if d is not None
    ]
    on_time = bool(delivered) and max(delivered) <= contract.delivery_deadline
    profile = lock_one(CreatorProfile.objects.all(), contract.creator_id)
    profile.completed_contracts += 1
    profile.on_time_contracts += 1 if on_time else 0
    profile.save(update_fields=["completed_contracts", "on_time_contracts", "updated_at"])
    contract.completion_recorded = True
    contract.save(update_fields=["completion_recorded", "updated_at"])
    # Matching's track-record evidence: a completed contract counts for its brief's tags.
    creator_track_record_refresh(creator_id=contract.creator_id)
    lists_changed("creators")


@transaction.atomic
def milestone_approve(
    *, actor: User | None, milestone_id: int, delivered_before: datetime | None = None
) -> Milestone:
    """A brand member approves a milestone's delivered work (or the system does, `actor=None`,
    for a delivery made before `delivered_before`): its escrow is released and its payout
    starts after commit."""
    contract, milestone = lock_milestone(milestone_id)
    if actor is not None:
        require_brand_member(actor, contract)
    elif delivered_before is not None and (
        milestone.delivered_at is None or milestone.delivered_at > delivered_before
    ):
        # Redelivered since the job picked it: the brand gets its full review period again.
        raise Conflict(
            "the latest delivery is still in its review period",
            code=PaymentError.REVIEW_PERIOD_RUNNING,
            current_state=milestone.status,
        )
    milestone.approved_at = timezone.now()
    transition(
        milestone, "approve" if actor else "auto_approve", actor=actor, fields=["approved_at"]
    )
    release_to_creator(
        contract=contract,
        milestone=milestone,
        gross=milestone.amount,
        key=f"approve-milestone-{milestone.pk}",
    )
    sync_contract(contract, actor=actor)
    contract_rights_start_if_due(contract, at=milestone.approved_at)
    _record_completion(contract)
    notify(
        contract_parties(contract),
        kind="contract_approved",
        message=f"Contract #{contract.pk}: milestone {milestone.position} was approved; the "
        "payout is on its way.",
        obj=contract,
    )
    return milestone


def milestone_release_without_delivery(*, contract: Contract, milestone: Milestone) -> None:
    """A funded milestone that needs no delivery (a rights extension) is approved and released
    at once, inside the funding's transaction; the usage term grows by the change order's
    months."""
    milestone.approved_at = timezone.now()
    transition(milestone, "release_without_delivery", actor=None, fields=["approved_at"])
    release_to_creator(
        contract=contract,
        milestone=milestone,
        gross=milestone.amount,
        key=f"approve-milestone-{milestone.pk}",
    )
    order = getattr(milestone, "change_order", None)
    months = getattr(order, "extension_months", None)
    if months:
        # Checked when proposed; the window's end (or, before it starts, its term) moves.
        contract_rights_extend(contract, months, None)
        contract.refresh_from_db()


def _charge_of(milestone_id: int) -> str:
    """The charge that funded the milestone (the transfer's source transaction)."""
    item = (
        PaymentItem.objects.filter(
            milestone_id=milestone_id, payment__status=PaymentStatus.SUCCEEDED
        )
        .select_related("payment")
        .order_by("payment_id")
        .first()
    )
    return item.payment.stripe_charge_id if item is not None else ""


def payout_release(*, transfer_id: int, force: bool = False) -> Transfer:
    """Pay a pending transfer through Stripe, once, whatever is retried or raced.

    Waits (status waiting_for_account) while the creator's account cannot receive payouts.
    Before creating a transfer it looks for one Stripe already made for the milestone (an
    earlier try whose answer was lost, even past Stripe's 24-hour key window); the idempotency
    key `transfer-milestone-<id>` covers the window in between. A transient failure leaves it
    pending for the next run; after MAX_TRANSFER_ATTEMPTS rejections only staff (`force`)
    retry it.
    """
    transfer, ready = _payout_ready(transfer_id, force=force)
    if ready is None:
        return transfer
    contract_id, destination, charge, attempt = ready
    try:
        made = [t for t in gateway.transfers_for_contract(contract_id) if _is_ours(t, transfer)]
        if made:
            return transfer_paid(transfer_id=transfer_id, stripe_transfer_id=made[0].id)
        stripe_transfer = gateway.create_transfer(
            key=transfer.idempotency_key,
            contract_id=contract_id,
            milestone_id=transfer.milestone_id,
            amount=transfer.amount,
            currency=transfer.currency,
            destination=destination,
            source_charge=charge,
            attempt=attempt,
        )
    except ServiceUnavailable:
        return _payout_unavailable(transfer_id)
    except GatewayRejected as exc:
        found = [t for t in _safe_list(contract_id) if _is_ours(t, transfer)]
        if not found:
            return _payout_rejected(transfer_id, attempt=attempt, message=exc.message)
        stripe_transfer = found[0]
    return transfer_paid(transfer_id=transfer_id, stripe_transfer_id=stripe_transfer.id)


def _payout_ready(
    transfer_id: int, *, force: bool
) -> tuple[Transfer, tuple[int, str, str, int] | None]:
    """Phase one, locked: the transfer and, when it is to be paid now, (contract id, the
    creator's account, the funding charge, the attempt number). None when it is paid, out of
    attempts, or waits for the creator's account (moved to waiting, the creator told)."""
    with transaction.atomic():
        transfer = Transfer.objects.get(pk=transfer_id)
        contract = lock_contract(transfer.contract_id)
        transfer = lock_transfer(transfer_id)
        if transfer.status == TransferStatus.PAID:
            return transfer, None
        if transfer.attempts >= MAX_TRANSFER_ATTEMPTS and not force:
            return transfer, None
        account = PayoutAccount.objects.filter(creator_id=transfer.creator_id).first()
        if account is None or not account.stripe_account_id or not account.payouts_enabled:
            if transfer.status != TransferStatus.WAITING_FOR_ACCOUNT:
                transition(transfer, "payout_wait_for_account", actor=None)
                notify(
                    contract_parties(contract, side="creator"),
                    kind="payout_waiting",
                    message=f"Finish your payout onboarding to receive your "
                    f"{format_money(transfer.amount, transfer.currency)}.",
                    obj=contract,
                )
            return transfer, None
        charge = _charge_of(transfer.milestone_id)
        return transfer, (contract.pk, account.stripe_account_id, charge, transfer.attempts)


def _payout_unavailable(transfer_id: int) -> Transfer:
    """Stripe could not be reached: still unpaid, the task retries with the same key. One that
    waited for the account is pending now (the account is ready, only Stripe failed)."""
    with transaction.atomic():
        locked = lock_transfer(transfer_id)
        if locked.status == TransferStatus.WAITING_FOR_ACCOUNT:
            transition(
                locked, "payout_retry", actor=None, data={"error": "payment provider unavailable"}
            )
        return locked


def _payout_rejected(transfer_id: int, *, attempt: int, message: str) -> Transfer:
    """Stripe refused the transfer and made none: count the attempt (once per attempt, whoever
    raced) and tell staff when no retry is left."""
    with transaction.atomic():
        locked = lock_transfer(transfer_id)
        if locked.status == TransferStatus.PAID or locked.attempts != attempt:
            return locked
        locked.attempts = attempt + 1
        locked.last_error = message[:300]
        transition(
            locked,
            "payout_failed",
            actor=None,
            fields=["attempts", "last_error"],
            data={"error": message[:300]},
        )
        if locked.attempts >= MAX_TRANSFER_ATTEMPTS:
            notify_staff(
                kind="transfer_failed",
                message=f"Payout {locked.pk} ({format_money(locked.amount, locked.currency)}) "
                f"of contract #{locked.contract_id} failed {locked.attempts} times and will "
                f"not be retried: {message}",
                obj=locked,
            )
        return locked


def _is_ours(stripe_transfer: object, transfer: Transfer) -> bool:
    """A Stripe transfer of the contract's group that pays this transfer: it names this
    milestone (one made before milestones names none and matches by amount), and no other
    transfer of ours recorded it."""
    metadata = getattr(stripe_transfer, "metadata", None) or {}
    named = metadata.get("milestone_id") if hasattr(metadata, "get") else None
    if named is not None and str(named) != str(transfer.milestone_id):
        return False
    if named is None and not transfer.idempotency_key.startswith("transfer-contract-"):
        return False
    return (
        getattr(stripe_transfer, "amount", None) == transfer.amount
        and str(getattr(stripe_transfer, "currency", "")).upper() == transfer.currency
        and not getattr(stripe_transfer, "reversed", False)
        and not Transfer.objects.filter(stripe_transfer_id=getattr(stripe_transfer, "id", ""))
        .exclude(pk=transfer.pk)
        .exists()
    )


def _safe_list(contract_id: int) -> list:
    try:
        return gateway.transfers_for_contract(contract_id)
    except (ServiceUnavailable, GatewayRejected):
        return []


def _entry_key(transfer: Transfer, prefix: str) -> str:
    """`payout-milestone-<id>` (or `payout-contract-<id>` for a transfer made before
    milestones): the ledger key follows the transfer's own key."""
    return f"{prefix}-{transfer.idempotency_key.removeprefix('transfer-')}"


@transaction.atomic
def transfer_paid(*, transfer_id: int, stripe_transfer_id: str) -> Transfer:
    """Record a transfer Stripe made: ledger payable → cash, milestone approved → paid."""
    transfer = Transfer.objects.get(pk=transfer_id)
    contract, milestone = lock_milestone(transfer.milestone_id)
    transfer = lock_transfer(transfer_id)
    if transfer.status == TransferStatus.PAID:
        return transfer
    transfer.stripe_transfer_id = stripe_transfer_id
    transfer.paid_at = timezone.now()
    transfer.last_error = ""
    transition(
        transfer, "payout", actor=None, fields=["stripe_transfer_id", "paid_at", "last_error"]
    )
    ledger.post_entry(
        key=_entry_key(transfer, "payout"),
        kind="payout",
        currency=transfer.currency,
        contract=contract,
        milestone=milestone,
        lines=[
            (ledger.creator_payable(transfer.creator_id), transfer.amount),
            (ledger.PLATFORM_CASH, -transfer.amount),
        ],
        memo=stripe_transfer_id,
    )
    if milestone.status == MilestoneStatus.APPROVED:
        milestone.paid_at = transfer.paid_at
        transition(milestone, "pay", actor=None, fields=["paid_at"])
        sync_contract(contract)
    notify(
        contract_parties(contract, side="creator"),
        kind="contract_paid",
        message=f"You were paid {format_money(transfer.amount, transfer.currency)} for contract "
        f"#{contract.pk} (milestone {milestone.position}).",
        obj=contract,
    )
    return transfer


def payout_ids_due(*, creator_id: int | None = None) -> list[int]:
    """The unpaid transfers (of one creator, or all) that may still be retried."""
    qs = Transfer.objects.exclude(status=TransferStatus.PAID).filter(
        attempts__lt=MAX_TRANSFER_ATTEMPTS
    )
    if creator_id is not None:
        qs = qs.filter(creator_id=creator_id)
    return list(qs.values_list("pk", flat=True))


def payouts_release_due(*, creator_id: int | None = None) -> int:
    """Retry every unpaid transfer (of one creator, or all); returns how many were paid now."""
    paid = 0
    for transfer_id in payout_ids_due(creator_id=creator_id):
        if payout_release(transfer_id=transfer_id).status == TransferStatus.PAID:
            paid += 1
    return paid
