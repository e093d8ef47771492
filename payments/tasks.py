"""Celery tasks: thin wrappers around services, each safe to run twice.

Services start them by name through `payments.queue` (the names live there)."""

from celery import shared_task

from . import queue
from .selectors import pending_refund_ids
from .services.deliveries import contracts_auto_approve
from .services.payouts import payout_release, payouts_release_due
from .services.refunds import refund_execute
from .webhooks import event_process, events_retry


@shared_task(name=queue.PROCESS_STRIPE_EVENT)
def process_stripe_event(event_pk: int) -> str:
    return event_process(event_pk=event_pk).status


@shared_task(name=queue.RELEASE_PAYOUT)
def release_payout(transfer_id: int) -> str:
    return payout_release(transfer_id=transfer_id).status


@shared_task(name=queue.RELEASE_WAITING_PAYOUTS)
def release_waiting_payouts(creator_id: int | None = None) -> int:
    """Retry unpaid transfers and pending refunds (beat job; also when an account is ready)."""
    paid = payouts_release_due(creator_id=creator_id)
    if creator_id is None:
        for refund_id in pending_refund_ids():
            refund_execute(refund_id=refund_id)
    return paid


@shared_task(name=queue.EXECUTE_REFUND)
def execute_refund(refund_id: int) -> str:
    return refund_execute(refund_id=refund_id).status


@shared_task(name=queue.AUTO_APPROVE_DELIVERIES)
def auto_approve_deliveries() -> int:
    """Approve deliveries nobody reviewed within AUTO_APPROVE_AFTER (beat job)."""
    return contracts_auto_approve()


@shared_task(name=queue.RETRY_STRIPE_EVENTS)
def retry_stripe_events() -> int:
    """Process webhook events left pending or failed (beat job)."""
    return events_retry()
