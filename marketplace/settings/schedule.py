"""The periodic jobs Celery beat starts. Every job is safe to run twice (a sweep that finds
nothing to do does nothing), so beat is a safety net, not the path work takes."""

CELERY_BEAT_SCHEDULE = {
    "forget-idempotency-keys": {
        "task": "marketplace.tasks.forget_idempotency_keys",
        "schedule": 3600.0,
    },
    "close-expired-briefs": {"task": "campaigns.tasks.close_expired_briefs", "schedule": 60.0},
    "refresh-matching-idf": {"task": "campaigns.tasks.refresh_matching_idf", "schedule": 3600.0},
    "auto-approve-deliveries": {
        "task": "payments.tasks.auto_approve_deliveries",
        "schedule": 300.0,
    },
    "retry-stripe-events": {"task": "payments.tasks.retry_stripe_events", "schedule": 120.0},
    "release-waiting-payouts": {
        "task": "payments.tasks.release_waiting_payouts",
        "schedule": 300.0,
    },
    # Background processes' heartbeats (marketplace/health.py): beat records its own on each
    # tick of HeartbeatScheduler, a worker records one each time it runs this.
    "worker-heartbeat": {"task": "marketplace.tasks.worker_heartbeat", "schedule": 30.0},
    # Tasks whose after-commit send met a broker outage wait in the outbox (marketplace/outbox.py).
    "sweep-outbox": {"task": "marketplace.tasks.sweep_outbox", "schedule": 60.0},
    # Hourly, so each day's digest leaves within the first hour; a second run sends nothing.
    "email-digests": {"task": "marketplace.tasks.send_email_digests", "schedule": 3600.0},
    "send-rights-notices": {"task": "campaigns.tasks.send_rights_notices", "schedule": 3600.0},
    "close-briefs-ip-ended": {
        "task": "campaigns.tasks.close_briefs_ip_ended",
        "schedule": 3600.0,
    },
    # Asks Stripe about payments, accounts and events a webhook should have settled by now.
    "poll-stripe": {"task": "payments.tasks.poll_stripe", "schedule": 60.0},
}
