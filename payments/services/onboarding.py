"""Creators' Stripe Connect Express accounts: creation, onboarding links, flags."""

import logging
import uuid
from datetime import datetime

from django.db import transaction

from marketplace import outbox
from marketplace.errors import CommonError, Forbidden
from marketplace.models import User

from .. import gateway, queue
from ..locks import lock_payout_account, lock_payout_account_by
from ..models import PayoutAccount

logger = logging.getLogger(__name__)


def payout_onboarding_start(*, actor: User) -> tuple[PayoutAccount, str]:
    """Create the creator's Express account once, and return a fresh onboarding link."""
    profile = getattr(actor, "creator_profile", None)
    if profile is None:
        raise Forbidden("only creators receive payouts", code=CommonError.NOT_A_CREATOR)
    account, _ = PayoutAccount.objects.get_or_create(creator=profile)
    if not account.stripe_account_id:
        stripe_account = gateway.create_account(
            creator_id=profile.pk, email=actor.email, country=profile.country
        )
        with transaction.atomic():
            account = lock_payout_account(account.pk)
            if not account.stripe_account_id:
                account.stripe_account_id = stripe_account.id
                account.save(update_fields=["stripe_account_id", "updated_at"])
    link = gateway.create_account_link(
        account_id=account.stripe_account_id, creator_id=profile.pk, nonce=uuid.uuid4().hex
    )
    return account, link.url


@transaction.atomic
def payout_account_update(
    *, stripe_account_id: str, creator_id: int | None, flags: dict[str, bool], as_of: datetime
) -> PayoutAccount | None:
    """Apply `account.updated` flags unless a newer event already did; when the account can
    receive payouts, release the payouts that waited for it (after commit)."""
    account = lock_payout_account_by(stripe_account_id=stripe_account_id)
    if account is None and creator_id is not None:
        # The event overtook our own record of the account id.
        account = lock_payout_account_by(creator_id=creator_id)
        if account is not None and account.stripe_account_id not in (None, "", stripe_account_id):
            account = None
    if account is None:
        logger.warning("account.updated for unknown account %s", stripe_account_id)
        return None
    if account.flags_as_of is not None and as_of < account.flags_as_of:
        return account  # a late event: newer flags are already applied
    could_pay = account.payouts_enabled
    if account.flags_as_of == as_of:
        # Stripe's timestamps are whole seconds and onboarding sends bursts: within one
        # second the order is unknown, so a capability once reported is kept.
        flags = {
            "charges_enabled": account.charges_enabled or flags.get("charges_enabled", False),
            "payouts_enabled": account.payouts_enabled or flags.get("payouts_enabled", False),
            "details_submitted": account.details_submitted or flags.get("details_submitted", False),
        }
    account.stripe_account_id = stripe_account_id
    account.charges_enabled = bool(flags.get("charges_enabled"))
    account.payouts_enabled = bool(flags.get("payouts_enabled"))
    account.details_submitted = bool(flags.get("details_submitted"))
    account.flags_as_of = as_of
    account.save()
    if account.payouts_enabled and not could_pay:
        outbox.enqueue(queue.RELEASE_WAITING_PAYOUTS, account.creator_id)
    return account
