"""The work itself: deliveries, revision requests, cancellation before funding, auto-approval."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from campaigns.conversations.services import contract_feedback_post
from campaigns.models import Contract, ContractStatus, Delivery
from campaigns.selectors import brand_member_users
from campaigns.services import delivery_licence_check, delivery_licence_flag
from creators.models import GeneratedVideo
from creators.services import creator_touch, videos_build
from marketplace.audit import notify, transition
from marketplace.errors import Conflict, InvalidInput
from marketplace.models import User

from ..errors import PaymentError
from ..locks import lock_contract
from .common import (
    after_contract_end,
    party_users,
    require_brand_member,
    require_creator,
    require_party,
)
from .payouts import contract_approve


@transaction.atomic
def delivery_submit(
    *, actor: User, contract_id: int, videos: list[dict[str, Any]], note: str = ""
) -> Delivery:
    """The creator delivers the work (generated-video links) on a funded contract, or again
    after a revision request. A video whose generator plan forbids commercial use is refused
    (`licence_not_commercial`); a conditional or unknown licence flags the delivery."""
    contract = lock_contract(contract_id)
    require_creator(actor, contract)
    if not videos:
        raise InvalidInput(
            "deliver at least one video", code=PaymentError.VIDEOS_REQUIRED, field="videos"
        )
    built = videos_build(videos)
    delivery_licence_check(contract=contract, videos=built)
    number = contract.deliveries.count() + 1
    contract.delivered_at = timezone.now()
    transition(
        contract,
        to=ContractStatus.DELIVERED,
        allowed=Contract.ALLOWED,
        actor=actor,
        verb="deliver",
        extra_fields=["delivered_at"],
    )
    delivery = Delivery.objects.create(contract=contract, number=number, note=note)
    delivery.videos.set(GeneratedVideo.objects.bulk_create(built))
    delivery_licence_flag(delivery=delivery, videos=built)
    creator_touch(profile_id=contract.creator_id)
    notify(
        brand_member_users(contract.brand_id),
        kind="contract_delivered",
        message=f"Contract #{contract.pk}: delivery {number} is ready for review.",
        obj=contract,
    )
    return delivery


@transaction.atomic
def contract_request_revision(
    *, actor: User, contract_id: int, note: str, feedback: list[dict[str, Any]] | None = None
) -> Contract:
    """A brand member asks for changes to the latest delivery (at most `max_revisions`);
    timestamped `feedback` items (text, video, at_s) go to the contract's thread with it."""
    contract = lock_contract(contract_id)
    require_brand_member(actor, contract)
    if not note.strip():
        raise InvalidInput("say what should change", code=PaymentError.NOTE_REQUIRED, field="note")
    if (
        contract.status == ContractStatus.DELIVERED
        and contract.revisions_used >= contract.max_revisions
    ):
        raise Conflict(
            f"all {contract.max_revisions} revisions are used; approve or open a dispute",
            code=PaymentError.REVISIONS_EXHAUSTED,
            current_state=contract.status,
        )
    contract.revisions_used += 1
    transition(
        contract,
        to=ContractStatus.REVISION_REQUESTED,
        allowed=Contract.ALLOWED,
        actor=actor,
        verb="request_revision",
        extra_fields=["revisions_used"],
    )
    latest = contract.deliveries.order_by("-number").first()
    if latest is not None:
        latest.revision_note = note
        latest.save(update_fields=["revision_note"])
    contract_feedback_post(actor=actor, contract=contract, items=list(feedback or []))
    notify(
        [contract.creator.user],
        kind="revision_requested",
        message=f"Contract #{contract.pk}: a revision was requested.",
        obj=contract,
    )
    return contract


@transaction.atomic
def contract_cancel(*, actor: User, contract_id: int) -> Contract:
    """Either party cancels a contract that was never funded."""
    contract = lock_contract(contract_id)
    require_party(actor, contract)
    transition(
        contract, to=ContractStatus.CANCELLED, allowed=Contract.ALLOWED, actor=actor, verb="cancel"
    )
    after_contract_end(contract)
    notify(
        party_users(contract),
        kind="contract_cancelled",
        message=f"Contract #{contract.pk} was cancelled before funding.",
        obj=contract,
    )
    return contract


def contracts_auto_approve(*, now: datetime | None = None) -> int:
    """Approve every contract delivered longer ago than AUTO_APPROVE_AFTER; safe to run twice."""
    cutoff = (now or timezone.now()) - settings.AUTO_APPROVE_AFTER
    due = Contract.objects.filter(status=ContractStatus.DELIVERED, delivered_at__lte=cutoff)
    approved = 0
    for contract_id in due.values_list("pk", flat=True):
        try:
            contract_approve(actor=None, contract_id=contract_id, delivered_before=cutoff)
            approved += 1
        except Conflict:
            continue  # approved, revised or disputed meanwhile
    return approved
