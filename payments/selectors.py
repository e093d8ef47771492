"""Reads of payments: a creator's earnings and payouts."""

from collections import defaultdict

from django.db.models import F, QuerySet, Sum

from campaigns.models import Contract, ContractStatus
from creators.models import CreatorProfile

from .models import Transfer, TransferStatus

PENDING_STATUSES = (
    ContractStatus.FUNDED,
    ContractStatus.DELIVERED,
    ContractStatus.REVISION_REQUESTED,
    ContractStatus.DISPUTED,
)


def creator_earnings(creator: CreatorProfile) -> list[dict]:
    """Per currency: `pending` (net of funded, not yet approved contracts), `available`
    (released to the creator, not yet transferred) and `paid` (transferred, less reversals)."""
    totals: dict[str, dict[str, int]] = defaultdict(
        lambda: {"pending": 0, "available": 0, "paid": 0}
    )
    pending = (
        Contract.objects.filter(creator=creator, status__in=PENDING_STATUSES)
        .values("currency")
        .annotate(total=Sum("creator_net"))
    )
    for row in pending:
        totals[row["currency"]]["pending"] += row["total"]
    transfers = (
        Transfer.objects.filter(creator=creator)
        .values("currency", "status")
        .annotate(total=Sum(F("amount") - F("amount_reversed")))
    )
    for row in transfers:
        key = "paid" if row["status"] == TransferStatus.PAID else "available"
        totals[row["currency"]][key] += row["total"]
    return [{"currency": c, **v} for c, v in sorted(totals.items())]


def creator_payouts(creator: CreatorProfile) -> QuerySet[Transfer]:
    return Transfer.objects.filter(creator=creator).order_by("-id")
