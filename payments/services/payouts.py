"""Releasing escrow to the creator and paying it out with a Stripe transfer, exactly once."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from campaigns.models import Contract, ContractStatus
from creators.models import CreatorProfile
from marketplace.audit import notify, transition
from marketplace.errors import Conflict, ServiceUnavailable
from marketplace.listcache import lists_changed
from marketplace.locks import lock_one
from marketplace.models import User

from .. import gateway, ledger, queue
from ..errors import PaymentError
from ..gateway import GatewayRejected
from ..locks import lock_contract, lock_transfer
from ..models import PayoutAccount, Transfer, TransferStatus
from .common import after_contract_end, move, party_users, require_brand_member

logger = logging.getLogger(__name__)
MAX_TRANSFER_ATTEMPTS = 5


def release_to_creator(*, contract: Contract, gross: int, key: str) -> Transfer:
    """Move `gross` out of escrow: the creator's net to their payable, the fee to revenue, and
    create the transfer that will pay them. Runs inside the caller's transaction."""
    if gross == contract.amount:
        fee, net = contract.fee, contract.creator_net
    else:
        # The fee rate agreed at acceptance, not today's setting.
        fee = (gross * contract.fee_bps + 5000) // 10000
        net = gross - fee
    lines = [
        (ledger.escrow(contract.pk), gross),
        (ledger.creator_payable(contract.creator_id), -net),
    ]
    if fee:
        lines.append((ledger.PLATFORM_REVENUE, -fee))
    ledger.post_entry(
        key=key, kind="release", currency=contract.currency, contract=contract, lines=lines
    )
    transfer, _ = Transfer.objects.get_or_create(
        contract=contract,
        defaults={"creator_id": contract.creator_id, "amount": net, "currency": contract.currency},
    )
    queue.enqueue(queue.RELEASE_PAYOUT, transfer.pk)
    return transfer


def _record_completion(contract: Contract) -> None:
    on_time = (
        contract.delivered_at is not None and contract.delivered_at <= contract.delivery_deadline
    )
    profile = lock_one(CreatorProfile.objects.all(), contract.creator_id)
    profile.completed_contracts += 1
    profile.on_time_contracts += 1 if on_time else 0
    profile.save(update_fields=["completed_contracts", "on_time_contracts", "updated_at"])
    lists_changed("creators")


@transaction.atomic
def contract_approve(
    *, actor: User | None, contract_id: int, delivered_before: datetime | None = None
) -> Contract:
    """A brand member approves the delivered work (or the system does, `actor=None`, for a
    delivery made before `delivered_before`): escrow is released and the payout starts after
    commit."""
    contract = lock_contract(contract_id)
    if actor is not None:
        require_brand_member(actor, contract)
    elif delivered_before is not None and (
        contract.delivered_at is None or contract.delivered_at > delivered_before
    ):
        # Redelivered since the job picked it: the brand gets its full review period again.
        raise Conflict(
            "the latest delivery is still in its review period",
            code=PaymentError.REVIEW_PERIOD_RUNNING,
            current_state=contract.status,
        )
    contract.approved_at = timezone.now()
    transition(
        contract,
        to=ContractStatus.APPROVED,
        allowed=Contract.ALLOWED,
        actor=actor,
        verb="approve" if actor else "auto_approve",
        extra_fields=["approved_at"],
    )
    release_to_creator(
        contract=contract, gross=contract.amount, key=f"approve-contract-{contract.pk}"
    )
    _record_completion(contract)
    notify(
        party_users(contract),
        kind="contract_approved",
        message=f"Contract #{contract.pk} was approved; the payout is on its way.",
        obj=contract,
    )
    return contract


def payout_release(*, transfer_id: int, force: bool = False) -> Transfer:
    """Pay a pending transfer through Stripe, once, whatever is retried or raced.

    Waits (status waiting_for_account) while the creator's account cannot receive payouts.
    Before creating a transfer it looks for one Stripe already made for the contract (an
    earlier try whose answer was lost, even past Stripe's 24-hour key window); the idempotency
    key `transfer-contract-<id>` covers the window in between. A transient failure leaves it
    pending for the next run; after MAX_TRANSFER_ATTEMPTS rejections only staff (`force`)
    retry it.
    """
    with transaction.atomic():
        transfer = Transfer.objects.select_related("contract").get(pk=transfer_id)
        contract = lock_contract(transfer.contract_id)
        transfer = lock_transfer(transfer_id)
        if transfer.status == TransferStatus.PAID:
            return transfer
        if transfer.attempts >= MAX_TRANSFER_ATTEMPTS and not force:
            return transfer
        account = PayoutAccount.objects.filter(creator_id=transfer.creator_id).first()
        if account is None or not account.stripe_account_id or not account.payouts_enabled:
            if transfer.status != TransferStatus.WAITING_FOR_ACCOUNT:
                transition(
                    transfer,
                    to=TransferStatus.WAITING_FOR_ACCOUNT,
                    allowed=Transfer.ALLOWED,
                    actor=None,
                    verb="payout_wait_for_account",
                )
                notify(
                    [contract.creator.user],
                    kind="payout_waiting",
                    message="Finish your payout onboarding to receive your earnings.",
                    obj=contract,
                )
            return transfer
        destination = account.stripe_account_id
        charge = getattr(getattr(contract, "payment", None), "stripe_charge_id", "")
        attempt = transfer.attempts
    try:
        made = [t for t in gateway.transfers_for_contract(contract.pk) if _is_ours(t, transfer)]
        if made:
            return transfer_paid(transfer_id=transfer_id, stripe_transfer_id=made[0].id)
        stripe_transfer = gateway.create_transfer(
            contract_id=contract.pk,
            amount=transfer.amount,
            currency=transfer.currency,
            destination=destination,
            source_charge=charge,
            attempt=attempt,
        )
    except ServiceUnavailable:
        return transfer  # still pending; the next run retries with the same key
    except GatewayRejected as exc:
        found = [t for t in _safe_list(contract.pk) if _is_ours(t, transfer)]
        if not found:
            with transaction.atomic():
                locked = lock_transfer(transfer_id)
                if locked.status != TransferStatus.PAID and locked.attempts == attempt:
                    locked.attempts = attempt + 1
                    locked.last_error = exc.message[:300]
                    move(
                        locked,
                        to=TransferStatus.FAILED,
                        allowed=Transfer.ALLOWED,
                        verb="payout_failed",
                        fields=["attempts", "last_error"],
                        data={"error": exc.message[:300]},
                    )
                return locked
        stripe_transfer = found[0]
    return transfer_paid(transfer_id=transfer_id, stripe_transfer_id=stripe_transfer.id)


def _is_ours(stripe_transfer: object, transfer: Transfer) -> bool:
    """A Stripe transfer of this contract's group that pays this transfer."""
    return (
        getattr(stripe_transfer, "amount", None) == transfer.amount
        and str(getattr(stripe_transfer, "currency", "")).upper() == transfer.currency
        and not getattr(stripe_transfer, "reversed", False)
    )


def _safe_list(contract_id: int) -> list:
    try:
        return gateway.transfers_for_contract(contract_id)
    except (ServiceUnavailable, GatewayRejected):
        return []


@transaction.atomic
def transfer_paid(*, transfer_id: int, stripe_transfer_id: str) -> Transfer:
    """Record a transfer Stripe made: ledger payable → cash, contract approved → paid."""
    transfer = Transfer.objects.get(pk=transfer_id)
    contract = lock_contract(transfer.contract_id)
    transfer = lock_transfer(transfer_id)
    if transfer.status == TransferStatus.PAID:
        return transfer
    transfer.stripe_transfer_id = stripe_transfer_id
    transfer.paid_at = timezone.now()
    transfer.last_error = ""
    transition(
        transfer,
        to=TransferStatus.PAID,
        allowed=Transfer.ALLOWED,
        actor=None,
        verb="payout",
        extra_fields=["stripe_transfer_id", "paid_at", "last_error"],
    )
    ledger.post_entry(
        key=f"payout-contract-{contract.pk}",
        kind="payout",
        currency=transfer.currency,
        contract=contract,
        lines=[
            (ledger.creator_payable(transfer.creator_id), transfer.amount),
            (ledger.PLATFORM_CASH, -transfer.amount),
        ],
        memo=stripe_transfer_id,
    )
    if contract.status == ContractStatus.APPROVED:
        contract.paid_at = transfer.paid_at
        transition(
            contract,
            to=ContractStatus.PAID,
            allowed=Contract.ALLOWED,
            actor=None,
            verb="pay",
            extra_fields=["paid_at"],
        )
        after_contract_end(contract)
    notify(
        [contract.creator.user],
        kind="contract_paid",
        message=f"You were paid {transfer.amount} {transfer.currency} for contract #{contract.pk}.",
        obj=contract,
    )
    return transfer


def payouts_release_due(*, creator_id: int | None = None) -> int:
    """Retry every unpaid transfer (of one creator, or all); returns how many were paid now."""
    qs = Transfer.objects.exclude(status=TransferStatus.PAID).filter(
        attempts__lt=MAX_TRANSFER_ATTEMPTS
    )
    if creator_id is not None:
        qs = qs.filter(creator_id=creator_id)
    paid = 0
    for transfer_id in qs.values_list("pk", flat=True):
        if payout_release(transfer_id=transfer_id).status == TransferStatus.PAID:
            paid += 1
    return paid
