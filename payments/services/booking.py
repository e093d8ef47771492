"""Booking a charge Stripe made: the payment is marked succeeded, each milestone it covers gets
its funding entry and is funded (a rights extension released at once).

Booking never refuses money. A milestone that can no longer be funded (cancelled meanwhile, a
rule such as the IP licence refusing it now) is cancelled and its share refunded in full; a
charge whose amount or currency is not the payment's is booked as received, refunded in full
and shown to staff as a work item, its milestones left awaiting funding. The rules that refuse
a booking (`funding_refusal_check`) are the ones funding checks before anything is charged."""

import logging

from django.db import transaction
from django.utils import timezone

from campaigns.models import Contract, Milestone, MilestoneStatus
from campaigns.selectors import contract_parties
from campaigns.services import rights_extension_funding_check
from marketplace.audit import notify, notify_staff, transition
from marketplace.errors import CommonError, Conflict, DomainError

from .. import ledger
from ..errors import PaymentError
from ..locks import lock_contract, lock_milestones, lock_payment
from ..models import Payment, PaymentItem, PaymentStatus, WorkItemKind
from .common import sync_contract
from .payouts import milestone_release_without_delivery
from .refunds import refund_start
from .work_items import work_item_open

logger = logging.getLogger(__name__)


def funding_refusal_check(contract: Contract, milestone: Milestone) -> None:
    """Everything that would refuse to book this milestone's funding, checked before anything
    is charged: a milestone no longer awaiting funding (cancelled, funded meanwhile: 409
    `invalid_state`) and a rights extension whose months no longer fit the IP licence with the
    extensions already agreed (409 `rights_outside_ip_licence`). Booking runs the same rules;
    money that still arrives for a milestone they refuse is refunded (`payment_succeeded`)."""
    if milestone.status != MilestoneStatus.AWAITING_FUNDING:
        raise Conflict(
            f"cannot fund milestone {milestone.pk}: it is {milestone.status}",
            code=CommonError.INVALID_STATE,
            current_state=milestone.status,
            milestone=milestone.pk,
        )
    if not milestone.requires_delivery:
        rights_extension_funding_check(contract, milestone)


def charge_id_of(intent: object) -> str:
    """The id of an intent's latest charge (expanded or not), or ""."""
    charge = getattr(intent, "latest_charge", None)
    if charge is None:
        return ""
    return charge if isinstance(charge, str) else getattr(charge, "id", "")


def _find_payment(
    intent_id: str, payment_id: int | None, contract_id: int | None
) -> Payment | None:
    payment = Payment.objects.filter(stripe_payment_intent_id=intent_id).first()
    if payment is None and payment_id is not None:
        payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None and contract_id is not None:
        # Our record of the intent id may not be saved yet: a contract's only payment is it.
        candidates = list(Payment.objects.filter(contract_id=contract_id)[:2])
        payment = candidates[0] if len(candidates) == 1 else None
    return payment


@transaction.atomic
def payment_succeeded(
    *,
    intent_id: str,
    contract_id: int | None,
    charge_id: str,
    amount: int,
    currency: str,
    payment_id: int | None = None,
) -> Payment | None:
    """Stripe confirmed a payment: mark it, post one funding entry per milestone it covers
    and fund each milestone still awaiting funding (a rights extension is released at once).
    Money is always booked as received: a milestone that no longer takes it (cancelled
    meanwhile) or that a rule now refuses to fund (its rights extension no longer fits the
    licence) has its share refunded in full, and the refused milestone is cancelled; a charge
    of another amount or currency than the payment's is refunded in full (`_book_mismatch`).

    Safe to call any number of times and in any order with the webhook: the second call finds
    the payment succeeded and changes nothing.
    """
    payment = _find_payment(intent_id, payment_id, contract_id)
    if payment is None:
        logger.warning("payment intent %s matches no payment", intent_id)
        return None
    contract = lock_contract(payment.contract_id)
    items = list(PaymentItem.objects.filter(payment_id=payment.pk))
    milestones = {m.pk: m for m in lock_milestones(contract, [i.milestone_id for i in items])}
    payment = lock_payment(payment.pk)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    if amount != payment.amount or currency.upper() != payment.currency:
        _book_mismatch(
            contract, payment, items, milestones, (intent_id, charge_id), (amount, currency)
        )
    else:
        _mark_succeeded(payment, intent_id, charge_id)
        funded = [
            _book_item(contract, payment, item, milestones[item.milestone_id]) for item in items
        ]
        _notify_funded(contract, [m for m in funded if m is not None])
    sync_contract(contract)
    return payment


def _mark_succeeded(
    payment: Payment, intent_id: str, charge_id: str, *, data: dict[str, object] | None = None
) -> None:
    payment.stripe_payment_intent_id = intent_id
    payment.stripe_charge_id = charge_id or payment.stripe_charge_id
    payment.succeeded_at = timezone.now()
    payment.last_error = ""
    transition(
        payment,
        "payment_succeeded",
        actor=None,
        fields=[
            "stripe_payment_intent_id",
            "stripe_charge_id",
            "succeeded_at",
            "last_error",
            "amount",
            "currency",
        ],
        data=data,
    )


def _post_funding(contract: Contract, payment: Payment, milestone: Milestone, amount: int) -> None:
    ledger.post_entry(
        key=f"fund-payment-{payment.pk}-milestone-{milestone.pk}",
        kind="funding",
        currency=payment.currency,
        contract=contract,
        milestone=milestone,
        lines=[(ledger.PLATFORM_CASH, amount), (ledger.escrow(contract.pk), -amount)],
        memo=f"payment {payment.stripe_payment_intent_id}: milestone {milestone.position}",
    )


def _book_item(
    contract: Contract, payment: Payment, item: PaymentItem, milestone: Milestone
) -> Milestone | None:
    """Book one milestone's share of a charge; answers the milestone if it is now funded."""
    _post_funding(contract, payment, milestone, item.amount)
    if milestone.status == MilestoneStatus.AWAITING_FUNDING:
        refusal = _fund_milestone(contract, milestone)
        if refusal is None:
            return milestone
        _refund_unbookable(contract, milestone, payment, item.amount, refusal)
        return None
    # Money arrived for a milestone that no longer takes it: return its share.
    logger.warning(
        "payment %s for milestone %s in state %s: refunding",
        payment.pk,
        milestone.pk,
        milestone.status,
    )
    refund_start(
        contract=contract,
        milestone=milestone,
        amount=item.amount,
        reason="late_payment",
        actor=None,
        payment=payment,
    )
    return None


def _notify_funded(contract: Contract, funded: list[Milestone]) -> None:
    if not funded:
        return
    names = ", ".join(str(m.position) for m in funded)
    notify(
        contract_parties(contract),
        kind="contract_funded",
        message=f"Contract #{contract.pk}: milestone {names} is funded; work can start.",
        obj=contract,
    )


def _fund_milestone(contract: Contract, milestone: Milestone) -> DomainError | None:
    """Move a paid milestone to funded (a rights extension is released at once), in a
    savepoint: a rule that refuses it (the rights no longer fit the licence) undoes only this
    milestone's booking and is answered, not raised, so the charge is still booked."""
    try:
        with transaction.atomic():
            funding_refusal_check(contract, milestone)
            milestone.funded_at = timezone.now()
            transition(milestone, "fund", actor=None, fields=["funded_at"])
            if not milestone.requires_delivery:
                milestone_release_without_delivery(contract=contract, milestone=milestone)
    except DomainError as exc:
        milestone.refresh_from_db()
        contract.refresh_from_db()
        return exc
    return None


def _refund_unbookable(
    contract: Contract, milestone: Milestone, payment: Payment, amount: int, refusal: DomainError
) -> None:
    """A charge arrived for a milestone that can no longer be funded: its share is booked as
    received (the caller posted the funding entry), the milestone is cancelled and the share
    refunded in full, like a late payment; both parties and staff are told why."""
    logger.warning(
        "payment %s for milestone %s cannot be booked (%s): refunding",
        payment.pk,
        milestone.pk,
        refusal.code,
    )
    transition(
        milestone,
        "cancel_unbookable",
        actor=None,
        data={"code": str(refusal.code), "message": refusal.message[:300], "payment": payment.pk},
    )
    refund_start(
        contract=contract,
        milestone=milestone,
        amount=amount,
        reason=f"unbookable:{refusal.code}"[:64],
        actor=None,
        payment=payment,
    )
    message = (
        f"Contract #{contract.pk}: the payment for milestone {milestone.position} arrived but "
        f"could not be booked ({refusal.message}); it is refunded in full and the milestone "
        "is cancelled."
    )
    notify(
        contract_parties(contract),
        kind="payment_refunded_unbookable",
        message=message,
        obj=contract,
    )
    notify_staff(kind="payment_refunded_unbookable", message=message, obj=milestone)


def mismatch_shares(expected: list[int], received: int) -> list[int]:
    """Split `received` over shares that summed to something else, in proportion, by
    cumulative rounding (so the parts sum exactly to `received`; a part may be 0)."""
    total, running, parts, before = sum(expected), 0, [], 0
    for share in expected:
        running += share
        upto = received * running // total
        parts.append(upto - before)
        before = upto
    return parts


def _book_mismatch(
    contract: Contract,
    payment: Payment,
    items: list[PaymentItem],
    milestones: dict[int, Milestone],
    stripe_ids: tuple[str, str],
    received: tuple[int, str],
) -> None:
    """Stripe charged another amount or currency than the payment asked (the intent changed
    at Stripe): the charge is booked as received (the payment takes Stripe's amount and
    currency, split over its milestones in proportion), refunded in full, and staff get a
    work item with both amounts. The milestones stay awaiting funding; the brand may fund
    them again (with a new PaymentIntent)."""
    (intent_id, charge_id), (amount, currency) = stripe_ids, received
    asked = f"{payment.amount} {payment.currency}"
    payment.amount, payment.currency = amount, currency.upper()
    _mark_succeeded(
        payment,
        intent_id,
        charge_id,
        data={"code": str(PaymentError.AMOUNT_MISMATCH), "asked": asked, "charged": amount},
    )
    shares = mismatch_shares([item.amount for item in items], amount)
    for item, share in zip(items, shares, strict=True):
        if share == 0:
            item.delete()
            continue
        PaymentItem.objects.filter(pk=item.pk).update(amount=share)
        milestone = milestones[item.milestone_id]
        _post_funding(contract, payment, milestone, share)
        refund_start(
            contract=contract,
            milestone=milestone,
            amount=share,
            reason=str(PaymentError.AMOUNT_MISMATCH),
            actor=None,
            payment=payment,
        )
    _open_mismatch_item(contract, payment, items, charge_id, asked)


def _open_mismatch_item(
    contract: Contract, payment: Payment, items: list[PaymentItem], charge_id: str, asked: str
) -> None:
    names = ", ".join(str(item.milestone_id) for item in items)
    message = (
        f"Payment {payment.pk} of contract #{contract.pk} (milestones {names}) asked for "
        f"{asked} but Stripe charged {payment.amount} {payment.currency} "
        f"({payment.stripe_payment_intent_id}, charge {charge_id or '-'}): booked as received "
        "and refunded in full; the milestones still await funding. Check in Stripe who "
        "changed the PaymentIntent."
    )
    work_item_open(
        key=f"charge-mismatch-{payment.stripe_payment_intent_id}",
        kind=WorkItemKind.CHARGE_MISMATCH,
        message=message,
        amount=payment.amount,
        currency=payment.currency,
        stripe_object=charge_id or payment.stripe_payment_intent_id or "",
        contract_id=contract.pk,
        payment_id=payment.pk,
    )
    notify(
        contract_parties(contract, side="brand"),
        kind="payment_refunded_mismatch",
        message=f"Contract #{contract.pk}: your payment of {payment.amount} "
        f"{payment.currency} did not match the {asked} asked and is refunded in full; fund "
        "the milestones again.",
        obj=contract,
    )
