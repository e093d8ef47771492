"""Starting payments' Celery tasks by name, after commit.

Services and webhooks never import `payments.tasks` (the tasks import them): they name the task
here. The task runs once the caller's transaction commits, so a worker never reads rows that
are not there yet and a rollback starts nothing; it is written to the transactional outbox
(`marketplace.outbox`) in that transaction, so a broker outage at commit time delays it (beat's
sweep sends it) instead of failing the request that committed. With no CELERY_BROKER_URL
(tests, `make run`) Celery runs the task eagerly in this process, as `.delay()` always did;
the tasks are
registered at start-up by `PaymentsConfig.ready()`.
"""

from marketplace import outbox

# The registered task names (stable: the beat schedule and queued messages use them).
PROCESS_STRIPE_EVENT = "payments.tasks.process_stripe_event"
RELEASE_PAYOUT = "payments.tasks.release_payout"
RELEASE_WAITING_PAYOUTS = "payments.tasks.release_waiting_payouts"
EXECUTE_REFUND = "payments.tasks.execute_refund"
AUTO_APPROVE_DELIVERIES = "payments.tasks.auto_approve_deliveries"
RETRY_STRIPE_EVENTS = "payments.tasks.retry_stripe_events"


def send(name: str, *args: object) -> None:
    """Start task `name` now: eagerly in process without a broker, else on the queue. Raises
    when the broker cannot be reached (callers that must not fail use `enqueue`)."""
    outbox.send(name, *args)


def enqueue(name: str, *args: object) -> None:
    """Start task `name` with `args` once the current transaction commits (at once outside
    one), through the transactional outbox: the row is written in the caller's transaction,
    and a broker outage after the commit is logged, never raised; beat's outbox sweep sends
    the task when the broker is back."""
    outbox.enqueue(name, *args)


# Every start goes through the outbox now, so a failure to start is always logged, never
# raised; the name stays for the callers that used it.
enqueue_logged = enqueue
