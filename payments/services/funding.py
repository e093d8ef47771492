"""Funding a contract: a PaymentIntent per contract; the contract is funded when Stripe says the
payment succeeded, whichever of the confirm answer or the webhook reports it first."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from campaigns.models import Contract, ContractStatus
from marketplace.audit import notify, transition
from marketplace.errors import Conflict, InvalidInput, PaymentFailed
from marketplace.models import User

from .. import gateway, ledger
from ..errors import PaymentError
from ..locks import lock_contract, lock_payment, lock_payment_by_intent
from ..models import Payment, PaymentStatus
from .common import move, party_users, require_brand_member
from .refunds import refund_start

logger = logging.getLogger(__name__)


def _reserve_payment(actor: User, contract_id: int) -> tuple[Contract, Payment]:
    with transaction.atomic():
        contract = lock_contract(contract_id)
        require_brand_member(actor, contract)
        if contract.status != ContractStatus.AWAITING_FUNDING:
            raise Conflict(
                f"cannot fund a contract that is {contract.status}",
                code=PaymentError.INVALID_STATE,
                current_state=contract.status,
            )
        payment, _ = Payment.objects.get_or_create(
            contract=contract, defaults={"amount": contract.amount, "currency": contract.currency}
        )
        return contract, lock_payment(payment.pk)


def contract_fund(*, actor: User, contract_id: int, payment_method: str = "") -> Payment:
    """A brand member funds an accepted contract.

    Creates (once, idempotently) the PaymentIntent for the contract amount with the contract's
    transfer group, and returns the payment with its client secret. In test mode a
    `payment_method` such as `pm_card_visa` confirms at once; a decline raises PaymentFailed
    (402) and leaves the contract awaiting funding. Stripe is called outside any transaction.
    """
    if payment_method and not settings.STRIPE_TEST_MODE:
        raise InvalidInput(
            "payment_method is accepted only in test mode",
            code=PaymentError.TEST_MODE_ONLY,
            field="payment_method",
        )
    contract, payment = _reserve_payment(actor, contract_id)
    if not payment.stripe_payment_intent_id:
        intent = gateway.create_payment_intent(
            contract_id=contract.pk,
            amount=contract.amount,
            currency=contract.currency,
            brand_id=contract.brand_id,
        )
        with transaction.atomic():
            payment = lock_payment(payment.pk)
            if not payment.stripe_payment_intent_id:
                payment.stripe_payment_intent_id = intent.id
                payment.client_secret = intent.client_secret or ""
                move(
                    payment,
                    to=(
                        PaymentStatus.REQUIRES_PAYMENT_METHOD
                        if payment.status == PaymentStatus.CREATING
                        else payment.status
                    ),
                    allowed=Payment.ALLOWED,
                    actor=actor,
                    verb="payment_intent_created",
                    fields=["stripe_payment_intent_id", "client_secret"],
                )
    if payment_method:
        attempt = payment.confirm_attempts
        try:
            intent = gateway.confirm_payment_intent(
                intent_id=payment.stripe_payment_intent_id,
                payment_method=payment_method,
                contract_id=contract.pk,
                attempt=attempt,
            )
        except PaymentFailed as exc:
            with transaction.atomic():
                locked = lock_payment(payment.pk)
                # A declined attempt's key is spent: the next try needs a new one.
                if locked.confirm_attempts == attempt:
                    locked.confirm_attempts = attempt + 1
                locked.last_error = exc.message[:300]
                locked.save()
            raise
        if intent.status == "succeeded":
            payment_succeeded(
                intent_id=intent.id,
                contract_id=contract.pk,
                charge_id=_charge_id(intent),
                amount=intent.amount,
                currency=intent.currency,
            )
    payment.refresh_from_db()
    return payment


def _charge_id(intent: object) -> str:
    charge = getattr(intent, "latest_charge", None)
    if charge is None:
        return ""
    return charge if isinstance(charge, str) else getattr(charge, "id", "")


@transaction.atomic
def payment_succeeded(
    *, intent_id: str, contract_id: int | None, charge_id: str, amount: int, currency: str
) -> Payment | None:
    """Stripe confirmed a contract's payment: mark it, fund the contract, post the ledger entry.

    Safe to call any number of times and in any order with the webhook: the second call finds
    the payment succeeded and changes nothing.
    """
    payment = Payment.objects.filter(stripe_payment_intent_id=intent_id).first()
    if payment is None and contract_id is not None:
        payment = Payment.objects.filter(contract_id=contract_id).first()
    if payment is None:
        logger.warning("payment intent %s matches no contract", intent_id)
        return None
    contract = lock_contract(payment.contract_id)
    payment = lock_payment(payment.pk)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    if amount != contract.amount or currency.upper() != contract.currency:
        raise Conflict(
            f"payment {intent_id} is {amount} {currency}, contract {contract.pk} is "
            f"{contract.amount} {contract.currency}",
            code=PaymentError.AMOUNT_MISMATCH,
        )
    payment.stripe_payment_intent_id = intent_id
    payment.stripe_charge_id = charge_id or payment.stripe_charge_id
    payment.succeeded_at = timezone.now()
    payment.last_error = ""
    transition(
        payment,
        to=PaymentStatus.SUCCEEDED,
        allowed=Payment.ALLOWED,
        actor=None,
        verb="payment_succeeded",
        extra_fields=["stripe_payment_intent_id", "stripe_charge_id", "succeeded_at", "last_error"],
    )
    ledger.post_entry(
        key=f"fund-contract-{contract.pk}",
        kind="funding",
        currency=contract.currency,
        contract=contract,
        lines=[
            (ledger.PLATFORM_CASH, contract.amount),
            (ledger.escrow(contract.pk), -contract.amount),
        ],
        memo=f"payment {intent_id}",
    )
    if contract.status == ContractStatus.AWAITING_FUNDING:
        contract.funded_at = timezone.now()
        transition(
            contract,
            to=ContractStatus.FUNDED,
            allowed=Contract.ALLOWED,
            actor=None,
            verb="fund",
            extra_fields=["funded_at"],
        )
        notify(
            party_users(contract),
            kind="contract_funded",
            message=f"Contract #{contract.pk} is funded: work can start.",
            obj=contract,
        )
    else:
        # Money arrived for a contract that no longer takes it (cancelled meanwhile): return it.
        logger.warning(
            "payment for contract %s in state %s: refunding", contract.pk, contract.status
        )
        refund_start(contract=contract, amount=contract.amount, reason="late_payment", actor=None)
    return payment


@transaction.atomic
def payment_failed(*, intent_id: str, message: str) -> Payment | None:
    """Record a failed payment attempt (the contract stays awaiting funding)."""
    payment = lock_payment_by_intent(intent_id)
    if payment is None or payment.status == PaymentStatus.SUCCEEDED:
        return payment
    payment.last_error = message[:300]
    move(
        payment,
        to=PaymentStatus.REQUIRES_PAYMENT_METHOD,
        allowed=Payment.ALLOWED,
        verb="payment_failed",
        fields=["last_error"],
    )
    contract = payment.contract
    notify(
        party_users(contract)[1:],
        kind="payment_failed",
        message=f"Payment for contract #{contract.pk} failed: {message}",
        obj=contract,
    )
    return payment
