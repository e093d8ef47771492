"""Ask Stripe now about payments, payout accounts and webhook events still waiting (what the
poll-stripe beat job does every minute), then report money work waiting too long."""

from typing import Any

from django.core.management.base import BaseCommand

from payments.polling import stale_work_alert, stripe_poll


class Command(BaseCommand):
    help = (
        "Book payments Stripe charged but no webhook reported, take payout-account flags from "
        "Stripe, reprocess stored events still pending, and open staff work items for money "
        "work waiting longer than PAYMENTS_STALE_ALERT_SECONDS."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="ask about everything not settled, however recent (PAYMENTS_POLL_AFTER=0)",
        )

    def handle(self, *args: Any, now: bool, **options: Any) -> None:
        result = stripe_poll(after_seconds=0 if now else None)
        alerts = stale_work_alert()
        self.stdout.write(
            f"payments booked: {result.payments_booked}, accounts updated: "
            f"{result.accounts_updated}, events processed: {result.events_processed}, errors: "
            f"{result.errors}, staff alerts opened: {alerts}"
        )
