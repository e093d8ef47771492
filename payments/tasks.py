"""Celery tasks: thin wrappers around services, each safe to run twice."""

from celery import shared_task

from .models import Refund, RefundStatus


@shared_task
def process_stripe_event(event_pk: int) -> str:
    from .webhooks import event_process

    return event_process(event_pk=event_pk).status


@shared_task
def release_payout(transfer_id: int) -> str:
    from .services.payouts import payout_release

    return payout_release(transfer_id=transfer_id).status


@shared_task
def release_waiting_payouts(creator_id: int | None = None) -> int:
    """Retry unpaid transfers and pending refunds (beat job; also when an account is ready)."""
    from .services.payouts import payouts_release_due
    from .services.refunds import refund_execute

    paid = payouts_release_due(creator_id=creator_id)
    if creator_id is None:
        for refund_id in Refund.objects.filter(status=RefundStatus.PENDING).values_list(
            "pk", flat=True
        ):
            refund_execute(refund_id=refund_id)
    return paid


@shared_task
def execute_refund(refund_id: int) -> str:
    from .services.refunds import refund_execute

    return refund_execute(refund_id=refund_id).status


@shared_task
def auto_approve_deliveries() -> int:
    """Approve deliveries nobody reviewed within AUTO_APPROVE_AFTER (beat job)."""
    from .services.deliveries import contracts_auto_approve

    return contracts_auto_approve()


@shared_task
def retry_stripe_events() -> int:
    """Process webhook events left pending or failed (beat job)."""
    from .webhooks import events_retry

    return events_retry()
