"""Funding milestones: one PaymentIntent per funding call, for one milestone or several of one
contract; each milestone is funded when Stripe says the payment succeeded, whichever of the
confirm answer or the webhook reports it first.

A milestone belongs to at most one funding that has not succeeded: a second call for the same
set reuses it (same PaymentIntent, same idempotency key), a call for an overlapping set is
refused (409 `funding_in_progress`), so no milestone is ever charged twice."""

import hashlib

from django.conf import settings
from django.db import transaction

from campaigns.errors import CampaignError
from campaigns.models import Contract, Milestone
from campaigns.selectors import brand_member_of_contract, contract_parties
from marketplace.audit import notify, transition
from marketplace.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    PaymentFailed,
)
from marketplace.models import User

from .. import gateway
from ..errors import PaymentError
from ..locks import lock_contract, lock_milestones, lock_payment, lock_payment_by_intent
from ..models import Payment, PaymentItem, PaymentStatus
from .booking import charge_id_of, funding_refusal_check, payment_succeeded
from .common import require_brand_member

MAX_KEY = 190


def _payment_key(contract: Contract, milestone_ids: list[int], *, only_one: bool) -> str:
    """`pi-contract-<id>` for a one-milestone contract (the key it had before milestones),
    else `pi-milestones-<sorted ids>` (hashed when long): one key per set of milestones."""
    if only_one:
        return f"pi-contract-{contract.pk}"
    key = "pi-milestones-" + "-".join(str(pk) for pk in sorted(milestone_ids))
    if len(key) > MAX_KEY:
        digest = hashlib.sha256(key.encode()).hexdigest()[:40]
        key = f"pi-milestones-{contract.pk}-{digest}"
    return key


def _book_if_charged(contract_id: int, milestone_ids: list[int]) -> None:
    """Before reusing or refusing a funding of these milestones, ask Stripe whether an earlier
    PaymentIntent for them has already succeeded (the browser confirmed it, the webhook is
    late or failed): book it now, so an already-charged intent's client secret is never
    handed out again and a refusal never leaves a charge unbooked."""
    intents = (
        Payment.objects.filter(contract_id=contract_id, items__milestone_id__in=milestone_ids)
        .exclude(status=PaymentStatus.SUCCEEDED)
        .exclude(stripe_payment_intent_id=None)
        .exclude(stripe_payment_intent_id="")
        .values_list("pk", "stripe_payment_intent_id")
        .distinct()
    )
    for payment_id, intent_id in intents:
        intent = gateway.retrieve_payment_intent(intent_id)
        if intent.status == "succeeded":
            payment_succeeded(
                intent_id=intent.id,
                contract_id=contract_id,
                charge_id=charge_id_of(intent),
                amount=intent.amount,
                currency=intent.currency,
                payment_id=payment_id,
            )


def _payment_get_or_create(actor: User, contract_id: int, milestone_ids: list[int]) -> Payment:
    """Find or create the funding of exactly these milestones, with the contract and the
    milestones locked (so concurrent calls serialise here)."""
    with transaction.atomic():
        contract = lock_contract(contract_id)
        require_brand_member(actor, contract)
        milestones = lock_milestones(contract, milestone_ids)
        if len(milestones) != len(set(milestone_ids)):
            raise InvalidInput(
                "name milestones of this contract",
                code=CampaignError.MILESTONES_INVALID,
                field="milestones",
            )
        for milestone in milestones:
            funding_refusal_check(contract, milestone)
        wanted = {m.pk for m in milestones}
        earlier = set(
            PaymentItem.objects.filter(milestone_id__in=wanted).values_list(
                "payment_id", "payment__status"
            )
        )
        pending = {pk for pk, status in earlier if status != PaymentStatus.SUCCEEDED}
        if pending:
            return _payment_pending(contract, pending, wanted)
        only_one = Milestone.objects.filter(contract=contract).count() == 1
        key = _payment_key(contract, sorted(wanted), only_one=only_one)
        # A charge refunded for not matching its payment spent that key: fund with a new one.
        spent = len(earlier)
        payment = Payment.objects.create(
            contract=contract,
            amount=sum(m.amount for m in milestones),
            currency=contract.currency,
            idempotency_key=f"{key}-again{spent}" if spent else key,
        )
        PaymentItem.objects.bulk_create(
            PaymentItem(payment=payment, milestone=m, amount=m.amount) for m in milestones
        )
        return payment  # the insert holds its lock until commit


def _payment_pending(contract: Contract, pending: set[int], wanted: set[int]) -> Payment:
    """The unfinished funding of exactly `wanted`, locked; 409 `funding_in_progress` when an
    unfinished funding covers other milestones too."""
    payment_id = next(iter(pending))
    covers = set(
        PaymentItem.objects.filter(payment_id=payment_id).values_list("milestone_id", flat=True)
    )
    if len(pending) == 1 and covers == wanted:
        return lock_payment(payment_id)
    raise Conflict(
        "a funding of other milestones including these is under way; complete it "
        "(fund the same milestones again) first",
        code=PaymentError.FUNDING_IN_PROGRESS,
        current_state=contract.status,
        pending_milestones=sorted(
            PaymentItem.objects.filter(payment_id__in=pending).values_list(
                "milestone_id", flat=True
            )
        ),
    )


def milestones_fund(
    *, actor: User, contract_id: int, milestone_ids: list[int], payment_method: str = ""
) -> Payment:
    """A brand member funds one or several milestones of a contract with one PaymentIntent.

    Everything that would refuse to book the funding is checked first
    (`funding_refusal_check`), so nothing is charged for what cannot be booked; an earlier
    intent for these milestones that Stripe has already charged is booked, never reused.
    Creates (once, idempotently) the PaymentIntent for their total with the contract's
    transfer group and returns the payment with its client secret. In test mode a
    `payment_method` such as `pm_card_visa` confirms at once; a decline raises PaymentFailed
    (402) and leaves the milestones awaiting funding. Stripe is called outside any transaction.
    """
    if payment_method and not settings.STRIPE_TEST_MODE:
        raise InvalidInput(
            "payment_method is accepted only in test mode",
            code=PaymentError.TEST_MODE_ONLY,
            field="payment_method",
        )
    if not milestone_ids:
        raise InvalidInput(
            "name at least one milestone", code=CampaignError.MILESTONES_INVALID, field="milestones"
        )
    # Only the brand's members may make us ask Stripe; the reservation checks again (and
    # answers 404 for a contract that does not exist).
    if brand_member_of_contract(actor, contract_id):
        _book_if_charged(contract_id, milestone_ids)
    elif Contract.objects.filter(pk=contract_id).exists():
        raise Forbidden(
            "only members of the contract's brand may do this", code=CampaignError.NOT_BRAND_MEMBER
        )
    payment = _payment_get_or_create(actor, contract_id, milestone_ids)
    if not payment.stripe_payment_intent_id:
        payment = _intent_create(actor, payment, milestone_ids)
    if payment_method:
        return _intent_confirm(payment, payment_method)
    payment.refresh_from_db()
    return payment


def _intent_create(actor: User, payment: Payment, milestone_ids: list[int]) -> Payment:
    """Phase two, outside any transaction: create the PaymentIntent (idempotent by the
    payment's key) and record it on the payment, unless a concurrent call already did."""
    contract = payment.contract
    intent = gateway.create_payment_intent(
        contract_id=contract.pk,
        amount=payment.amount,
        currency=payment.currency,
        brand_id=contract.brand_id,
        key=payment.idempotency_key,
        payment_id=payment.pk,
        milestone_ids=sorted(set(milestone_ids)),
    )
    with transaction.atomic():
        payment = lock_payment(payment.pk)
        if not payment.stripe_payment_intent_id:
            payment.stripe_payment_intent_id = intent.id
            payment.client_secret = intent.client_secret or ""
            fields = ["stripe_payment_intent_id", "client_secret"]
            if payment.status == PaymentStatus.CREATING:
                transition(payment, "payment_intent_created", actor=actor, fields=fields)
            else:  # a confirmation raced ahead of this answer: keep its status
                payment.save(update_fields=[*fields, "updated_at"])
    return payment


def _intent_confirm(payment: Payment, payment_method: str) -> Payment:
    """Phase three (test mode): confirm with `payment_method` and book a success at once; a
    decline spends the attempt's key and raises PaymentFailed (402)."""
    attempt = payment.confirm_attempts
    try:
        intent = gateway.confirm_payment_intent(
            intent_id=payment.stripe_payment_intent_id,
            payment_method=payment_method,
            key=payment.idempotency_key,
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
    if intent.status != "succeeded":
        payment.refresh_from_db()
        return payment
    booked = payment_succeeded(
        intent_id=intent.id,
        contract_id=payment.contract_id,
        charge_id=charge_id_of(intent),
        amount=intent.amount,
        currency=intent.currency,
        payment_id=payment.pk,
    )
    return booked or payment


@transaction.atomic
def payment_failed(*, intent_id: str, message: str) -> Payment | None:
    """Record a failed payment attempt (its milestones stay awaiting funding)."""
    payment = lock_payment_by_intent(intent_id)
    if payment is None or payment.status == PaymentStatus.SUCCEEDED:
        return payment
    payment.last_error = message[:300]
    transition(payment, "payment_failed", actor=None, fields=["last_error"])
    contract = payment.contract
    notify(
        contract_parties(contract, side="brand"),
        kind="payment_failed",
        message=f"Payment for contract #{contract.pk} failed: {message}",
        obj=contract,
    )
    return payment
