"""Account writes: registration as a creator or a brand owner."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.services import brand_create
from creators.services import creator_profile_create
from marketplace.errors import InvalidInput
from marketplace.models import User

from .errors import AccountError
from .verification import email_verification_send


@transaction.atomic
def user_register(
    *,
    email: str,
    password: str,
    role: str,
    handle: str = "",
    brand_name: str = "",
    full_name: str = "",
) -> User:
    """Create a user as a creator (with a profile under `handle`) or a brand owner.

    The password must pass Django's validators. An address that already has an account is
    never named as taken: with that account's password the call is a retry and answers the
    account unchanged (a registration whose answer was lost can be sent again); with another
    password it is refused with a message that names no field (docs/SECURITY.md).
    A new account is e-mailed a link that verifies its address (`.verification`).
    """
    email = email.strip().lower()
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        if existing.is_active and existing.check_password(password):
            return existing
        raise InvalidInput(
            "we could not register an account with these details; if you already have one, "
            "sign in instead",
            code=AccountError.REGISTRATION_REFUSED,
        )
    candidate = User(email=email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise InvalidInput(
            " ".join(exc.messages), code=AccountError.WEAK_PASSWORD, field="password"
        ) from exc
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    if role == "creator":
        if not handle:
            raise InvalidInput(
                "a handle is required for creators",
                code=AccountError.HANDLE_REQUIRED,
                field="handle",
            )
        creator_profile_create(user=user, handle=handle, display_name=full_name)
    elif role == "brand":
        if not brand_name:
            raise InvalidInput(
                "a brand name is required for brands",
                code=AccountError.BRAND_NAME_REQUIRED,
                field="brand_name",
            )
        brand_create(actor=user, name=brand_name)
    else:
        raise InvalidInput(
            "role must be creator or brand", code=AccountError.UNKNOWN_ROLE, field="role"
        )
    email_verification_send(user=user)
    return user
