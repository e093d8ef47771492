"""Reads of payments: a creator's earnings and payouts."""

from collections import defaultdict

from django.db.models import F, Prefetch, QuerySet, Sum

from campaigns.models import Contract, Delivery, Milestone, MilestoneStatus
from creators.models import CreatorProfile, GeneratedVideo, Review

from .models import Refund, RefundStatus, Transfer, TransferStatus

PENDING_STATUSES = (
    MilestoneStatus.FUNDED,
    MilestoneStatus.DELIVERED,
    MilestoneStatus.REVISION_REQUESTED,
    MilestoneStatus.DISPUTED,
)


def creator_earnings(creator: CreatorProfile) -> list[dict]:
    """Per currency: `pending` (net of funded, not yet approved milestones), `available`
    (released to the creator, not yet transferred) and `paid` (transferred, less reversals)."""
    totals: dict[str, dict[str, int]] = defaultdict(
        lambda: {"pending": 0, "available": 0, "paid": 0}
    )
    pending = (
        Milestone.objects.filter(contract__creator=creator, status__in=PENDING_STATUSES)
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


def pending_refund_ids() -> list[int]:
    """Refunds still waiting for Stripe (a retry job makes them)."""
    return list(Refund.objects.filter(status=RefundStatus.PENDING).values_list("pk", flat=True))


def pending_refund_ids_for_intent(intent_id: str | None) -> list[int]:
    """The pending refunds of the payment made by PaymentIntent `intent_id`."""
    return list(
        Refund.objects.filter(
            payment__stripe_payment_intent_id=intent_id, status=RefundStatus.PENDING
        ).values_list("pk", flat=True)
    )


def contract_deliveries(contract: Contract) -> QuerySet[Delivery]:
    """A contract's deliveries, oldest first, with their videos (two queries in all)."""
    return Delivery.objects.filter(contract=contract).prefetch_related(
        Prefetch("videos", queryset=GeneratedVideo.objects.select_related("licence").order_by("id"))
    )


def contract_latest_delivery(contract: Contract) -> Delivery | None:
    """The contract's latest delivery with its videos (the work the disclosure pack covers)."""
    return contract_deliveries(contract).order_by("-number").first()


def milestone_deliveries(milestone: Milestone) -> QuerySet[Delivery]:
    """A milestone's deliveries, oldest first, with their videos (two queries in all)."""
    return Delivery.objects.filter(milestone=milestone).prefetch_related(
        Prefetch("videos", queryset=GeneratedVideo.objects.order_by("id"))
    )


def contract_reviews(contract: Contract) -> QuerySet[Review]:
    """The reviews written about a contract (one per side at most)."""
    return Review.objects.filter(contract=contract)


def refunds_asked(payment_id: int) -> int:
    """What Reelmatch has asked Stripe to refund of a payment: every refund row not failed
    (a row is written before Stripe is called)."""
    total = (
        Refund.objects.filter(payment_id=payment_id)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or 0


def reversal_requested(milestone_id: int) -> bool:
    """Whether one of our refunds reverses the milestone's payout (so a reversal Stripe reports
    for it was asked by us)."""
    return (
        Refund.objects.filter(milestone_id=milestone_id, reverses_payout=True)
        .exclude(status=RefundStatus.FAILED)
        .exists()
    )
