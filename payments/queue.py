"""The names of payments' Celery tasks, for starting them after commit.

Services and webhooks never import `payments.tasks` (the tasks import them): they start a task
by its name here through the one send-after-commit helper, `marketplace.outbox.enqueue`. The
row is written in the caller's transaction and the task sent once it commits, so a worker never
reads rows that are not there yet, a rollback starts nothing, and a broker outage only delays
it (beat's sweep sends it). The tasks are registered at start-up by `PaymentsConfig.ready()`.
"""

from marketplace import outbox

# The registered task names (stable: the beat schedule and queued messages use them).
PROCESS_STRIPE_EVENT = "payments.tasks.process_stripe_event"
RELEASE_PAYOUT = "payments.tasks.release_payout"
RELEASE_WAITING_PAYOUTS = "payments.tasks.release_waiting_payouts"
EXECUTE_REFUND = "payments.tasks.execute_refund"
AUTO_APPROVE_DELIVERIES = "payments.tasks.auto_approve_deliveries"
RETRY_STRIPE_EVENTS = "payments.tasks.retry_stripe_events"


# The webhook module's name for `marketplace.outbox.enqueue`; every other caller uses the
# outbox directly.
enqueue_logged = outbox.enqueue
