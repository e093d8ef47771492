"""Stripe webhooks: verify, store by event id before anything else, process in a task.

Processing is idempotent and tolerates duplicates, late and out-of-order events: each handler
reads the state it needs from the event and applies it only if it moves things forward."""

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import queue
from .locks import lock_event, lock_transfer_by_stripe_id
from .models import EventStatus, StripeEvent
from .selectors import pending_refund_ids_for_intent
from .services.common import move
from .services.funding import payment_failed, payment_succeeded
from .services.onboarding import payout_account_update
from .services.refunds import refund_enqueue

logger = logging.getLogger(__name__)


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
    return stored, True


def _metadata_id(obj: dict[str, Any], key: str) -> int | None:
    value = (obj.get("metadata") or {}).get(key)
    return int(value) if value and str(value).isdigit() else None


def _payment_intent_succeeded(event: StripeEvent, obj: dict[str, Any]) -> str:
    charge = obj.get("latest_charge")
    charge_id = charge.get("id", "") if isinstance(charge, dict) else (charge or "")
    payment = payment_succeeded(
        intent_id=obj["id"],
        contract_id=_metadata_id(obj, "contract_id"),
        charge_id=charge_id,
        amount=int(obj["amount"]),
        currency=obj["currency"],
        payment_id=_metadata_id(obj, "payment_id"),
    )
    return "funded" if payment is not None else "no matching payment"


def _payment_intent_failed(event: StripeEvent, obj: dict[str, Any]) -> str:
    error = obj.get("last_payment_error") or {}
    payment = payment_failed(intent_id=obj["id"], message=error.get("message", "payment failed"))
    return "recorded" if payment is not None else "no matching payment"


def _account_updated(event: StripeEvent, obj: dict[str, Any]) -> str:
    account = payout_account_update(
        stripe_account_id=obj["id"],
        creator_id=_metadata_id(obj, "creator_id"),
        flags={
            k: bool(obj.get(k)) for k in ("charges_enabled", "payouts_enabled", "details_submitted")
        },
        as_of=event.created,
    )
    return "flags updated" if account is not None else "unknown account"


def _charge_refunded(event: StripeEvent, obj: dict[str, Any]) -> str:
    # Our refunds are recorded when the API call returns; this confirms them and completes any
    # whose answer was lost, by replaying the same idempotent call.
    pending = pending_refund_ids_for_intent(obj.get("payment_intent"))
    for refund_id in pending:
        refund_enqueue(refund_id=refund_id)
    return f"{len(pending)} pending refunds re-checked"


def _transfer_reversed(event: StripeEvent, obj: dict[str, Any]) -> str:
    with transaction.atomic():
        transfer = lock_transfer_by_stripe_id(obj["id"])
        if transfer is None:
            return "unknown transfer"
        reversed_amount = int(obj.get("amount_reversed", 0))
        if reversed_amount > transfer.amount_reversed:
            # Reversed outside our flow (the dashboard): staff must reconcile by hand.
            logger.error("transfer %s reversed outside Reelmatch", obj["id"])
            return "reversed outside Reelmatch: needs staff review"
    return "already recorded"


HANDLERS = {
    "payment_intent.succeeded": _payment_intent_succeeded,
    "payment_intent.payment_failed": _payment_intent_failed,
    "account.updated": _account_updated,
    "charge.refunded": _charge_refunded,
    "transfer.reversed": _transfer_reversed,
}


def events_retry(*, older_than_seconds: int = 60, max_attempts: int = 5) -> int:
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
