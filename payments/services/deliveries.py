"""The work itself, per milestone: deliveries, revision requests, cancellation before funding,
auto-approval. The contract-level services act on a one-milestone contract's milestone."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from campaigns.conversations.services import contract_feedback_post
from campaigns.models import Delivery, Milestone, MilestoneStatus
from campaigns.selectors import contract_parties
from campaigns.services import (
    contract_party_side,
    contract_rights_start_if_due,
    delivery_licence_check,
    delivery_licence_flag,
)
from creators.models import GeneratedVideo
from creators.services import creator_touch, videos_build
from marketplace.audit import notify, transition
from marketplace.errors import Conflict, InvalidInput
from marketplace.models import User

from ..errors import PaymentError
from ..locks import lock_milestone
from ..models import PaymentItem, PaymentStatus
from .common import (
    require_brand_member,
    require_creator,
    sync_contract,
)
from .payouts import milestone_approve


@transaction.atomic
def milestone_deliver(
    *, actor: User, milestone_id: int, videos: list[dict[str, Any]], note: str = ""
) -> Delivery:
    """The creator delivers a funded milestone's work (generated-video links), or again after
    a revision request; the brand is asked to review it. A video whose generator plan forbids
    commercial use is refused (`licence_not_commercial`); a conditional or unknown licence
    flags the delivery."""
    contract, milestone = lock_milestone(milestone_id)
    require_creator(actor, contract)
    if not videos:
        raise InvalidInput(
            "deliver at least one video", code=PaymentError.VIDEOS_REQUIRED, field="videos"
        )
    if not milestone.requires_delivery:
        raise Conflict(
            "this milestone needs no delivery",
            code=PaymentError.NO_DELIVERY_NEEDED,
            current_state=milestone.status,
        )
    built = videos_build(videos)
    delivery_licence_check(contract=contract, videos=built)
    number = contract.deliveries.count() + 1
    milestone.delivered_at = timezone.now()
    transition(milestone, "deliver", actor=actor, fields=["delivered_at"])
    delivery = Delivery.objects.create(
        contract=contract, milestone=milestone, number=number, note=note
    )
    delivery.videos.set(GeneratedVideo.objects.bulk_create(built))
    delivery_licence_flag(delivery=delivery, videos=built)
    sync_contract(contract, actor=actor)
    creator_touch(profile_id=contract.creator_id)
    notify(
        contract_parties(contract, side="brand"),
        kind="contract_delivered",
        message=f"Contract #{contract.pk}: delivery {number} (milestone {milestone.position}) "
        "is ready for review.",
        obj=contract,
    )
    return delivery


@transaction.atomic
def milestone_request_revision(
    *,
    actor: User,
    milestone_id: int,
    note: str,
    feedback: list[dict[str, Any]] | None = None,
) -> Milestone:
    """A brand member asks for changes to a milestone's latest delivery (at most its
    `max_revisions`; a change order buys more); timestamped `feedback` items (text, video,
    at_s) go to the contract's thread with it."""
    contract, milestone = lock_milestone(milestone_id)
    require_brand_member(actor, contract)
    if not note.strip():
        raise InvalidInput("say what should change", code=PaymentError.NOTE_REQUIRED, field="note")
    if (
        milestone.status == MilestoneStatus.DELIVERED
        and milestone.revisions_used >= milestone.max_revisions
    ):
        raise Conflict(
            f"all {milestone.max_revisions} revisions are used; approve, open a dispute or "
            "propose an extra-revision change order",
            code=PaymentError.REVISIONS_EXHAUSTED,
            current_state=milestone.status,
        )
    milestone.revisions_used += 1
    transition(milestone, "request_revision", actor=actor, fields=["revisions_used"])
    latest = milestone.deliveries.order_by("-number").first()
    if latest is not None:
        latest.revision_note = note
        latest.save(update_fields=["revision_note"])
    sync_contract(contract, actor=actor)
    contract_feedback_post(actor=actor, contract=contract, items=list(feedback or []))
    notify(
        contract_parties(contract, side="creator"),
        kind="revision_requested",
        message=f"Contract #{contract.pk}: a revision of milestone {milestone.position} was "
        "requested.",
        obj=contract,
    )
    return milestone


@transaction.atomic
def milestone_cancel(*, actor: User, milestone_id: int) -> Milestone:
    """Either party cancels a milestone that was never funded (money that still arrives for
    it is refunded). A milestone whose pending funding also covers other milestones is not
    cancelled (409 `funding_in_progress`): those would be left unfundable."""
    contract, milestone = lock_milestone(milestone_id)
    contract_party_side(actor, contract)
    pending = PaymentItem.objects.filter(milestone=milestone).exclude(
        payment__status=PaymentStatus.SUCCEEDED
    )
    shared = (
        PaymentItem.objects.filter(payment_id__in=pending.values("payment_id"))
        .exclude(milestone=milestone)
        .values_list("milestone_id", flat=True)
    )
    if milestone.status == MilestoneStatus.AWAITING_FUNDING and shared.exists():
        raise Conflict(
            "a funding of this milestone with others is under way; complete it first",
            code=PaymentError.FUNDING_IN_PROGRESS,
            current_state=milestone.status,
            pending_milestones=sorted([milestone.pk, *shared]),
        )
    transition(milestone, "cancel", actor=actor)
    sync_contract(contract, actor=actor)
    contract_rights_start_if_due(contract)
    notify(
        contract_parties(contract),
        kind="contract_cancelled",
        message=f"Contract #{contract.pk}: milestone {milestone.position} was cancelled before "
        "funding.",
        obj=contract,
    )
    return milestone


def milestones_auto_approve(*, now: datetime | None = None) -> int:
    """Approve every milestone delivered longer ago than AUTO_APPROVE_AFTER; safe to run
    twice."""
    cutoff = (now or timezone.now()) - settings.AUTO_APPROVE_AFTER
    due = Milestone.objects.filter(status=MilestoneStatus.DELIVERED, delivered_at__lte=cutoff)
    approved = 0
    for milestone_id in due.order_by("pk").values_list("pk", flat=True):
        try:
            milestone_approve(actor=None, milestone_id=milestone_id, delivered_before=cutoff)
            approved += 1
        except Conflict:
            continue  # approved, revised or disputed meanwhile
    return approved
