"""Celery tasks: thin wrappers around services, each safe to run twice.

Services start them by name through `payments.queue` (the names live there).

A payout or refund that meets a Stripe outage (the service leaves it pending) is retried by its
task with exponential backoff and jitter, up to PAYMENTS_RETRY_MAX times; every retry makes
the same Stripe calls with the same idempotency keys, so it can never pay twice. Whatever is
still pending after that is swept by the `release-waiting-payouts` beat job. Run in process
(no broker) the task does not wait and retry: the in-process job sweep does.
"""

import random

from celery import Task, shared_task
from django.conf import settings

from . import queue
from .models import RefundStatus, TransferStatus
from .selectors import pending_refund_ids
from .services.deliveries import contracts_auto_approve
from .services.payouts import payout_release, payouts_release_due
from .services.refunds import refund_execute
from .webhooks import event_process, events_retry


def retry_countdown(retries: int) -> float:
    """Seconds before retry number `retries + 1`: 1, 2, 4 … capped, with up to 25% jitter so
    that work failed by one outage does not come back all at once."""
    base = min(float(settings.PAYMENTS_RETRY_BACKOFF_MAX), 2.0**retries)
    return base * (1 + random.random() / 4)


def retry_if_pending(task: Task, still_pending: bool) -> None:
    """Raise Celery's Retry when the work is still pending and retries are left."""
    request = task.request
    if still_pending and not request.is_eager and request.retries < settings.PAYMENTS_RETRY_MAX:
        raise task.retry(countdown=retry_countdown(request.retries), max_retries=None)


@shared_task(name=queue.PROCESS_STRIPE_EVENT)
def process_stripe_event(event_pk: int) -> str:
    return event_process(event_pk=event_pk).status


@shared_task(bind=True, name=queue.RELEASE_PAYOUT)
def release_payout(self: Task, transfer_id: int) -> str:
    transfer = payout_release(transfer_id=transfer_id)
    # Pending after a run means Stripe was unreachable (a refusal fails it, a missing account
    # makes it wait for the account).
    retry_if_pending(self, transfer.status == TransferStatus.PENDING)
    return transfer.status


@shared_task(name=queue.RELEASE_WAITING_PAYOUTS)
def release_waiting_payouts(creator_id: int | None = None) -> int:
    """Retry unpaid transfers and pending refunds (beat job; also when an account is ready)."""
    paid = payouts_release_due(creator_id=creator_id)
    if creator_id is None:
        for refund_id in pending_refund_ids():
            refund_execute(refund_id=refund_id)
    return paid


@shared_task(bind=True, name=queue.EXECUTE_REFUND)
def execute_refund(self: Task, refund_id: int) -> str:
    refund = refund_execute(refund_id=refund_id)
    retry_if_pending(self, refund.status == RefundStatus.PENDING)
    return refund.status


@shared_task(name=queue.AUTO_APPROVE_DELIVERIES)
def auto_approve_deliveries() -> int:
    """Approve deliveries nobody reviewed within AUTO_APPROVE_AFTER (beat job)."""
    return contracts_auto_approve()


@shared_task(name=queue.RETRY_STRIPE_EVENTS)
def retry_stripe_events() -> int:
    """Process webhook events left pending or failed (beat job)."""
    return events_retry()
