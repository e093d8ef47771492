"""The codes of every error the payments services, webhooks and gateway raise.

The API answers them as `{"error": {"code": ..., "message": ...}}`; clients branch on the code.
"""

from enum import StrEnum


class PaymentError(StrEnum):
    # Who may act.
    NOT_CONTRACT_CREATOR = "not_contract_creator"
    # What is missing.
    MILESTONE_NOT_FOUND = "milestone_not_found"
    NO_CREATOR_PROFILE = "no_creator_profile"
    NO_PAYOUT_ACCOUNT = "no_payout_account"
    # The contract's state refuses the action (beside CommonError.INVALID_STATE).
    REVIEW_PERIOD_RUNNING = "review_period_running"
    REVISIONS_EXHAUSTED = "revisions_exhausted"
    CONTRACT_NOT_PAID = "contract_not_paid"
    ALREADY_REVIEWED = "already_reviewed"
    NO_OPEN_DISPUTE = "no_open_dispute"
    AMOUNT_MISMATCH = "amount_mismatch"
    # A contract of several milestones is acted on through its milestones.
    USE_MILESTONE_ENDPOINTS = "use_milestone_endpoints"
    # A milestone already belongs to a funding (another set) that has not succeeded yet.
    FUNDING_IN_PROGRESS = "funding_in_progress"
    NO_DELIVERY_NEEDED = "no_delivery_needed"
    # Input.
    TEST_MODE_ONLY = "test_mode_only"
    VIDEOS_REQUIRED = "videos_required"
    NOTE_REQUIRED = "note_required"
    REFUND_EXCEEDS_PAYMENT = "refund_exceeds_payment"
    SPLIT_AMOUNT_INVALID = "split_amount_invalid"
    RESOLUTION_INVALID = "resolution_invalid"
    # Stripe and its webhooks (a decline or an outage is CommonError's).
    PROVIDER_REJECTED = "payment_provider_rejected"
    IDEMPOTENCY_CONFLICT = "payment_provider_idempotency_conflict"
    BAD_SIGNATURE = "bad_signature"
    NOT_AN_EVENT = "not_an_event"
