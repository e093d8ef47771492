"""The ledger's invariants (docs/DESIGN.md, Money), checked by tests and by `manage.py reconcile`.

A transfer Stripe has made but the database has not recorded yet (its task is between the
Stripe call and the commit, or was lost with its worker and is waiting to be redelivered) is
*in flight*: reconcile lists it by transfer group and leaves it out of the cash comparison.
Only once it is older than RECONCILE_GRACE_SECONDS is it *lost*, a violation. The same holds
for a charge Stripe made that we have not booked yet. Every violation names the payment,
milestone, contract and Stripe object it is about, and says what to do."""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Sum

from campaigns.models import Milestone, MilestoneStatus

from . import gateway, ledger
from .models import (
    JournalEntry,
    JournalLine,
    MoneyWorkItem,
    Payment,
    PaymentItem,
    PaymentStatus,
    Refund,
    RefundStatus,
    Transfer,
    TransferStatus,
    WorkItemKind,
    WorkItemStatus,
)
from .services.booking import charge_id_of


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
        report.violations.append(
            f"entry {row['entry__idempotency_key']} sums to {row['total']}: post a correcting "
            "entry that reverses it (never edit one)"
        )
    mixed = JournalLine.objects.exclude(account__currency=F("entry__currency")).values_list(
        "entry__idempotency_key", flat=True
    )
    for key in mixed:
        report.violations.append(f"entry {key} has a line in another currency")
    for (code, currency), total in ledger.balances("escrow:").items():
        if total > 0:
            report.violations.append(
                f"{code} [{currency}] is below zero by {total}: more was released or refunded "
                f"than funded for contract {code.removeprefix('escrow:')}; check its journal "
                "entries in the admin and post a correcting entry (never edit one)"
            )
        report.held_in_escrow[currency] = report.held_in_escrow.get(currency, 0) - total
    _milestone_violations(report)
    for refund in Refund.objects.filter(status=RefundStatus.FAILED).select_related("payment"):
        report.violations.append(
            f"refund {refund.pk} of milestone {refund.milestone_id} (contract "
            f"{refund.contract_id}, payment {refund.payment_id}, "
            f"{refund.payment.stripe_payment_intent_id}) for {refund.amount} {refund.currency} "
            f"failed ({refund.last_error or 'no error recorded'}): the brand is owed it; retry "
            "it in the admin (Refunds, Retry the refund now)"
        )
    report.cash = {
        currency: total
        for (code, currency), total in ledger.balances(ledger.PLATFORM_CASH).items()
        if code == ledger.PLATFORM_CASH
    }
    if check_stripe:
        report.stripe = gateway.platform_balance()
        moment = time.time() if now is None else now
        in_flight = _unrecorded_transfers(report, moment)
        unbooked = _unbooked_charges(report, moment)
        for currency in sorted(set(report.cash) | set(report.stripe)):
            ours, theirs = report.cash.get(currency, 0), report.stripe.get(currency, 0)
            expected = ours - in_flight.get(currency, 0) + unbooked.get(currency, 0)
            if expected != theirs:
                report.violations.append(
                    f"platform_cash {currency} is {ours} but Stripe holds {theirs} "
                    f"(Stripe has {theirs - expected:+d} beyond what is explained above): "
                    f"{_cash_hint(currency)}"
                )
    return report


def _cash_hint(currency: str) -> str:
    """What to look at when cash and Stripe's balance differ: open money work items first."""
    items = list(
        MoneyWorkItem.objects.filter(status=WorkItemStatus.OPEN, currency=currency)
        .exclude(kind=WorkItemKind.STALE_WORK)
        .values_list("pk", "kind", "amount", "stripe_object")[:10]
    )
    if items:
        listed = "; ".join(f"#{pk} {kind} {amount} ({obj})" for pk, kind, amount, obj in items)
        return (
            f"open money work items explain money Stripe moved without us: {listed}; handle "
            "them in the admin (Money work items)"
        )
    return (
        "look for a refund, transfer reversal or dispute made in the Stripe dashboard, or a "
        "charge not booked (manage.py poll_stripe books and refunds those), then post a "
        "correcting entry"
    )


# How many unsucceeded payments reconcile asks Stripe about (the newest first).
UNBOOKED_CHECK_LIMIT = 200


def _unbooked_charges(report: Report, now: float) -> dict[str, int]:
    """Payments we have not booked whose PaymentIntent Stripe says succeeded: in flight while
    the payment was touched within the grace period (their amount is returned, to count as
    cash Stripe holds), a charged-but-unbooked violation after it."""
    grace = settings.RECONCILE_GRACE_SECONDS
    amounts: dict[str, int] = {}
    pending = (
        Payment.objects.exclude(status=PaymentStatus.SUCCEEDED)
        .exclude(stripe_payment_intent_id=None)
        .exclude(stripe_payment_intent_id="")
        .order_by("-created_at")
        .prefetch_related("items")[:UNBOOKED_CHECK_LIMIT]
    )
    for payment in pending:
        intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
        if intent.status != "succeeded":
            continue
        currency = str(intent.currency).upper()
        amounts[currency] = amounts.get(currency, 0) + int(intent.amount)
        milestones = ", ".join(str(item.milestone_id) for item in payment.items.all())
        age = max(0, int(now - payment.updated_at.timestamp()))
        label = (
            f"payment {payment.pk} of contract {payment.contract_id} (milestones {milestones}) "
            f"was charged at Stripe ({intent.id}, charge {charge_id_of(intent) or '-'}, "
            f"{intent.amount} {currency}, {age} s ago) but is not booked"
        )
        if age <= grace:
            report.in_flight.append(f"{label} yet: in flight")
        else:
            report.violations.append(
                f"{label}: run `manage.py poll_stripe` (or reprocess its "
                "payment_intent.succeeded event in the admin) to book it; a milestone that "
                "can no longer be funded is then refunded in full"
            )
    return amounts


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
        metadata = getattr(transfer, "metadata", None) or {}
        milestone = metadata.get("milestone_id", "-") if hasattr(metadata, "get") else "-"
        label = (
            f"transfer {transfer.id} of group {transfer.transfer_group or '-'} (milestone "
            f"{milestone}, {net} {currency}, {age} s old) is in Stripe but not recorded"
        )
        if age <= grace:
            report.in_flight.append(f"{label} yet: in flight")
            amounts[currency] = amounts.get(currency, 0) + net
        else:
            report.violations.append(
                f"{label} after the {grace} s grace period: lost; run the "
                "release-waiting-payouts job or Retry the payout in the admin (it finds the "
                "transfer by its group and records it)"
            )
    return amounts


def _milestone_violations(report: Report) -> None:
    """Per milestone: every paid milestone has its one transfer paid, every paid transfer its
    payout entry, every milestone a succeeded payment covers its funding entry; no milestone's
    escrow goes below zero; refunds never exceed what was charged for the milestone."""
    _payout_violations(report)
    _funding_violations(report)
    _escrow_and_refund_violations(report)


def _payout_violations(report: Report) -> None:
    unpaid = Milestone.objects.filter(status=MilestoneStatus.PAID).exclude(
        transfer__status=TransferStatus.PAID
    )
    for milestone_id, contract_id, transfer_id, status, stripe_id in unpaid.values_list(
        "pk", "contract_id", "transfer__pk", "transfer__status", "transfer__stripe_transfer_id"
    ):
        report.violations.append(
            f"milestone {milestone_id} of contract {contract_id} is paid without a paid "
            f"transfer (transfer {transfer_id or '-'} is {status or 'missing'}, Stripe "
            f"{stripe_id or '-'}): Retry the payout in the admin (Transfers)"
        )
    for transfer_id, milestone_id, contract_id, stripe_id in (
        Transfer.objects.filter(status=TransferStatus.PAID)
        .exclude(milestone__journal_entries__kind="payout")
        .values_list("pk", "milestone_id", "contract_id", "stripe_transfer_id")
    ):
        report.violations.append(
            f"transfer {transfer_id} ({stripe_id}) of milestone {milestone_id}, contract "
            f"{contract_id}, is paid without a payout entry: post the payout entry "
            "(payable to platform_cash) after checking the transfer in Stripe"
        )


def _funding_violations(report: Report) -> None:
    for payment_id, milestone_id, contract_id, intent_id, charge_id in (
        PaymentItem.objects.filter(payment__status=PaymentStatus.SUCCEEDED)
        .exclude(milestone__journal_entries__kind="funding")
        .values_list(
            "payment_id",
            "milestone_id",
            "payment__contract_id",
            "payment__stripe_payment_intent_id",
            "payment__stripe_charge_id",
        )
    ):
        report.violations.append(
            f"payment {payment_id} ({intent_id}, charge {charge_id or '-'}) succeeded without "
            f"a funding entry for milestone {milestone_id} of contract {contract_id}: post "
            f"the funding entry fund-payment-{payment_id}-milestone-{milestone_id} after "
            "checking the charge in Stripe"
        )


def _escrow_and_refund_violations(report: Report) -> None:
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
            f"escrow of milestone {row['entry__milestone_id']} is below zero by "
            f"{row['total']}: more was released or refunded than funded; check the "
            "milestone's journal entries in the admin"
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
                f"{charged.get(row['milestone_id'], 0)}: the brand got more back than it "
                "paid; check the milestone's refunds in the admin and in Stripe"
            )
