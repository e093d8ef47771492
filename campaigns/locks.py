"""Row locks of the campaigns, built on `marketplace.locks`: primary-key order, own rows only.

Services take objects but re-read the rows they change through these helpers inside their
transaction. The order between tables is fixed: a brand's memberships, a brief, then its bids
(in primary-key order); an invitation or an IP on its own; a contract, then its milestones (in
primary-key order), then its change orders (payments.locks follows the same order).
"""

from marketplace.errors import NotFound
from marketplace.locks import lock_one, lock_rows

from .errors import CampaignError
from .models import (
    Bid,
    BidStatus,
    Brand,
    BrandMembership,
    Brief,
    ChangeOrder,
    Contract,
    Delivery,
    Invitation,
    IPAsset,
    MemberInvitation,
)


def lock_brand(pk: int) -> Brand:
    """The brand row, locked."""
    return lock_one(Brand.objects.all(), pk)


def lock_memberships(brand_id: int) -> list[BrandMembership]:
    """Every membership of the brand, locked in primary-key order."""
    return lock_rows(BrandMembership.objects.filter(brand_id=brand_id))


def lock_member_invitation(pk: int) -> MemberInvitation:
    """A brand membership invitation, locked (after its brand's memberships)."""
    return lock_one(MemberInvitation.objects.select_related("brand"), pk)


def lock_ip(pk: int) -> IPAsset:
    """The IP asset row, locked."""
    return lock_one(IPAsset.objects.all(), pk)


def lock_brief(pk: int) -> Brief:
    """The brief row, locked (its brand is joined, not locked); DoesNotExist if it is gone."""
    return lock_one(Brief.objects.select_related("brand"), pk)


def lock_invitation(pk: int) -> Invitation:
    """The invitation row, locked, with its creator and brief joined."""
    return lock_one(Invitation.objects.select_related("creator", "brief"), pk)


def lock_bid(pk: int) -> Bid:
    """The bid row, locked, with its brief and creator (and the creator's user) joined."""
    return lock_one(Bid.objects.select_related("brief", "creator", "creator__user"), pk)


def lock_live_bids(brief_id: int) -> list[Bid]:
    """The brief's submitted and shortlisted bids, locked in primary-key order."""
    return lock_rows(
        Bid.objects.filter(
            brief_id=brief_id, status__in=[BidStatus.SUBMITTED, BidStatus.SHORTLISTED]
        ).select_related("creator__user")
    )


def lock_contract(pk: int) -> Contract:
    """The contract row (with its creator and their user), locked for the rest of the
    transaction; NotFound if it is gone. Every contract and money service locks it first."""
    try:
        return lock_one(Contract.objects.select_related("creator__user"), pk)
    except Contract.DoesNotExist as exc:
        raise NotFound("no such contract", code=CampaignError.CONTRACT_NOT_FOUND) from exc


def lock_change_order(pk: int) -> ChangeOrder:
    """A change order row, locked (after its contract)."""
    try:
        return lock_one(ChangeOrder.objects.all(), pk)
    except ChangeOrder.DoesNotExist as exc:
        raise NotFound("no such change order", code=CampaignError.CHANGE_ORDER_NOT_FOUND) from exc


def lock_delivery(pk: int) -> Delivery:
    """A delivery row, locked (after its contract, when both are locked)."""
    return lock_one(Delivery.objects.all(), pk)
