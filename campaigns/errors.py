"""Machine-readable reasons the campaigns services give with a refusal (the `rule` key)."""

from enum import StrEnum


class BidRule(StrEnum):
    """Why a creator may not bid on a brief they can see (answered as 403)."""

    NOT_A_CREATOR = "not_a_creator"
    SUSPENDED = "creator_suspended"
    BELOW_MIN_TIER = "below_min_tier"
    NOT_INVITED = "not_invited"
    OWN_BRAND = "own_brand"
