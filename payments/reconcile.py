"""The ledger's invariants (DESIGN §4), checked by tests and by `manage.py reconcile`.

A transfer Stripe has made but the database has not recorded yet (its task is between the
Stripe call and the commit, or was lost with its worker and is waiting to be redelivered) is
*in flight*: reconcile lists it by transfer group and leaves it out of the cash comparison.
Only once it is older than RECONCILE_GRACE_SECONDS is it *lost*, a violation."""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Sum

from campaigns.models import Milestone, MilestoneStatus

from . import gateway, ledger
from .models import (
    JournalEntry,
    JournalLine,
    PaymentItem,
    PaymentStatus,
    Refund,
    RefundStatus,
    Transfer,
    TransferStatus,
)


@dataclass
class Report:
    entries: int = 0
    cash: dict[str, int] = field(default_factory=dict)
    stripe: dict[str, int] = field(default_factory=dict)
    held_in_escrow: dict[str, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    in_flight: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations


# How far back reconcile looks for Stripe transfers the database does not know.
TRANSFER_LOOKBACK_SECONDS = 30 * 24 * 3600


def reconcile(*, check_stripe: bool = True, now: float | None = None) -> Report:
    """Check every invariant; returns a report listing each violation found and each transfer
    still in flight."""
    report = Report(entries=JournalEntry.objects.count())
    unbalanced = (
        JournalLine.objects.values("entry_id", "entry__idempotency_key")
        .annotate(total=Sum("amount"), n=Count("id"))
        .exclude(total=0)
    )
    for row in unbalanced:
        report.violations.append(f"entry {row['entry__idempotency_key']} sums to {row['total']}")
    mixed = JournalLine.objects.exclude(account__currency=F("entry__currency")).values_list(
        "entry__idempotency_key", flat=True
    )
    for key in mixed:
        report.violations.append(f"entry {key} has a line in another currency")
    for (code, currency), total in ledger.balances("escrow:").items():
        if total > 0:
            report.violations.append(f"{code} [{currency}] is below zero: {-total}")
        report.held_in_escrow[currency] = report.held_in_escrow.get(currency, 0) - total
    _milestone_violations(report)
    for refund_id, contract_id in Refund.objects.filter(status=RefundStatus.FAILED).values_list(
        "pk", "contract_id"
    ):
        report.violations.append(
            f"refund {refund_id} of contract {contract_id} failed: the brand is owed it"
        )
    report.cash = {
        currency: total
        for (code, currency), total in ledger.balances(ledger.PLATFORM_CASH).items()
        if code == ledger.PLATFORM_CASH
    }
    if check_stripe:
        report.stripe = gateway.platform_balance()
        in_flight = _unrecorded_transfers(report, time.time() if now is None else now)
        for currency in sorted(set(report.cash) | set(report.stripe)):
            ours, theirs = report.cash.get(currency, 0), report.stripe.get(currency, 0)
            if ours - in_flight.get(currency, 0) != theirs:
                report.violations.append(
                    f"platform_cash {currency} is {ours} but Stripe holds {theirs}"
                )
    return report


def _unrecorded_transfers(report: Report, now: float) -> dict[str, int]:
    """List Stripe transfers the database has not recorded: in flight within the grace period
    (returned per currency, to leave out of the cash comparison), lost after it."""
    grace = settings.RECONCILE_GRACE_SECONDS
    recorded = set(
        Transfer.objects.exclude(stripe_transfer_id="").values_list("stripe_transfer_id", flat=True)
    )
    amounts: dict[str, int] = {}
    for transfer in reversed(gateway.transfers_since(int(now - TRANSFER_LOOKBACK_SECONDS))):
        if transfer.id in recorded:
            continue
        currency = str(transfer.currency).upper()
        net = transfer.amount - (getattr(transfer, "amount_reversed", 0) or 0)
        age = max(0, int(now - transfer.created))
        label = (
            f"transfer {transfer.id} of group {transfer.transfer_group or '-'} "
            f"({net} {currency}, {age} s old) is in Stripe but not recorded"
        )
        if age <= grace:
            report.in_flight.append(f"{label} yet: in flight")
            amounts[currency] = amounts.get(currency, 0) + net
        else:
            report.violations.append(f"{label} after the {grace} s grace period: lost")
    return amounts


def _milestone_violations(report: Report) -> None:
    """Per milestone: every paid milestone has its one transfer paid, every paid transfer its
    payout entry, every milestone a succeeded payment covers its funding entry; no milestone's
    escrow goes below zero; refunds never exceed what was charged for the milestone."""
    unpaid = Milestone.objects.filter(status=MilestoneStatus.PAID).exclude(
        transfer__status=TransferStatus.PAID
    )
    for milestone_id, contract_id in unpaid.values_list("pk", "contract_id"):
        report.violations.append(
            f"milestone {milestone_id} of contract {contract_id} is paid without a paid transfer"
        )
    for transfer_id in (
        Transfer.objects.filter(status=TransferStatus.PAID)
        .exclude(milestone__journal_entries__kind="payout")
        .values_list("pk", flat=True)
    ):
        report.violations.append(f"transfer {transfer_id} is paid without a payout entry")
    for payment_id, milestone_id in (
        PaymentItem.objects.filter(payment__status=PaymentStatus.SUCCEEDED)
        .exclude(milestone__journal_entries__kind="funding")
        .values_list("payment_id", "milestone_id")
    ):
        report.violations.append(
            f"payment {payment_id} succeeded without a funding entry for milestone {milestone_id}"
        )
    held = (
        JournalLine.objects.filter(
            account__code__startswith="escrow:", entry__milestone__isnull=False
        )
        .values("entry__milestone_id")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
    )
    for row in held:
        report.violations.append(
            f"escrow of milestone {row['entry__milestone_id']} is below zero: {-row['total']}"
        )
    charged: dict[int, int] = {
        row["milestone_id"]: row["total"]
        for row in PaymentItem.objects.filter(payment__status=PaymentStatus.SUCCEEDED)
        .values("milestone_id")
        .annotate(total=Sum("amount"))
    }
    refunded = (
        Refund.objects.exclude(status=RefundStatus.FAILED)
        .values("milestone_id")
        .annotate(total=Sum("amount"))
    )
    for row in refunded:
        if row["total"] > charged.get(row["milestone_id"], 0):
            report.violations.append(
                f"milestone {row['milestone_id']} refunds {row['total']} but was charged "
                f"{charged.get(row['milestone_id'], 0)}"
            )
