"""Asking Stripe instead of waiting for it: the poll job settles payments, payout accounts and
stored events whose webhook is late or lost, and the sweeps' staff alert for money work that has
waited too long.

Webhooks stay the fast path; the poll makes a lost or late one cost a minute or two, not a
day. Everything here calls the same idempotent services the webhooks call, so a poll and a
webhook racing each other book once."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from marketplace.errors import DomainError

from . import gateway
from .models import (
    EventStatus,
    Payment,
    PaymentStatus,
    PayoutAccount,
    Refund,
    RefundStatus,
    StripeEvent,
    Transfer,
    TransferStatus,
    WorkItemKind,
)
from .services.booking import charge_id_of, payment_succeeded
from .services.payouts import MAX_TRANSFER_ATTEMPTS, payout_release
from .services.refunds import refund_execute
from .services.work_items import work_item_open
from .webhooks import MAX_EVENT_ATTEMPTS, account_confirm, event_process

logger = logging.getLogger(__name__)
POLL_LIMIT = 100


@dataclass
class PollResult:
    payments_booked: int = 0
    accounts_updated: int = 0
    events_processed: int = 0
    payouts_retried: int = 0
    refunds_retried: int = 0
    errors: int = 0


def stripe_poll(*, now: datetime | None = None, after_seconds: int | None = None) -> PollResult:
    """Ask Stripe about what a webhook should have settled PAYMENTS_POLL_AFTER_SECONDS ago, in
    four phases: payments, payout accounts, stored events, payouts and refunds (see each).
    Each item is its own transaction; an outage is counted and left for the next run."""
    current = now or timezone.now()
    after = settings.PAYMENTS_POLL_AFTER_SECONDS if after_seconds is None else after_seconds
    cutoff = current - timedelta(seconds=after)
    result = PollResult()
    _poll_payments(current, cutoff, result)
    _poll_accounts(cutoff, result)
    _poll_events(cutoff, result)
    _poll_payouts_and_refunds(cutoff, result)
    return result


def _poll_payments(current: datetime, cutoff: datetime, result: PollResult) -> None:
    """Payments opened within PAYMENTS_POLL_WINDOW_SECONDS and not succeeded: an intent Stripe
    says succeeded is booked (or refunded if it can no longer be booked)."""
    payments = (
        Payment.objects.exclude(status=PaymentStatus.SUCCEEDED)
        .exclude(stripe_payment_intent_id=None)
        .exclude(stripe_payment_intent_id="")
        .filter(
            updated_at__lte=cutoff,
            created_at__gte=current - timedelta(seconds=settings.PAYMENTS_POLL_WINDOW_SECONDS),
        )
        # Newest first: a late webhook is likelier there than on a form left open for days.
        .order_by("-created_at")
        .values_list("pk", "contract_id", "stripe_payment_intent_id")[:POLL_LIMIT]
    )
    for payment_id, contract_id, intent_id in payments:
        try:
            intent = gateway.retrieve_payment_intent(intent_id)
            if intent.status != "succeeded":
                continue
            payment_succeeded(
                intent_id=intent.id,
                contract_id=contract_id,
                charge_id=charge_id_of(intent),
                amount=int(intent.amount),
                currency=str(intent.currency),
                payment_id=payment_id,
            )
            result.payments_booked += 1
        except DomainError as exc:
            result.errors += 1
            logger.warning("poll: payment %s not settled: %s", payment_id, exc.message)


def _poll_accounts(cutoff: datetime, result: PollResult) -> None:
    """Payout accounts with payouts waiting for them since before `cutoff`: one that cannot
    pay yet is read from Stripe (its flags applied as Stripe holds them, which releases the
    payouts when it can pay); one that can pay already has its waiting payouts released here
    (the release task after its `account.updated` was lost)."""
    waiting = TransferStatus.WAITING_FOR_ACCOUNT
    stuck = (
        PayoutAccount.objects.filter(
            payouts_enabled=False,
            creator__transfers__status=waiting,
            creator__transfers__updated_at__lte=cutoff,
        )
        .exclude(stripe_account_id=None)
        .exclude(stripe_account_id="")
        .values_list("stripe_account_id", flat=True)
        .distinct()[:POLL_LIMIT]
    )
    for account_id in list(stuck):
        try:
            account = account_confirm(account_id)
            if account is not None and account.payouts_enabled:
                result.accounts_updated += 1
        except DomainError as exc:
            result.errors += 1
            logger.warning("poll: account %s not read: %s", account_id, exc.message)
    payable = Transfer.objects.filter(
        status=waiting, updated_at__lte=cutoff, creator__payout_account__payouts_enabled=True
    ).values_list("pk", flat=True)[:POLL_LIMIT]
    for transfer_id in list(payable):
        payout_release(transfer_id=transfer_id)
        result.payouts_retried += 1


def _poll_events(cutoff: datetime, result: PollResult) -> None:
    """Stored events still pending or failed with attempts left: processed again."""
    events = StripeEvent.objects.filter(
        status__in=[EventStatus.PENDING, EventStatus.FAILED],
        received_at__lte=cutoff,
        attempts__lt=MAX_EVENT_ATTEMPTS,
    ).values_list("pk", flat=True)[:POLL_LIMIT]
    for event_pk in list(events):
        event_process(event_pk=event_pk)
        result.events_processed += 1


def _poll_payouts_and_refunds(cutoff: datetime, result: PollResult) -> None:
    """Payouts and refunds whose task was lost before it was queued (a worker killed between
    commit and send): the same idempotent calls their tasks make, with the same keys."""
    payouts = Transfer.objects.filter(
        status=TransferStatus.PENDING, updated_at__lte=cutoff, attempts__lt=MAX_TRANSFER_ATTEMPTS
    ).values_list("pk", flat=True)[:POLL_LIMIT]
    for transfer_id in list(payouts):
        payout_release(transfer_id=transfer_id)
        result.payouts_retried += 1
    refunds = Refund.objects.filter(
        status=RefundStatus.PENDING, created_at__lte=cutoff
    ).values_list("pk", flat=True)[:POLL_LIMIT]
    for refund_id in list(refunds):
        refund_execute(refund_id=refund_id)
        result.refunds_retried += 1


def stale_work_alert(*, now: datetime | None = None) -> int:
    """Open a staff work item (once per oldest item) for each kind of money work still
    waiting PAYMENTS_STALE_ALERT_SECONDS after it should have moved (`_stale_checks`). A sweep
    that finds such work means the fast path (tasks and their retries) failed. Answers how
    many work items it opened."""
    current = now or timezone.now()
    threshold = settings.PAYMENTS_STALE_ALERT_SECONDS
    opened = 0
    for label, rows, since in _stale_checks(current - timedelta(seconds=threshold)):
        oldest = rows.order_by(since, "pk").values_list("pk", since).first()
        if oldest is None:
            continue
        count = rows.count()
        age = int((current - oldest[1]).total_seconds())
        model = rows.model._meta.model_name
        _, created = work_item_open(
            key=f"stale-{model}-{oldest[0]}",
            kind=WorkItemKind.STALE_WORK,
            message=(
                f"{count} {label} for more than {threshold} s (oldest: {model} {oldest[0]}, "
                f"{age} s). The worker or its retries are not keeping up: check /healthz/, the "
                "Celery worker and beat, and Stripe's status; the sweep keeps retrying."
            ),
            amount=0,
        )
        opened += int(created)
    return opened


def _stale_checks(cutoff: datetime) -> tuple[tuple[str, QuerySet, str], ...]:
    """(what, the rows waiting since before `cutoff`, the field they wait since): stored
    webhook events not processed, payouts not paid, payouts waiting for an account that can
    be paid, refunds not made."""
    return (
        (
            "webhook events not processed",
            StripeEvent.objects.filter(
                status__in=[EventStatus.PENDING, EventStatus.FAILED], received_at__lte=cutoff
            ),
            "received_at",
        ),
        (
            "payouts not paid",
            Transfer.objects.filter(
                status=TransferStatus.PENDING,
                created_at__lte=cutoff,
                attempts__lt=MAX_TRANSFER_ATTEMPTS,
            ),
            "created_at",
        ),
        (
            "payouts waiting for an account that can be paid",
            Transfer.objects.filter(
                status=TransferStatus.WAITING_FOR_ACCOUNT,
                updated_at__lte=cutoff,
                creator__payout_account__payouts_enabled=True,
            ),
            "updated_at",
        ),
        (
            "refunds not made",
            Refund.objects.filter(status=RefundStatus.PENDING, created_at__lte=cutoff),
            "created_at",
        ),
    )
