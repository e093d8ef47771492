"""Paid test shots: instead of asking for unpaid spec work, a brand member offers a bidder on an
open brief a small paid test. It is a one-milestone contract of kind `test_shot` that funds,
delivers and pays like any other, takes no slot of the brief, and grants no usage rights unless
the brand later accepts that creator's bid (`grant_test_shot_rights`)."""

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from marketplace.audit import audit_record, notify
from marketplace.errors import Conflict, InvalidInput, InvalidTransition
from marketplace.models import User

from .. import pricing
from ..errors import CampaignError
from ..generation_cost import estimate_generation_cost, format_amount
from ..locks import lock_brief
from ..models import (
    ENDED_CONTRACT_STATUSES,
    Bid,
    BidStatus,
    Brief,
    BriefStatus,
    Contract,
    ContractKind,
    ContractStatus,
)
from .common import brief_usage_rights, deliverables_normalise, require_member
from .contracts import milestones_snapshot

TEST_SHOT_TITLE = "Test shot"


def paid_shot_minimum_fee(brief: Brief, deliverable: dict[str, Any]) -> int:
    """The least a test shot may pay: the highest generation-cost estimate among the brief's
    preferred models for the test's own seconds (campaigns.generation_cost), so the creator is
    not out of pocket whichever of them they use; 1 when no model has a price."""
    seconds = int(deliverable["count"]) * int(deliverable["duration_s"])
    probe = SimpleNamespace(
        preferred_models=brief.preferred_models, total_seconds=seconds, currency=brief.currency
    )
    estimates = estimate_generation_cost(probe)
    return max([e["amount"] for e in estimates], default=1)


@transaction.atomic
def paid_shot_offer(
    *,
    actor: User,
    brief: Brief,
    bid_id: int,
    fee: int,
    deliverable: dict[str, Any],
    due_date: datetime,
    note: str = "",
) -> Contract:
    """A member of the brief's brand offers the creator of a live bid on the open brief a paid
    test: one deliverable, due by `due_date` (after now, by the brief's delivery deadline), for
    `fee` at least the generation-cost estimate. One live test shot per creator and brief. The
    contract (kind `test_shot`, awaiting funding) has no usage rights and takes no slot; the
    creator is notified."""
    require_member(actor, brief.brand_id, what="offer test shots")
    brief = lock_brief(brief.pk)
    if brief.status != BriefStatus.OPEN:
        raise InvalidTransition("brief", brief.status, "offer a test shot on")
    bid = _live_bid(brief, bid_id)
    item = deliverables_normalise([deliverable])[0]
    _terms_check(brief, item, fee=fee, due_date=due_date)
    live = Contract.objects.filter(
        brief=brief, creator=bid.creator, kind=ContractKind.TEST_SHOT
    ).exclude(status__in=ENDED_CONTRACT_STATUSES)
    if live.exists():
        raise Conflict(
            "this creator already has a test shot on this brief in progress",
            code=CampaignError.TEST_SHOT_EXISTS,
            current_state=brief.status,
        )
    contract = _contract_create(brief, bid, item, fee=fee, due_date=due_date)
    audit_record(
        actor=actor,
        verb="offer_test_shot",
        obj=contract,
        after=contract.status,
        data={"bid": bid.pk, "fee": fee, "note": note[:500]},
    )
    notify(
        [bid.creator.user],
        kind="test_shot_offered",
        message=f"{brief.brand.name} offers you a paid test shot on “{brief.title}” for "
        f"{format_amount(fee, brief.currency)}; it starts once they fund it.",
        obj=contract,
    )
    return contract


def _live_bid(brief: Brief, bid_id: int) -> Bid:
    """The submitted or shortlisted bid `bid_id` on the brief (400 on `bid` otherwise)."""
    bid = (
        Bid.objects.select_related("creator__user")
        .filter(pk=bid_id, brief=brief, status__in=[BidStatus.SUBMITTED, BidStatus.SHORTLISTED])
        .first()
    )
    if bid is None:
        raise InvalidInput(
            "a test shot goes to the creator of a live bid on this brief",
            code=CampaignError.NOT_A_BIDDER,
            field="bid",
        )
    return bid


def _terms_check(brief: Brief, item: dict[str, Any], *, fee: int, due_date: datetime) -> None:
    """The due date lies after now and by the brief's delivery deadline; the fee covers the
    generation-cost estimate (400 naming the field otherwise)."""
    if due_date <= timezone.now() or due_date > brief.delivery_deadline:
        raise InvalidInput(
            "the test is due after now and by the brief's delivery deadline",
            code=CampaignError.DUE_DATE_INVALID,
            field="due_date",
        )
    minimum = paid_shot_minimum_fee(brief, item)
    if fee < minimum:
        raise InvalidInput(
            f"the fee must cover the estimated generation cost: at least "
            f"{format_amount(minimum, brief.currency)}",
            code=CampaignError.TEST_SHOT_BELOW_COST,
            field="fee",
            minimum_fee=minimum,
        )


def _contract_create(
    brief: Brief, bid: Bid, item: dict[str, Any], *, fee: int, due_date: datetime
) -> Contract:
    """The test shot's contract, awaiting funding, with its one milestone and no rights."""
    tier = bid.creator.tier
    platform_fee = pricing.platform_fee(fee, tier)
    contract = Contract.objects.create(
        kind=ContractKind.TEST_SHOT,
        bid=None,
        brief=brief,
        brand_id=brief.brand_id,
        creator=bid.creator,
        amount=fee,
        currency=brief.currency,
        creator_tier=tier,
        fee_bps=pricing.fee_bps(tier),
        fee=platform_fee,
        creator_net=fee - platform_fee,
        deliverables=[item],
        delivery_deadline=due_date,
        usage_rights={},
        max_revisions=settings.MAX_REVISIONS,
        status=ContractStatus.AWAITING_FUNDING,
    )
    milestones_snapshot(
        contract=contract,
        proposals=[{"title": TEST_SHOT_TITLE, "amount": fee, "due_date": due_date}],
    )
    return contract


def grant_test_shot_rights(*, brief: Brief, creator_id: int, actor: User | None) -> int:
    """When a creator's bid is accepted, their test shots on the brief gain the brief's usage
    rights (inside the acceptance's transaction); answers how many."""
    granted = 0
    rights = brief_usage_rights(brief)
    for contract in Contract.objects.select_for_update(of=("self",)).filter(
        brief=brief, creator_id=creator_id, kind=ContractKind.TEST_SHOT
    ):
        contract.usage_rights = rights
        contract.save(update_fields=["usage_rights", "updated_at"])
        audit_record(actor=actor, verb="grant_rights", obj=contract, data={"rights": rights})
        granted += 1
    return granted
