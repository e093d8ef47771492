"""The campaigns' error codes: every error a campaigns service raises carries one.

`CampaignError` is what the API answers as `code`; `BidRule` is the older, narrower `rule` key a
refused bid also carries (its values are the matching `CampaignError` codes). Moves a status
table forbids keep the common `invalid_state` code (`marketplace.errors.InvalidTransition`).
"""

from enum import StrEnum

from marketplace.errors import CommonError


class CampaignError(StrEnum):
    """Why a campaigns service refused: clients branch on these, people read the message."""

    # Brands and their members
    NOT_BRAND_MEMBER = "not_brand_member"
    NOT_BRAND_OWNER = "not_brand_owner"
    BRAND_NAME_REQUIRED = "brand_name_required"
    BRAND_REQUIRED = "brand_required"
    MEMBER_ROLE_INVALID = "member_role_invalid"
    ALREADY_MEMBER = "already_member"
    MEMBER_NOT_FOUND = "member_not_found"
    LAST_OWNER = "last_owner"
    MEMBER_INVITATION_PENDING = "member_invitation_pending"
    NOT_MEMBER_INVITEE = "not_member_invitee"
    # Brand verification
    BRAND_ALREADY_VERIFIED = "brand_already_verified"
    VERIFICATION_PENDING = "verification_pending"
    VERIFIED_READ_ONLY = "verified_read_only"
    VERIFICATION_FIELD_INVALID = "verification_field_invalid"
    EMAIL_UNVERIFIED = "email_unverified"
    NOT_INVITING_OWNER = "not_inviting_owner"
    # IP assets
    IP_BRAND_FIXED = "ip_brand_fixed"
    IP_IN_USE = "ip_in_use"
    TERRITORY_INVALID = "territory_invalid"
    CHANNEL_INVALID = "channel_invalid"
    TERM_INVALID = "term_invalid"
    LICENCE_DATES_INVALID = "licence_dates_invalid"
    # The rights chain and the usage window
    RIGHTS_OUTSIDE_IP_LICENCE = "rights_outside_ip_licence"
    IP_AI_FORBIDDEN = "ip_ai_forbidden"
    IP_LICENCE_ENDED = "ip_licence_ended"
    IP_CONSENT_MISSING = "ip_consent_missing"
    IP_CONSENT_EXPIRED = "ip_consent_expired"
    RIGHTS_PERPETUAL = "rights_perpetual"
    EXTENSION_INVALID = "extension_invalid"
    # Deliveries and disclosure
    LICENCE_NOT_COMMERCIAL = "licence_not_commercial"
    NOTHING_DELIVERED = "nothing_delivered"
    DESTINATION_UNKNOWN = "destination_unknown"
    # Briefs
    DELIVERABLES_INVALID = "deliverables_invalid"
    BUDGET_INVALID = "budget_invalid"
    CURRENCY_UNSUPPORTED = "currency_unsupported"
    DEADLINE_INVALID = "deadline_invalid"
    SLOTS_INVALID = "slots_invalid"
    IP_NOT_OF_BRAND = "ip_not_of_brand"
    PREFERRED_MODELS_INVALID = "preferred_models_invalid"
    REQUIRED_INVALID = "required_invalid"
    BRIEF_BRAND_FIXED = "brief_brand_fixed"
    BRIEF_HAS_CONTRACTS = "brief_has_contracts"
    # Invitations
    CREATOR_NOT_FOUND = "creator_not_found"
    ALREADY_INVITED = "already_invited"
    NOT_INVITEE = "not_invitee"
    # Bids (the first five are also the `rule` of a refused bid)
    CREATOR_SUSPENDED = "creator_suspended"
    BELOW_MIN_TIER = "below_min_tier"
    NOT_INVITED = "not_invited"
    OWN_BRAND = "own_brand"
    BID_DEADLINE_PASSED = "bid_deadline_passed"
    BID_CURRENCY_MISMATCH = "bid_currency_mismatch"
    AMOUNT_INVALID = "amount_invalid"
    SAMPLE_REELS_INVALID = "sample_reels_invalid"
    LIVE_BID_EXISTS = "live_bid_exists"
    NOT_BIDDER = "not_bidder"
    SLOTS_FILLED = "slots_filled"
    # Milestones a bid proposes
    MILESTONES_INVALID = "milestones_invalid"
    MILESTONES_SUM_MISMATCH = "milestones_sum_mismatch"
    TOO_MANY_MILESTONES = "too_many_milestones"
    MILESTONE_DUE_DATE_INVALID = "milestone_due_date_invalid"
    # Contracts, change orders and paid test shots
    CONTRACT_NOT_FOUND = "contract_not_found"
    NOT_CONTRACT_PARTY = "not_contract_party"
    CHANGE_ORDER_NOT_FOUND = "change_order_not_found"
    CHANGE_ORDER_OWN = "change_order_own"
    CHANGE_ORDER_NOT_PROPOSER = "change_order_not_proposer"
    CHANGE_ORDER_KIND_INVALID = "change_order_kind_invalid"
    EXTENSION_MONTHS_INVALID = "extension_months_invalid"
    DUE_DATE_INVALID = "due_date_invalid"
    CONTRACT_ENDED = "contract_ended"
    NOT_A_BIDDER = "not_a_bidder"
    TEST_SHOT_BELOW_COST = "test_shot_below_cost"
    TEST_SHOT_EXISTS = "test_shot_exists"


class BidRule(StrEnum):
    """Why a creator may not bid on a brief they can see (answered as 403)."""

    NOT_A_CREATOR = CommonError.NOT_A_CREATOR.value
    SUSPENDED = CampaignError.CREATOR_SUSPENDED.value
    BELOW_MIN_TIER = CampaignError.BELOW_MIN_TIER.value
    NOT_INVITED = CampaignError.NOT_INVITED.value
    OWN_BRAND = CampaignError.OWN_BRAND.value
