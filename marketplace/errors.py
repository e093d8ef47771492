"""Domain errors: services raise these; the API answers them with a status and a JSON body."""

from typing import Any


class DomainError(Exception):
    """A rule of the marketplace refused the request."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra


class InvalidInput(DomainError):
    status_code = 400
    code = "invalid"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidTransition(Conflict):
    """The object's current state does not allow the requested move."""

    code = "invalid_state"

    def __init__(self, obj_name: str, current: str, action: str) -> None:
        super().__init__(f"cannot {action} a {obj_name} that is {current}", current_state=current)


class PaymentFailed(DomainError):
    status_code = 402
    code = "payment_failed"


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "service_unavailable"
