"""Writes on bids: a creator bids, edits and withdraws; the brand shortlists, rejects, accepts.

Accepting a bid creates its contract in the same transaction. Locks: the brief before its bids,
bids in primary-key order (`campaigns.locks`).
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from creators.models import TIER_RANK, CreatorProfile, Moderation, Reel
from creators.services import creator_touch
from marketplace.audit import audit_record, contacts_masked_record, notify, transition
from marketplace.contacts import mask as mask_contacts
from marketplace.errors import CommonError, Conflict, Forbidden, InvalidInput, InvalidTransition
from marketplace.listcache import lists_changed
from marketplace.models import User
from marketplace.transitions import transition_target

from .. import pricing
from ..errors import BidRule, CampaignError
from ..locks import lock_bid, lock_brief, lock_live_bids
from ..models import (
    LIVE_BID_STATUSES,
    Bid,
    BidStatus,
    Brief,
    BriefStatus,
    Contract,
    ContractStatus,
    Visibility,
)
from ..rights import contract_window_terms, ip_chain_snapshot
from ..selectors import brand_member_users, invitation_pending, is_brand_member
from .common import brief_usage_rights, require_member
from .contracts import milestones_check, milestones_snapshot
from .shots import grant_test_shot_rights


def _sample_reels(creator: CreatorProfile, reel_ids: Iterable[int]) -> list[Reel]:
    ids = list(dict.fromkeys(int(pk) for pk in reel_ids))
    reels = list(Reel.objects.filter(pk__in=ids, creator=creator, moderation=Moderation.APPROVED))
    if len(reels) != len(ids):
        raise InvalidInput(
            "sample reels must be your own approved reels",
            code=CampaignError.SAMPLE_REELS_INVALID,
            field="sample_reels",
        )
    return reels


def _check_bid_currency(brief: Brief, currency: str) -> None:
    if currency and currency.upper() != brief.currency:
        raise InvalidInput(
            f"bids on this brief are in {brief.currency}",
            code=CampaignError.BID_CURRENCY_MISMATCH,
            field="currency",
        )


def _check_amount(amount: int) -> None:
    if amount < 1:
        raise InvalidInput("must be positive", code=CampaignError.AMOUNT_INVALID, field="amount")


def _check_bidding_open(brief: Brief) -> None:
    if brief.status != BriefStatus.OPEN:
        raise InvalidTransition("brief", brief.status, "bid on")
    if timezone.now() >= brief.bid_deadline:
        raise Conflict(
            "the bid deadline has passed",
            code=CampaignError.BID_DEADLINE_PASSED,
            current_state=brief.status,
        )


def _check_may_bid(actor: User, creator: CreatorProfile, brief: Brief) -> None:
    """Refuse (403, naming the rule) a creator the brief's rules keep from bidding."""
    if creator.suspended:
        raise Forbidden(
            "your account is suspended, so you cannot bid",
            code=CampaignError.CREATOR_SUSPENDED,
            rule=BidRule.SUSPENDED,
        )
    if TIER_RANK[creator.tier] < TIER_RANK[brief.min_tier]:
        raise Forbidden(
            f"this brief needs the {brief.min_tier} tier or higher and you are {creator.tier}",
            code=CampaignError.BELOW_MIN_TIER,
            rule=BidRule.BELOW_MIN_TIER,
        )
    if brief.visibility == Visibility.INVITE_ONLY and not invitation_pending(
        brief=brief, creator=creator
    ):
        raise Forbidden(
            "this brief is invite-only and you hold no pending invitation to it",
            code=CampaignError.NOT_INVITED,
            rule=BidRule.NOT_INVITED,
        )
    if is_brand_member(actor, brief.brand_id):
        raise Forbidden(
            "you cannot bid on your own brand's brief",
            code=CampaignError.OWN_BRAND,
            rule=BidRule.OWN_BRAND,
        )


def _contacts_hidden(
    pitch: str, stages: list[dict[str, Any]]
) -> tuple[str, list[dict[str, Any]], dict[str, tuple[str, list[str]]]]:
    """The pitch and milestone titles as the brand reads them before a contract, contact
    details hidden, and the originals of those that had any (by field), for staff."""
    originals: dict[str, tuple[str, list[str]]] = {}
    shown, kinds = mask_contacts(pitch or "")
    if kinds:
        originals["pitch"] = (pitch, kinds)
    masked_stages = []
    for i, stage in enumerate(stages):
        title, kinds = mask_contacts(str(stage.get("title", "")))
        if kinds:
            originals[f"milestones[{i}].title"] = (stage["title"], kinds)
            stage = {**stage, "title": title[:150]}
        masked_stages.append(stage)
    return shown, masked_stages, originals


LIVE_BID_MESSAGE = "you already have a live bid on this brief; edit or withdraw it instead"


@transaction.atomic
def bid_create(
    *,
    actor: User,
    brief: Brief,
    amount: int,
    currency: str = "",
    pitch: str = "",
    delivery_days: int | None = None,
    sample_reels: Iterable[int] = (),
    milestones: Iterable[dict[str, Any]] = (),
) -> Bid:
    """A creator bids on an open brief before its deadline, in the brief's currency, optionally
    proposing milestones (titles, positive amounts summing to the bid, due dates by the brief's
    delivery deadline; at most 20). Refused (403, naming the rule) for a non-creator, a
    suspended creator, one below the minimum tier, one not holding a pending invitation to an
    invite-only brief, or a member of the brief's brand. One live bid per creator and brief.
    Brand members are notified."""
    creator = _bidder(actor)
    # The brief row is locked so a bid never lands on a brief being awarded or cancelled, and
    # so one creator's concurrent bids are serialised.
    brief = lock_brief(brief.pk)
    _check_may_bid(actor, creator, brief)
    _check_bidding_open(brief)
    _check_bid_currency(brief, currency)
    _check_amount(amount)
    stages = milestones_check(list(milestones), amount=amount, deadline=brief.delivery_deadline)
    pitch, stages, originals = _contacts_hidden(pitch, stages)
    reels = _sample_reels(creator, sample_reels)
    existing = Bid.objects.filter(
        brief=brief, creator=creator, status__in=LIVE_BID_STATUSES
    ).first()
    if existing is not None:
        raise Conflict(LIVE_BID_MESSAGE, code=CampaignError.LIVE_BID_EXISTS, bid_id=existing.pk)
    try:
        with transaction.atomic():
            bid = Bid.objects.create(
                brief=brief,
                creator=creator,
                amount=amount,
                currency=brief.currency,
                pitch=pitch,
                delivery_days=delivery_days,
                milestones=stages,
            )
    except IntegrityError as exc:
        # The partial unique index caught a concurrent duplicate the check above missed.
        raise Conflict(LIVE_BID_MESSAGE, code=CampaignError.LIVE_BID_EXISTS) from exc
    bid.sample_reels.set(reels)
    audit_record(actor=actor, verb="create", obj=bid, after=bid.status)
    contacts_masked_record(actor=actor, obj=bid, originals=originals)
    notify(
        brand_member_users(brief.brand_id),
        kind="bid_new",
        message=f"@{creator.handle} bid on “{brief.title}”.",
        obj=bid,
    )
    creator_touch(profile_id=creator.pk)
    return bid


def _bidder(actor: User) -> CreatorProfile:
    """The actor's creator profile; 403 (rule `not_a_creator`) without one."""
    creator = getattr(actor, "creator_profile", None)
    if creator is None:
        raise Forbidden(
            "only creators can bid", code=CommonError.NOT_A_CREATOR, rule=BidRule.NOT_A_CREATOR
        )
    return creator


def _require_bidder(actor: User, bid: Bid, *, what: str) -> None:
    if bid.creator.user_id != actor.pk:
        raise Forbidden(
            f"only the creator who made a bid may {what} it", code=CampaignError.NOT_BIDDER
        )


@transaction.atomic
def bid_update(*, actor: User, bid: Bid, data: dict[str, Any]) -> Bid:
    """The bidder edits a bid while it is submitted, the brief open and before the deadline."""
    bid = lock_bid(bid.pk)
    _require_bidder(actor, bid, what="edit")
    if bid.status != BidStatus.SUBMITTED:
        raise InvalidTransition("bid", bid.status, "edit")
    _check_bidding_open(bid.brief)
    _check_bid_currency(bid.brief, data.get("currency", ""))
    if "amount" in data:
        _check_amount(data["amount"])
        bid.amount = data["amount"]
    if "amount" in data or "milestones" in data:
        bid.milestones = milestones_check(
            data.get("milestones", bid.milestones),
            amount=bid.amount,
            deadline=bid.brief.delivery_deadline,
        )
    for key in ("pitch", "delivery_days"):
        if key in data:
            setattr(bid, key, data[key])
    pitch, stages, originals = _contacts_hidden(
        bid.pitch if "pitch" in data else "",
        bid.milestones if "amount" in data or "milestones" in data else [],
    )
    if "pitch" in data:
        bid.pitch = pitch
    if "amount" in data or "milestones" in data:
        bid.milestones = stages
    if "sample_reels" in data:
        bid.sample_reels.set(_sample_reels(bid.creator, data["sample_reels"]))
    bid.save()
    contacts_masked_record(actor=actor, obj=bid, originals=originals)
    creator_touch(profile_id=bid.creator_id)
    return bid


@transaction.atomic
def bid_withdraw(*, actor: User, bid: Bid) -> Bid:
    """The bidder withdraws a submitted or shortlisted bid; brand members are notified."""
    bid = lock_bid(bid.pk)
    _require_bidder(actor, bid, what="withdraw")
    transition(bid, "withdraw", actor=actor)
    notify(
        brand_member_users(bid.brief.brand_id),
        kind="bid_withdrawn",
        message=f"@{bid.creator.handle} withdrew their bid on “{bid.brief.title}”.",
        obj=bid,
    )
    return bid


@transaction.atomic
def bid_shortlist(*, actor: User, bid: Bid) -> Bid:
    """A member of the brief's brand shortlists a submitted bid; the creator is notified."""
    require_member(actor, bid.brief.brand_id, what="shortlist bids")
    bid = lock_bid(bid.pk)
    transition(bid, "shortlist", actor=actor)
    notify(
        [bid.creator.user],
        kind="bid_shortlisted",
        message=f"Your bid on “{bid.brief.title}” was shortlisted.",
        obj=bid,
    )
    return bid


@transaction.atomic
def bid_reject(*, actor: User, bid: Bid, reason: str = "") -> Bid:
    """A member of the brief's brand rejects a live bid; the creator is notified."""
    require_member(actor, bid.brief.brand_id, what="reject bids")
    bid = lock_bid(bid.pk)
    transition(bid, "reject", actor=actor, data={"reason": reason} if reason else None)
    suffix = f": {reason.strip()}" if reason.strip() else "."
    notify(
        [bid.creator.user],
        kind="bid_rejected",
        message=f"Your bid on “{bid.brief.title}” was rejected{suffix}",
        obj=bid,
    )
    return bid


def bids_reject_live(*, brief: Brief, actor: User | None, why: str) -> int:
    """Reject the brief's submitted and shortlisted bids (locked in pk order); notify creators.

    For the services that end a brief's bidding (award, cancel), inside their transaction.
    """
    count = 0
    for bid in lock_live_bids(brief.pk):
        transition(bid, "reject", actor=actor, data={"reason": why})
        notify(
            [bid.creator.user],
            kind="bid_rejected",
            message=f"Your bid on “{brief.title}” was not chosen: {why}.",
            obj=bid,
        )
        count += 1
    return count


def _contract_from_bid(bid: Bid, brief: Brief) -> Contract:
    """The contract of an accepted bid: price, tier, fee, deliverables, terms and the IP's
    rights chain snapshotted, and its milestones (the bid's proposals, or one holding the whole
    price); the usage window waits for the work's approval."""
    tier = bid.creator.tier
    fee = pricing.platform_fee(bid.amount, tier)
    usage_rights = brief_usage_rights(brief)
    chain = ip_chain_snapshot(brief.ip if brief.ip_id is not None else None)
    contract = Contract.objects.create(
        bid=bid,
        brief=brief,
        brand_id=brief.brand_id,
        creator=bid.creator,
        amount=bid.amount,
        currency=bid.currency,
        creator_tier=tier,
        fee_bps=pricing.fee_bps(tier),
        fee=fee,
        creator_net=bid.amount - fee,
        deliverables=list(brief.deliverables),
        delivery_deadline=brief.delivery_deadline,
        usage_rights=usage_rights,
        ip_chain=chain,
        **contract_window_terms(usage_rights, chain),
        max_revisions=settings.MAX_REVISIONS,
        status=ContractStatus.AWAITING_FUNDING,
    )
    milestones_snapshot(contract=contract, proposals=bid.milestones)
    return contract


@transaction.atomic
def bid_accept(*, actor: User, bid: Bid) -> Contract:
    """A member of the brief's brand accepts a live bid and so creates its contract.

    The brief row is locked first, then the bid, so concurrent accepts are serialised and never
    fill more than `slots`. The contract (awaiting funding) snapshots the price, the creator's
    tier and fee, the deliverables, the delivery deadline and the usage rights. When the
    accepted bids fill the slots the brief is awarded and its other live bids are rejected.
    """
    require_member(actor, bid.brief.brand_id, what="accept bids")
    brief = lock_brief(bid.brief_id)
    bid = lock_bid(bid.pk)
    if brief.status not in (BriefStatus.OPEN, BriefStatus.CLOSED):
        raise InvalidTransition("brief", brief.status, "accept a bid on")
    transition_target(bid, "accept")
    accepted = Bid.objects.filter(brief=brief, status=BidStatus.ACCEPTED).count()
    if accepted >= brief.slots:
        raise Conflict(
            f"all {brief.slots} slots of this brief are filled",
            code=CampaignError.SLOTS_FILLED,
            current_state=brief.status,
        )
    if bid.creator.suspended:
        raise Conflict(
            "the creator is suspended and cannot be hired",
            code=CampaignError.CREATOR_SUSPENDED,
            current_state=bid.status,
        )
    transition(bid, "accept", actor=actor)
    contract = _contract_from_bid(bid, brief)
    audit_record(
        actor=actor,
        verb="create",
        obj=contract,
        after=contract.status,
        data={"bid": bid.pk, "amount": bid.amount, "fee": contract.fee},
    )
    grant_test_shot_rights(brief=brief, creator_id=bid.creator_id, actor=actor)
    notify(
        [bid.creator.user],
        kind="bid_accepted",
        message=f"Your bid on “{brief.title}” was accepted; the contract awaits funding.",
        obj=bid,
    )
    notify(
        brand_member_users(brief.brand_id),
        kind="contract_awaiting_funding",
        message=f"Contract #{contract.pk} with @{bid.creator.handle} awaits your funding.",
        obj=contract,
    )
    if accepted + 1 >= brief.slots:
        transition(brief, "award", actor=actor)
        lists_changed("briefs")
        bids_reject_live(brief=brief, actor=actor, why="the brief was awarded")
    return contract
