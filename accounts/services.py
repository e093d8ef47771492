"""Account writes: registration as a creator or a brand owner."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.errors import CampaignError
from campaigns.models import BrandMembership
from campaigns.services import brand_create
from creators.models import CreatorProfile
from creators.services import creator_profile_create
from marketplace.errors import InvalidInput
from marketplace.models import User

from .errors import AccountError
from .verification import email_verification_send


def _same_registration(
    user: User, *, role: str, handle: str, brand_name: str, full_name: str
) -> bool:
    """Whether `user` is what this very request made: the same role with the same handle (a
    creator) or brand name (a brand owner), and the same full name."""
    if user.full_name != full_name:
        return False
    profile = CreatorProfile.objects.filter(user=user).first()
    if role == "creator":
        return profile is not None and profile.handle == handle.lower()
    if role == "brand" and profile is None:
        first = (
            BrandMembership.objects.filter(user=user)
            .select_related("brand")
            .order_by("created_at", "pk")
            .first()
        )
        return first is not None and first.brand.name == brand_name.strip()
    return False


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
    never named as taken: the very same request again (that account's password, role, handle
    or brand name, full name) is a retry and answers the account unchanged (a registration
    whose answer was lost can be sent again); any other request is refused with a message
    that names no field (docs/SECURITY.md), never answered with an account it did not ask for.
    A new account is e-mailed a link that verifies its address (`.verification`).
    """
    email = email.strip().lower()
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        if (
            existing.is_active
            and existing.check_password(password)
            and _same_registration(
                existing, role=role, handle=handle, brand_name=brand_name, full_name=full_name
            )
        ):
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
    _role_give(user, role=role, handle=handle, brand_name=brand_name)
    email_verification_send(user=user)
    return user


def _role_give(user: User, *, role: str, handle: str, brand_name: str) -> None:
    """Make the new user's creator profile (under `handle`) or brand (`brand_name`); a
    missing one or an unknown role is 400 naming the field (the caller's transaction rolls
    the user back)."""
    if role == "creator":
        if not handle:
            raise InvalidInput(
                "a handle is required for creators",
                code=AccountError.HANDLE_REQUIRED,
                field="handle",
            )
        creator_profile_create(user=user, handle=handle, display_name=user.full_name)
    elif role == "brand":
        if not brand_name:
            raise InvalidInput(
                "a brand name is required for brands",
                code=CampaignError.BRAND_NAME_REQUIRED,
                field="brand_name",
            )
        brand_create(actor=user, name=brand_name)
    else:
        raise InvalidInput(
            "role must be creator or brand", code=AccountError.UNKNOWN_ROLE, field="role"
        )
