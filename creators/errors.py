"""The creators' error codes: every error a creators service raises carries one."""

from enum import StrEnum


class CreatorError(StrEnum):
    """Why a creators service refused: clients branch on these, people read the message."""

    HANDLE_TAKEN = "handle_taken"
    NOT_PROFILE_OWNER = "not_profile_owner"
    NOT_OWNER = "not_owner"
    ALREADY_SUSPENDED = "already_suspended"
    NOT_SUSPENDED = "not_suspended"
    TIER_UNKNOWN = "tier_unknown"
    PORTFOLIO_NAME_TAKEN = "portfolio_name_taken"
    PORTFOLIO_NOT_FOUND = "portfolio_not_found"
    ALREADY_ABOVE_STANDARD = "already_above_standard"
    APPLICATION_PENDING = "application_pending"
