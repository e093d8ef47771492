"""The staff's work queues, counted for the admin index: how many items wait in each and
since when, each linking to its filtered changelist. A wait is measured from when the item
entered its queue (submitted, flagged, failed, resubmitted), never from its last edit.

It lives in payments because that is the lowest app that can see every queue's table
(briefs, brand verifications, reels, applications, disputes, licence flags, flagged messages,
refunds, payouts)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Count, Expression, F, Min, QuerySet
from django.urls import reverse

from campaigns.conversations.selectors import flagged_messages_waiting
from campaigns.models import (
    BrandVerification,
    Brief,
    BriefStatus,
    Delivery,
    Dispute,
    DisputeStatus,
    LicenceFlag,
    VerificationStatus,
)
from creators.models import ApplicationStatus, Moderation, PartnerApplication, Reel
from marketplace.audit import entered_state_at

from .models import (
    MoneyWorkItem,
    Refund,
    RefundStatus,
    Transfer,
    TransferStatus,
    WorkItemStatus,
)


@dataclass(frozen=True)
class Queue:
    label: str
    changelist: str  # the admin URL name
    query: dict[str, str]
    items: Callable[[], QuerySet]
    # When an item entered the queue: a field, or an expression (from the audit trail).
    since: Callable[[], Expression]


QUEUES: tuple[Queue, ...] = (
    Queue(
        "Briefs waiting for review",
        "admin:campaigns_brief_changelist",
        {"status__exact": BriefStatus.IN_REVIEW},
        lambda: Brief.objects.filter(status=BriefStatus.IN_REVIEW),
        lambda: F("submitted_at"),
    ),
    Queue(
        "Brand verification requests",
        "admin:campaigns_brandverification_changelist",
        {"status__exact": VerificationStatus.PENDING},
        lambda: BrandVerification.objects.filter(status=VerificationStatus.PENDING),
        lambda: F("created_at"),
    ),
    Queue(
        "Reels waiting for moderation",
        "admin:creators_reel_changelist",
        {"moderation__exact": Moderation.PENDING},
        lambda: Reel.objects.filter(moderation=Moderation.PENDING),
        lambda: entered_state_at(Reel, Moderation.PENDING, fallback="created_at"),
    ),
    Queue(
        "Partner applications waiting",
        "admin:creators_partnerapplication_changelist",
        {"status__exact": ApplicationStatus.PENDING},
        lambda: PartnerApplication.objects.filter(status=ApplicationStatus.PENDING),
        lambda: F("created_at"),
    ),
    Queue(
        "Open disputes",
        "admin:campaigns_dispute_changelist",
        {"status__exact": DisputeStatus.OPEN},
        lambda: Dispute.objects.filter(status=DisputeStatus.OPEN),
        lambda: F("created_at"),
    ),
    Queue(
        "Licence-flagged deliveries",
        "admin:campaigns_delivery_changelist",
        {"licence_flag__exact": LicenceFlag.FLAGGED},
        lambda: Delivery.objects.filter(licence_flag=LicenceFlag.FLAGGED),
        # A delivery is flagged when it is made.
        lambda: F("created_at"),
    ),
    Queue(
        "Flagged messages",
        "admin:campaigns_message_changelist",
        {"queue": "waiting"},
        flagged_messages_waiting,
        lambda: F("created_at"),
    ),
    Queue(
        "Failed refunds",
        "admin:payments_refund_changelist",
        {"status__exact": RefundStatus.FAILED},
        lambda: Refund.objects.filter(status=RefundStatus.FAILED),
        lambda: entered_state_at(Refund, RefundStatus.FAILED, fallback="created_at"),
    ),
    Queue(
        "Failed payouts",
        "admin:payments_transfer_changelist",
        {"status__exact": TransferStatus.FAILED},
        lambda: Transfer.objects.filter(status=TransferStatus.FAILED),
        lambda: entered_state_at(Transfer, TransferStatus.FAILED, fallback="created_at"),
    ),
    Queue(
        "Money work items (reversals, refunds, disputes from Stripe; stuck work)",
        "admin:payments_moneyworkitem_changelist",
        {"status__exact": WorkItemStatus.OPEN},
        lambda: MoneyWorkItem.objects.filter(status=WorkItemStatus.OPEN),
        lambda: F("created_at"),
    ),
)


@dataclass(frozen=True)
class QueueState:
    label: str
    count: int
    oldest: datetime | None
    url: str


def staff_queues() -> list[QueueState]:
    """Each queue's size and its oldest item's time (one aggregate query per queue)."""
    states = []
    for queue in QUEUES:
        items = queue.items().order_by().annotate(entered=queue.since())
        totals = items.aggregate(n=Count("pk"), oldest=Min("entered"))
        url = f"{reverse(queue.changelist)}?{urlencode(queue.query)}"
        states.append(QueueState(queue.label, totals["n"], totals["oldest"], url))
    return states
