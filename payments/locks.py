"""Row locks of the money paths, built on marketplace.locks (primary-key order, of=self).

Every service locks the contract first, then its milestones (in primary-key order), then its
payment, transfer or refund, so two services that touch the same contract always take their
locks in the same order."""

from collections.abc import Iterable

from campaigns.locks import lock_contract
from campaigns.models import Contract, Dispute, DisputeStatus, Milestone
from marketplace.errors import NotFound
from marketplace.locks import lock_one, lock_rows

from .errors import PaymentError
from .models import Payment, PayoutAccount, Refund, StripeEvent, Transfer


def lock_milestone(milestone_id: int) -> tuple[Contract, Milestone]:
    """A milestone and its contract, both locked (the contract first); NotFound if gone."""
    contract_id = (
        Milestone.objects.filter(pk=milestone_id).values_list("contract_id", flat=True).first()
    )
    if contract_id is None:
        raise NotFound("no such milestone", code=PaymentError.MILESTONE_NOT_FOUND)
    contract = lock_contract(contract_id)
    return contract, lock_one(Milestone.objects.all(), milestone_id)


def lock_milestones(contract: Contract, ids: Iterable[int]) -> list[Milestone]:
    """The named milestones of a locked contract, locked in primary-key order (only those that
    belong to it)."""
    return lock_rows(Milestone.objects.filter(contract=contract, pk__in=list(ids)))


def lock_payment(pk: int) -> Payment:
    """A payment row, locked (after its contract)."""
    return lock_one(Payment.objects.all(), pk)


def lock_payment_by_intent(intent_id: str) -> Payment | None:
    """The payment of a PaymentIntent, locked, or None."""
    return (
        Payment.objects.select_for_update(of=("self",))
        .filter(stripe_payment_intent_id=intent_id)
        .first()
    )


def lock_transfer(pk: int) -> Transfer:
    """A transfer row, locked (after its contract)."""
    return lock_one(Transfer.objects.all(), pk)


def lock_transfer_by_stripe_id(stripe_transfer_id: str) -> Transfer | None:
    """The transfer Stripe knows by `stripe_transfer_id`, locked, or None."""
    rows = lock_rows(Transfer.objects.filter(stripe_transfer_id=stripe_transfer_id))
    return rows[0] if rows else None


def lock_refund(pk: int) -> Refund:
    """A refund row, locked (after its contract)."""
    return lock_one(Refund.objects.all(), pk)


def lock_open_dispute(milestone: Milestone) -> Dispute | None:
    """The open dispute of a locked milestone, locked, or None."""
    rows = lock_rows(Dispute.objects.filter(milestone=milestone, status=DisputeStatus.OPEN))
    return rows[0] if rows else None


def lock_payout_account(pk: int) -> PayoutAccount:
    """A payout account row, locked."""
    return lock_one(PayoutAccount.objects.all(), pk)


def lock_payout_account_by(**lookup: object) -> PayoutAccount | None:
    """The payout account matching `lookup` (stripe_account_id=... or creator_id=...), locked."""
    rows = lock_rows(PayoutAccount.objects.filter(**lookup))
    return rows[0] if rows else None


def lock_event(pk: int) -> StripeEvent:
    """A stored webhook event, locked while it is processed."""
    return lock_one(StripeEvent.objects.all(), pk)
