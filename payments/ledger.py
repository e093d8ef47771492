"""The double-entry ledger (docs/PAYMENTS.md): balanced entries, idempotent by key, never edited.

Sign convention: `platform_cash` is an asset (money in is positive); escrow, creator payables
and revenue are what we owe or earned (money held is negative). So funding a contract posts
cash +amount and escrow -amount, and "held in escrow" is minus the escrow balance.
"""

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Sum

from campaigns.models import Contract, Milestone

from .models import JournalEntry, JournalLine, LedgerAccount

PLATFORM_CASH = "platform_cash"
PLATFORM_REVENUE = "platform_revenue"


class UnbalancedEntry(ValueError):
    """The lines of an entry do not sum to zero."""


def escrow(contract_id: int) -> str:
    return f"escrow:{contract_id}"


def creator_payable(creator_id: int) -> str:
    return f"creator_payable:{creator_id}"


def _accounts(codes: Sequence[str], currency: str) -> dict[str, LedgerAccount]:
    """The accounts named, in one query once they exist (a new one is created on first use)."""
    found = {
        a.code: a for a in LedgerAccount.objects.filter(code__in=set(codes), currency=currency)
    }
    for code in set(codes) - found.keys():
        try:
            with transaction.atomic():
                found[code] = LedgerAccount.objects.create(code=code, currency=currency)
        except IntegrityError:  # a concurrent entry created it first
            found[code] = LedgerAccount.objects.get(code=code, currency=currency)
    return found


def post_entry(
    *,
    key: str,
    kind: str,
    currency: str,
    lines: Sequence[tuple[str, int]],
    contract: Contract | None = None,
    milestone: Milestone | None = None,
    memo: str = "",
) -> JournalEntry:
    """Write one balanced entry; a second call with the same key returns the first entry.

    Must run inside the transaction of the state change that moves the money. An entry of a
    milestone's money names it (the escrow account stays the contract's: `escrow:<contract>`).
    """
    if sum(amount for _, amount in lines) != 0:
        raise UnbalancedEntry(f"entry {key} does not balance: {lines}")
    if any(amount == 0 for _, amount in lines) or len(lines) < 2:
        raise UnbalancedEntry(f"entry {key} needs two or more non-zero lines")
    try:
        with transaction.atomic():
            entry = JournalEntry.objects.create(
                idempotency_key=key,
                kind=kind,
                currency=currency,
                contract=contract,
                milestone=milestone,
                memo=memo,
            )
            accounts = _accounts([code for code, _ in lines], currency)
            JournalLine.objects.bulk_create(
                JournalLine(entry=entry, account=accounts[code], amount=amount)
                for code, amount in lines
            )
    except IntegrityError:
        # The key was posted before (a replay) or by a concurrent writer: that is the entry.
        # Anything else that broke an integrity rule is an error of its own.
        entry = JournalEntry.objects.filter(idempotency_key=key).first()
        if entry is None:
            raise
    return entry


def balance(code: str, currency: str) -> int:
    """The signed balance of one account in one currency (0 if it has no lines)."""
    total = JournalLine.objects.filter(account__code=code, account__currency=currency).aggregate(
        total=Sum("amount")
    )["total"]
    return total or 0


def balances(prefix: str = "") -> dict[tuple[str, str], int]:
    """Signed balances of every account whose code starts with `prefix`, by (code, currency)."""
    rows = (
        JournalLine.objects.filter(account__code__startswith=prefix)
        .values("account__code", "account__currency")
        .annotate(total=Sum("amount"))
    )
    return {(r["account__code"], r["account__currency"]): r["total"] for r in rows}
