"""Celery tasks: thin wrappers around services, each safe to run twice.

Services start them by name through `payments.queue` (the names live there).

A payout or refund that meets a Stripe outage (the service leaves it pending) is retried by its
task with exponential backoff and jitter, up to PAYMENTS_RETRY_MAX times; every retry makes
the same Stripe calls with the same idempotency keys, so it can never pay twice. The same
holds for a webhook event whose handler failed, and for the payouts released when a creator's
account becomes able to receive them (each its own retrying task). Whatever is still pending
after that is swept by the beat jobs, which also ask Stripe directly (`poll_stripe`) and
alert staff about work that waited too long: beat is the safety net, not the path. Run in process
(no broker) the task does not wait and retry: the in-process job sweep does.
"""

import random
from dataclasses import asdict

from celery import Task, shared_task
from django.conf import settings

from marketplace import outbox

from . import queue
from .models import EventStatus, RefundStatus, TransferStatus
from .polling import stale_work_alert, stripe_poll
from .selectors import pending_refund_ids
from .services.deliveries import milestones_auto_approve
from .services.payouts import payout_ids_due, payout_release, payouts_release_due
from .services.refunds import refund_execute
from .webhooks import MAX_EVENT_ATTEMPTS, event_process, events_retry

# Started by beat only (the schedule names it), so it needs no name in `payments.queue`.
POLL_STRIPE = "payments.tasks.poll_stripe"


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


@shared_task(bind=True, name=queue.PROCESS_STRIPE_EVENT)
def process_stripe_event(self: Task, event_pk: int) -> str:
    event = event_process(event_pk=event_pk)
    # A handler that failed (Stripe unreachable while confirming, a lock timeout) is retried
    # with backoff by this task, not left for the sweep.
    retry_if_pending(
        self, event.status == EventStatus.FAILED and event.attempts < MAX_EVENT_ATTEMPTS
    )
    return event.status


@shared_task(bind=True, name=queue.RELEASE_PAYOUT)
def release_payout(self: Task, transfer_id: int) -> str:
    transfer = payout_release(transfer_id=transfer_id)
    # Pending after a run means Stripe was unreachable (a refusal fails it, a missing account
    # makes it wait for the account).
    retry_if_pending(self, transfer.status == TransferStatus.PENDING)
    return transfer.status


@shared_task(name=queue.RELEASE_WAITING_PAYOUTS)
def release_waiting_payouts(creator_id: int | None = None) -> int:
    """When a creator's account can receive payouts: start each of their unpaid transfers as
    its own `release_payout` task, which retries a Stripe fault with backoff (returns how
    many were started). As the beat job (no creator): retry every unpaid transfer and pending
    refund, and alert staff about work that waited too long (returns how many were paid)."""
    if creator_id is not None:
        due = payout_ids_due(creator_id=creator_id)
        for transfer_id in due:
            outbox.enqueue(queue.RELEASE_PAYOUT, transfer_id)
        return len(due)
    paid = payouts_release_due()
    for refund_id in pending_refund_ids():
        refund_execute(refund_id=refund_id)
    stale_work_alert()
    return paid


@shared_task(bind=True, name=queue.EXECUTE_REFUND)
def execute_refund(self: Task, refund_id: int) -> str:
    refund = refund_execute(refund_id=refund_id)
    retry_if_pending(self, refund.status == RefundStatus.PENDING)
    return refund.status


@shared_task(name=queue.AUTO_APPROVE_DELIVERIES)
def auto_approve_deliveries() -> int:
    """Approve deliveries nobody reviewed within AUTO_APPROVE_AFTER (beat job)."""
    return milestones_auto_approve()


@shared_task(name=queue.RETRY_STRIPE_EVENTS)
def retry_stripe_events() -> int:
    """Process webhook events left pending or failed (beat job)."""
    return events_retry()


@shared_task(name=POLL_STRIPE)
def poll_stripe() -> dict[str, int]:
    """Ask Stripe about payments, accounts and events a webhook should have settled, then
    alert staff about money work waiting too long (beat job, every minute)."""
    result = stripe_poll()
    return {**asdict(result), "alerts": stale_work_alert()}
