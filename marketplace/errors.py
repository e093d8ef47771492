"""Domain errors: services raise these; the API answers them with a status and a JSON body.

Every app keeps its error codes in its own `errors.py` as a `StrEnum`; a service raises
`Conflict("...", code=BidError.DEADLINE_PASSED, field="deadline")` and the API answers
`{"error": {"code": "deadline_passed", "message": "...", "fields": {...}}}`. Clients branch on the
code, people read the message. The class decides the HTTP status; the code says why.
"""

from enum import StrEnum
from typing import Any


class CommonError(StrEnum):
    """Codes the ground floor itself uses (the class defaults below), and codes several apps
    raise alike."""

    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    INVALID_STATE = "invalid_state"
    PAYMENT_FAILED = "payment_failed"
    SERVICE_UNAVAILABLE = "service_unavailable"
    SEARCH_TOO_LONG = "search_too_long"
    JSON_TOO_DEEP = "json_too_deep"
    BODY_TOO_LARGE = "body_too_large"
    TOO_MANY_FIELDS = "too_many_fields"
    BAD_REQUEST = "bad_request"
    UNKNOWN_PARAMETER = "unknown_parameter"
    INVALID_ORDERING = "invalid_ordering"
    # A unique constraint refused a row the services did not expect to exist (a race).
    DUPLICATE = "duplicate"
    SERVER_ERROR = "server_error"
    INVALID_TEXT = "invalid_text"
    # Codes several apps raise alike.
    REASON_REQUIRED = "reason_required"
    NOT_A_CREATOR = "not_a_creator"


class DomainError(Exception):
    """A rule of the marketplace refused the request."""

    status_code = 400
    code: str = CommonError.INVALID

    def __init__(
        self,
        message: str,
        *,
        code: StrEnum | str | None = None,
        field: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = str(code)
        self.field = field
        self.extra = extra


class InvalidInput(DomainError):
    status_code = 400
    code = CommonError.INVALID


class Forbidden(DomainError):
    status_code = 403
    code = CommonError.FORBIDDEN


class NotFound(DomainError):
    status_code = 404
    code = CommonError.NOT_FOUND


class Conflict(DomainError):
    status_code = 409
    code = CommonError.CONFLICT


class InvalidTransition(Conflict):
    """The object's current state does not allow the requested move."""

    code = CommonError.INVALID_STATE

    def __init__(self, obj_name: str, current: str, action: str) -> None:
        super().__init__(f"cannot {action} a {obj_name} that is {current}", current_state=current)


class PaymentFailed(DomainError):
    status_code = 402
    code = CommonError.PAYMENT_FAILED


class ServiceUnavailable(DomainError):
    status_code = 503
    code = CommonError.SERVICE_UNAVAILABLE
