"""Starting payments' Celery tasks by name, after commit.

Services and webhooks never import `payments.tasks` (the tasks import them): they name the task
here. The task runs once the caller's transaction commits, so a worker never reads rows that
are not there yet and a rollback starts nothing. With no CELERY_BROKER_URL (tests, `make run`)
Celery runs the task eagerly in this process, as `.delay()` always did; the tasks are
registered at start-up by `PaymentsConfig.ready()`.
"""

import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

# The registered task names (stable: the beat schedule and queued messages use them).
PROCESS_STRIPE_EVENT = "payments.tasks.process_stripe_event"
RELEASE_PAYOUT = "payments.tasks.release_payout"
RELEASE_WAITING_PAYOUTS = "payments.tasks.release_waiting_payouts"
EXECUTE_REFUND = "payments.tasks.execute_refund"
AUTO_APPROVE_DELIVERIES = "payments.tasks.auto_approve_deliveries"
RETRY_STRIPE_EVENTS = "payments.tasks.retry_stripe_events"

TASK_NAMES = (
    PROCESS_STRIPE_EVENT,
    RELEASE_PAYOUT,
    RELEASE_WAITING_PAYOUTS,
    EXECUTE_REFUND,
    AUTO_APPROVE_DELIVERIES,
    RETRY_STRIPE_EVENTS,
)


def send(name: str, *args: object) -> None:
    """Start task `name` now: eagerly in process without a broker, else on the queue."""
    task = current_app.tasks.get(name)
    if task is None:
        # Not registered in this process: only a worker can run it.
        current_app.send_task(name, args=args)
    else:
        task.delay(*args)


def enqueue(name: str, *args: object) -> None:
    """Start task `name` with `args` once the current transaction commits (at once outside
    one). A failure to start propagates to the caller of the commit, as `.delay()` did."""
    transaction.on_commit(lambda: send(name, *args))


def enqueue_logged(name: str, *args: object) -> None:
    """Like `enqueue`, but a failure to start (or, eagerly, of the task itself) is logged
    instead of raised: for work a periodic job retries anyway."""

    def start() -> None:
        try:
            send(name, *args)
        except Exception:  # noqa: BLE001 - logged; a periodic task retries the work
            logger.exception("task %s%r failed to start; it will be retried", name, args)

    transaction.on_commit(start)
