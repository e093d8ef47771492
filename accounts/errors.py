"""The accounts app's error codes: each error registration raises carries one."""

from enum import StrEnum


class AccountError(StrEnum):
    REGISTRATION_REFUSED = "registration_refused"
    WEAK_PASSWORD = "weak_password"
    HANDLE_REQUIRED = "handle_required"
    UNKNOWN_ROLE = "unknown_role"
    VERIFICATION_INVALID = "verification_invalid"
    VERIFICATION_EXPIRED = "verification_expired"
