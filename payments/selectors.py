"""Reads of payments: a creator's earnings and payouts."""

from collections import defaultdict

from django.db.models import F, Prefetch, QuerySet, Sum

from campaigns.disclosure import PackDelivery
from campaigns.models import (
    Contract,
    ContractKind,
    Delivery,
    Dispute,
    DisputeStatus,
    Milestone,
    MilestoneStatus,
)
from campaigns.rights import milestone_work_licensed
from creators.models import CreatorProfile, GeneratedVideo, Review
from marketplace.errors import Conflict

from .errors import PaymentError
from .models import (
    PaymentItem,
    PaymentStatus,
    Refund,
    RefundStatus,
    Transfer,
    TransferStatus,
)

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


def deliveries_with_videos() -> QuerySet[Delivery]:
    """Deliveries with their videos and the videos' licences (two queries in all)."""
    return Delivery.objects.prefetch_related(
        Prefetch("videos", queryset=GeneratedVideo.objects.select_related("licence").order_by("id"))
    )


def contract_deliveries(contract: Contract) -> QuerySet[Delivery]:
    """A contract's deliveries, oldest first, with their videos."""
    return deliveries_with_videos().filter(contract=contract)


# A milestone whose latest delivery waits for the brand's decision: its videos are in the pack,
# marked as not (yet) licensed.
IN_REVIEW = (
    MilestoneStatus.DELIVERED,
    MilestoneStatus.REVISION_REQUESTED,
    MilestoneStatus.DISPUTED,
)


def contract_pack_deliveries(contract: Contract) -> list[PackDelivery]:
    """What the disclosure pack covers: per deliverable milestone its latest delivery, in
    milestone order, `licensed` when the brand paid for that work (approved, paid, or a
    dispute resolved as a release or a split; a test shot only once its rights were
    granted), else still in review. Refunded, cancelled and refund-resolved work is left out.
    Four queries, whatever the number of milestones and videos."""
    milestones = list(
        Milestone.objects.filter(contract=contract, requires_delivery=True)
        .order_by("position")
        .values_list("pk", "status")
    )
    resolutions = dict(
        Dispute.objects.filter(contract=contract, status=DisputeStatus.RESOLVED)
        .order_by("resolved_at", "pk")
        .values_list("milestone_id", "resolution")
    )
    latest: dict[int, int] = {}
    for milestone_id, delivery_id in (
        Delivery.objects.filter(contract=contract)
        .order_by("number")
        .values_list("milestone_id", "pk")
    ):
        latest[milestone_id] = delivery_id
    rights_granted = contract.kind != ContractKind.TEST_SHOT or bool(contract.usage_rights)
    chosen: dict[int, bool] = {}
    for milestone_id, status in milestones:
        if milestone_id not in latest:
            continue
        if milestone_work_licensed(status, resolutions.get(milestone_id)):
            chosen[latest[milestone_id]] = rights_granted
        elif status in IN_REVIEW:
            chosen[latest[milestone_id]] = False
    deliveries = {d.pk: d for d in contract_deliveries(contract).filter(pk__in=list(chosen))}
    return [
        PackDelivery(
            delivery=deliveries[pk], videos=list(deliveries[pk].videos.all()), licensed=licensed
        )
        for pk, licensed in chosen.items()
    ]


def milestone_deliveries(milestone: Milestone) -> QuerySet[Delivery]:
    """A milestone's deliveries, oldest first, with their videos."""
    return deliveries_with_videos().filter(milestone=milestone)


def contract_reviews(contract: Contract) -> QuerySet[Review]:
    """The reviews written about a contract (one per side at most)."""
    return Review.objects.filter(contract=contract)


def milestone_refunded(milestone_id: int) -> int:
    """What was refunded (or is being refunded) of a milestone: its refunds that did not fail."""
    total = (
        Refund.objects.filter(milestone_id=milestone_id)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or 0


def refunds_asked(payment_id: int) -> int:
    """What Reelmatch has asked Stripe to refund of a payment: every refund row not failed
    (a row is written before Stripe is called)."""
    total = (
        Refund.objects.filter(payment_id=payment_id)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or 0


def milestone_charged(milestone_id: int) -> int:
    """What was charged for a milestone: its share of every succeeded payment."""
    total = PaymentItem.objects.filter(
        milestone_id=milestone_id, payment__status=PaymentStatus.SUCCEEDED
    ).aggregate(total=Sum("amount"))["total"]
    return total or 0


def reversal_requested(milestone_id: int) -> bool:
    """Whether one of our refunds reverses the milestone's payout (so a reversal Stripe reports
    for it was asked by us)."""
    return (
        Refund.objects.filter(milestone_id=milestone_id, reverses_payout=True)
        .exclude(status=RefundStatus.FAILED)
        .exists()
    )


MILESTONE_ACTIONS = "/api/v1/milestones/{id}/<action>/"


def single_milestone_id(contract_id: int) -> int:
    """The id of the one milestone of a contract, for the contract-level actions; a contract
    of several answers 409 naming the milestone endpoints (and a missing one 404, later)."""
    ids = list(
        Milestone.objects.filter(contract_id=contract_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(ids) != 1:
        raise Conflict(
            "this contract has several milestones: act on one through "
            f"{MILESTONE_ACTIONS} (or fund several with `milestones` on the contract's fund)",
            code=PaymentError.USE_MILESTONE_ENDPOINTS,
            milestones=ids,
            endpoints={
                "list": f"/api/v1/contracts/{contract_id}/milestones/",
                "actions": MILESTONE_ACTIONS,
            },
        )
    return ids[0]
