"""Check the ledger's invariants and platform cash against Stripe; exit 1 on any violation."""

import sys
from typing import Any

from django.core.management.base import BaseCommand

from marketplace.errors import ServiceUnavailable
from payments.reconcile import reconcile


class Command(BaseCommand):
    help = (
        "Check every ledger invariant (docs/PAYMENTS.md); exits 1 on any violation. Stripe "
        "transfers not recorded yet are listed as in flight, and fail only after "
        "RECONCILE_GRACE_SECONDS."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--skip-stripe",
            action="store_true",
            help="do not compare platform cash with Stripe's balance",
        )

    def handle(self, *args: Any, skip_stripe: bool, **options: Any) -> None:
        try:
            report = reconcile(check_stripe=not skip_stripe)
        except ServiceUnavailable as exc:
            self.stderr.write(f"reconcile: cannot read Stripe's balance: {exc.message}")
            sys.exit(2)
        self.stdout.write(f"journal entries: {report.entries}")
        for currency, amount in sorted(report.cash.items()):
            stripe = report.stripe.get(currency, "not checked")
            self.stdout.write(f"platform_cash {currency}: {amount} (Stripe: {stripe})")
        for currency, amount in sorted(report.held_in_escrow.items()):
            self.stdout.write(f"held in escrow {currency}: {amount}")
        for line in report.in_flight:
            self.stdout.write(f"IN FLIGHT: {line}")
        if report.ok:
            self.stdout.write(self.style.SUCCESS("reconcile: clean"))
            return
        for violation in report.violations:
            self.stderr.write(f"VIOLATION: {violation}")
        self.stderr.write(self.style.ERROR(f"reconcile: {len(report.violations)} violation(s)"))
        sys.exit(1)
