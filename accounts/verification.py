"""Proving an e-mail address: a signed, expiring link sent to it; opening it verifies it.

The token signs the account's id and the address it was sent to (Django's `signing`, a
timestamped HMAC under SECRET_KEY), so it cannot be forged, works once per address (an
account whose address changed needs a new one) and expires after
`EMAIL_VERIFY_MAX_AGE_HOURS`. Brand invitations are accepted only by a verified address.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from marketplace.audit import audit_record
from marketplace.errors import InvalidInput
from marketplace.models import User

from .errors import AccountError

SALT = "accounts.email-verification"


def email_verification_token(user: User) -> str:
    """A signed token for `user`'s current address."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=SALT, compress=True)


def email_verification_link(user: User) -> str:
    return f"{settings.EMAIL_VERIFY_URL}{email_verification_token(user)}"


def email_verification_send(*, user: User) -> bool:
    """E-mail `user` a link that verifies their address, after the caller's transaction
    commits; False (nothing sent) when the address is already verified."""
    if user.email_verified_at is not None:
        return False
    link = email_verification_link(user)
    hours = settings.EMAIL_VERIFY_MAX_AGE_HOURS
    body = (
        "Confirm that this address is yours by opening the link below "
        f"(it works for {hours} hours):\n\n{link}\n\n"
        "If you did not create a Reelmatch account, ignore this e-mail."
    )
    email = user.email
    transaction.on_commit(
        lambda: send_mail(
            subject="Reelmatch: confirm your e-mail address",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
    )
    return True


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Mark the address in `token` verified. Refused (400 naming `token`) when the token is
    forged or malformed (`verification_invalid`), older than `EMAIL_VERIFY_MAX_AGE_HOURS`
    (`verification_expired`), or for an address the account no longer has. Verifying twice
    answers the account unchanged; the first time writes an audit row."""
    max_age = settings.EMAIL_VERIFY_MAX_AGE_HOURS * 3600
    try:
        data = signing.loads(str(token or ""), salt=SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvalidInput(
            "this link has expired; ask for a new one",
            code=AccountError.VERIFICATION_EXPIRED,
            field="token",
        ) from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidInput(
            "this link is not valid", code=AccountError.VERIFICATION_INVALID, field="token"
        ) from exc
    user_id = data.get("u") if isinstance(data, dict) else None
    user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None or not isinstance(data.get("e"), str) or user.email != data["e"]:
        raise InvalidInput(
            "this link is not valid for any account's current address",
            code=AccountError.VERIFICATION_INVALID,
            field="token",
        )
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        audit_record(actor=user, verb="verify_email", obj=user, after=user.email)
    return user
