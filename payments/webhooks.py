"""Stripe webhooks: verify, store by event id before anything else, process in a task.

Processing is idempotent and tolerates duplicates, late and out-of-order events: an event is
a claim, so each money handler retrieves the object it names (PaymentIntent, charge, transfer,
account) from Stripe and applies what Stripe answers, only if it moves things forward."""

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import gateway, queue
from .gateway import GatewayRejected
from .locks import lock_event, lock_transfer_by_stripe_id
from .models import EventStatus, Payment, PayoutAccount, StripeEvent, WorkItemKind
from .selectors import pending_refund_ids_for_intent, refunds_asked, reversal_requested
from .services.booking import charge_id_of, payment_succeeded
from .services.common import move
from .services.funding import payment_failed
from .services.onboarding import payout_account_update
from .services.refunds import refund_enqueue
from .services.work_items import work_item_open

logger = logging.getLogger(__name__)
# A handler that keeps failing is retried this many times in all (its task's backoff, then
# the sweeps), then waits for staff in the admin's webhook log.
MAX_EVENT_ATTEMPTS = 5
# An event still pending this long after it was stored has lost its task: the next event
# received starts it again (at most this many at a time), so recovery does not wait for beat.
LOST_TASK_SECONDS = 30
LOST_TASK_BATCH = 5


def event_store(event: dict[str, Any]) -> tuple[StripeEvent, bool]:
    """Store a verified event; returns (event, created). A duplicate id is not stored twice."""
    existing = StripeEvent.objects.filter(stripe_id=event["id"]).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                stripe_id=event["id"],
                type=event.get("type", ""),
                account=event.get("account") or "",
                livemode=bool(event.get("livemode")),
                created=datetime.fromtimestamp(int(event.get("created", 0)), tz=UTC),
                payload=event,
            )
    except IntegrityError:
        return StripeEvent.objects.get(stripe_id=event["id"]), False
    # The sender already has its 200: if queueing or (without a broker) processing fails, the
    # event stays pending or failed for the periodic retry and the admin's reprocess action.
    queue.enqueue_logged(queue.PROCESS_STRIPE_EVENT, stored.pk)
    for lost in events_lost(exclude=stored.pk):
        queue.enqueue_logged(queue.PROCESS_STRIPE_EVENT, lost)
    return stored, True


def events_lost(*, exclude: int | None = None) -> list[int]:
    """Stored events still pending with no attempt LOST_TASK_SECONDS after they arrived (their
    task was lost with a worker or a broker): a few at a time, oldest first."""
    cutoff = timezone.now() - timedelta(seconds=LOST_TASK_SECONDS)
    lost = StripeEvent.objects.filter(
        status=EventStatus.PENDING, attempts=0, received_at__lte=cutoff
    ).order_by("received_at")
    if exclude is not None:
        lost = lost.exclude(pk=exclude)
    return list(lost.values_list("pk", flat=True)[:LOST_TASK_BATCH])


def _metadata_id(obj: dict[str, Any], key: str) -> int | None:
    value = (obj.get("metadata") or {}).get(key)
    return int(value) if value and str(value).isdigit() else None


def _stripe_metadata_id(stripe_object: Any, key: str) -> int | None:
    """An id from the metadata of an object Stripe answered with (a StripeObject or a dict)."""
    metadata = getattr(stripe_object, "metadata", None)
    plain = metadata.to_dict() if hasattr(metadata, "to_dict") else metadata or {}
    return _metadata_id({"metadata": plain}, key)


def _intent_at_stripe(intent_id: str) -> Any | None:
    """The PaymentIntent as Stripe holds it now, or None if Stripe does not know it (a forged
    or foreign id). An outage raises, so the event fails and is retried."""
    try:
        return gateway.retrieve_payment_intent(intent_id)
    except GatewayRejected as exc:
        if gateway.is_missing(exc):
            return None
        raise


def _book_intent(intent: Any) -> str:
    payment = payment_succeeded(
        intent_id=intent.id,
        contract_id=_stripe_metadata_id(intent, "contract_id"),
        charge_id=charge_id_of(intent),
        amount=int(intent.amount),
        currency=str(intent.currency),
        payment_id=_stripe_metadata_id(intent, "payment_id"),
    )
    return "funded" if payment is not None else "no matching payment"


def _payment_intent_succeeded(event: StripeEvent, obj: dict[str, Any]) -> str:
    # A signed event is still only a claim: the money is booked from what Stripe answers
    # now, so a forged or replayed success for an intent that did not succeed books nothing.
    intent = _intent_at_stripe(obj["id"])
    if intent is None:
        logger.error("payment_intent.succeeded for %s, unknown to Stripe", obj["id"])
        return "unknown to Stripe: nothing booked"
    if intent.status != "succeeded":
        logger.error(
            "payment_intent.succeeded for %s, which Stripe says is %s", intent.id, intent.status
        )
        return f"Stripe says the intent is {intent.status}: nothing booked"
    return _book_intent(intent)


def _payment_intent_failed(event: StripeEvent, obj: dict[str, Any]) -> str:
    intent = _intent_at_stripe(obj["id"])
    if intent is None:
        return "unknown to Stripe: nothing recorded"
    if intent.status == "succeeded":
        # A late failure of an earlier attempt: the intent has been paid since.
        return _book_intent(intent)
    error = getattr(intent, "last_payment_error", None) or obj.get("last_payment_error") or {}
    message = getattr(error, "message", None) or (
        error.get("message") if isinstance(error, dict) else None
    )
    payment = payment_failed(intent_id=intent.id, message=message or "payment failed")
    return "recorded" if payment is not None else "no matching payment"


def _account_updated(event: StripeEvent, obj: dict[str, Any]) -> str:
    # The event's flags are only a claim (forged, replayed or overtaken by a later change):
    # payouts are enabled from the account as Stripe holds it now.
    account = account_confirm(obj["id"])
    if account is None:
        return "unknown account: nothing changed"
    return f"flags from Stripe: payouts {'enabled' if account.payouts_enabled else 'disabled'}"


ACCOUNT_FLAGS = ("charges_enabled", "payouts_enabled", "details_submitted")


def account_confirm(account_id: str) -> PayoutAccount | None:
    """Read a connected account from Stripe and apply its flags as of the moment we asked
    (a later read wins over an earlier one); the payouts waiting for it are released when it
    can be paid. None if Stripe or we do not know the account (nothing changes); an outage
    raises, so the event fails and is retried."""
    asked_at = timezone.now()
    try:
        account = gateway.retrieve_account(account_id)
    except GatewayRejected as exc:
        if gateway.is_missing(exc):
            logger.error("account %s is unknown to Stripe: nothing changed", account_id)
            return None
        raise
    return payout_account_update(
        stripe_account_id=account.id,
        creator_id=_stripe_metadata_id(account, "creator_id"),
        flags={k: bool(getattr(account, k, False)) for k in ACCOUNT_FLAGS},
        as_of=asked_at,
    )


def _charge_refunded(event: StripeEvent, obj: dict[str, Any]) -> str:
    # Our refunds are recorded when the API call returns; this confirms them and completes any
    # whose answer was lost, by replaying the same idempotent call.
    intent_id = obj.get("payment_intent")
    pending = pending_refund_ids_for_intent(intent_id)
    for refund_id in pending:
        refund_enqueue(refund_id=refund_id)
    result = f"{len(pending)} pending refunds re-checked"
    try:
        charge = gateway.retrieve_charge(obj["id"])
    except GatewayRejected as exc:
        if gateway.is_missing(exc):
            return f"{result}; charge unknown to Stripe"
        raise
    payment = (
        Payment.objects.filter(stripe_payment_intent_id=intent_id).first() if intent_id else None
    )
    asked = refunds_asked(payment.pk) if payment is not None else 0
    refunded = int(charge.amount_refunded or 0)
    if refunded > asked:
        # Every refund we make has its row before Stripe is called: more refunded than our
        # rows ask for was refunded outside Reelmatch (the dashboard, Stripe itself).
        currency = str(charge.currency).upper()
        work_item_open(
            key=f"charge-refunded-{charge.id}-{refunded}",
            kind=WorkItemKind.CHARGE_REFUNDED,
            message=(
                f"Charge {charge.id} (payment {payment.pk if payment else '-'}, contract "
                f"#{payment.contract_id if payment else '-'}) was refunded {refunded - asked} "
                f"{currency} more than Reelmatch asked ({asked}): the ledger does not know it. "
                "Check the refund in Stripe; record it with a staff refund or reverse it."
            ),
            amount=refunded - asked,
            currency=currency,
            stripe_object=charge.id,
            stripe_event=event.stripe_id,
            contract_id=payment.contract_id if payment else None,
            payment_id=payment.pk if payment else None,
        )
        return f"{result}; {refunded - asked} {currency} refunded outside Reelmatch: work item"
    return result


def _transfer_reversed(event: StripeEvent, obj: dict[str, Any]) -> str:
    try:
        stripe_transfer = gateway.retrieve_transfer(obj["id"])
    except GatewayRejected as exc:
        if gateway.is_missing(exc):
            return "unknown to Stripe"
        raise
    reversed_amount = int(stripe_transfer.amount_reversed or 0)
    with transaction.atomic():
        transfer = lock_transfer_by_stripe_id(stripe_transfer.id)
        if transfer is None:
            return "unknown transfer"
        asked = transfer.amount_reversed
        if asked < transfer.amount and reversal_requested(transfer.milestone_id):
            asked = transfer.amount  # our refund after payout is reversing it right now
        if reversed_amount <= asked:
            return "already recorded"
        extra = reversed_amount - asked
        work_item_open(
            key=f"transfer-reversed-{stripe_transfer.id}-{reversed_amount}",
            kind=WorkItemKind.TRANSFER_REVERSED,
            message=(
                f"Transfer {stripe_transfer.id} (payout {transfer.pk} of milestone "
                f"{transfer.milestone_id}, contract #{transfer.contract_id}) was reversed by "
                f"{extra} {transfer.currency} outside Reelmatch: the creator lost money the "
                "ledger says they have. Check it in Stripe; pay it again or refund the brand."
            ),
            amount=extra,
            currency=transfer.currency,
            stripe_object=stripe_transfer.id,
            stripe_event=event.stripe_id,
            contract_id=transfer.contract_id,
            milestone_id=transfer.milestone_id,
            transfer_id=transfer.pk,
        )
    return "reversed outside Reelmatch: work item for staff"


def _dispute(event: StripeEvent, obj: dict[str, Any]) -> str:
    intent_id = obj.get("payment_intent")
    payment = (
        Payment.objects.filter(stripe_payment_intent_id=intent_id).first() if intent_id else None
    )
    currency = str(obj.get("currency", "")).upper()
    amount = int(obj.get("amount") or 0)
    what = event.type.removeprefix("charge.dispute.")
    work_item_open(
        key=f"{event.type}-{obj.get('id', event.stripe_id)}",
        kind=WorkItemKind.DISPUTE,
        message=(
            f"Dispute {obj.get('id', '')} {what} ({obj.get('status', '')}, reason "
            f"{obj.get('reason', '-')}) on charge {obj.get('charge', '-')}: {amount} {currency} "
            f"of payment {payment.pk if payment else '-'}, contract "
            f"#{payment.contract_id if payment else '-'}. Answer it in Stripe before its deadline."
        ),
        amount=amount,
        currency=currency,
        stripe_object=str(obj.get("id", "")),
        stripe_event=event.stripe_id,
        contract_id=payment.contract_id if payment else None,
        payment_id=payment.pk if payment else None,
    )
    return f"dispute {what}: work item for staff"


HANDLERS = {
    "payment_intent.succeeded": _payment_intent_succeeded,
    "payment_intent.payment_failed": _payment_intent_failed,
    "account.updated": _account_updated,
    "charge.refunded": _charge_refunded,
    "transfer.reversed": _transfer_reversed,
    "charge.dispute.created": _dispute,
    "charge.dispute.updated": _dispute,
    "charge.dispute.closed": _dispute,
    "charge.dispute.funds_withdrawn": _dispute,
    "charge.dispute.funds_reinstated": _dispute,
}


def events_retry(*, older_than_seconds: int = 60, max_attempts: int = MAX_EVENT_ATTEMPTS) -> int:
    """Process again the events left pending or failed (a broker outage, a crash)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stale = StripeEvent.objects.filter(
        status__in=[EventStatus.PENDING, EventStatus.FAILED],
        received_at__lte=cutoff,
        attempts__lt=max_attempts,
    ).values_list("pk", flat=True)
    count = 0
    for event_pk in stale:
        event_process(event_pk=event_pk)
        count += 1
    return count


def event_process(*, event_pk: int, force: bool = False) -> StripeEvent:
    """Process one stored event once; a processed or ignored event is left as it is unless
    staff `force` it again (handlers are idempotent, so that is always safe)."""
    with transaction.atomic():
        event = lock_event(event_pk)
        if not force and event.status in (EventStatus.PROCESSED, EventStatus.IGNORED):
            return event
        event.attempts += 1
        handler = HANDLERS.get(event.type)
        if handler is None:
            to = EventStatus.IGNORED
            event.result = "no handler for this type"
        else:
            try:
                with transaction.atomic():
                    event.result = handler(event, event.payload["data"]["object"])[:300]
                to = EventStatus.PROCESSED
            except Exception as exc:  # noqa: BLE001 - recorded for staff; reprocess from admin
                logger.exception("processing %s failed", event.stripe_id)
                to = EventStatus.FAILED
                event.result = f"{type(exc).__name__}: {exc}"[:300]
        event.processed_at = timezone.now()
        move(
            event,
            to=to,
            allowed=StripeEvent.ALLOWED,
            verb="process_event",
            fields=["attempts", "result", "processed_at"],
        )
    return event
