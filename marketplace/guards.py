"""Guards every app shares: who is acting. Brand membership lives in `campaigns.selectors`."""

from .errors import CommonError, Forbidden
from .models import User


def require_staff(actor: User | None, *, what: str = "do this") -> None:
    """Refuse (403, code `forbidden`) unless `actor` is a staff user."""
    if not getattr(actor, "is_staff", False):
        raise Forbidden(f"only staff may {what}", code=CommonError.FORBIDDEN)
