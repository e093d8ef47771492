"""Celery tasks of the ground floor: e-mailing notifications. Thin and safe to run twice."""

from celery import shared_task

from . import emails, health, idempotency, outbox


@shared_task
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail these notifications to users who want them at once; never twice."""
    return emails.notification_emails_send(notification_ids=notification_ids)


@shared_task
def send_email_digests() -> int:
    """Send today's digests that are due; a second run the same day sends nothing."""
    return emails.email_digests_send()


@shared_task
def forget_idempotency_keys() -> int:
    """Delete Idempotency-Key records older than the TTL; safe to run twice."""
    return idempotency.forget_expired()


@shared_task
def worker_heartbeat() -> None:
    """Beat schedules this: a worker running it proves beat → broker → worker works."""
    health.heartbeat("worker")


@shared_task
def sweep_outbox() -> int:
    """Send the outbox rows whose after-commit send failed (the broker was down)."""
    sent, _ = outbox.sweep()
    return sent
