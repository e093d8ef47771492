"""Connected-account webhook events: their order decides, never a payout taken back."""

import time

import pytest

from payments.models import PayoutAccount

pytestmark = pytest.mark.django_db(transaction=True)


def test_account_events_in_the_same_second_never_take_payouts_back(webhooks, creator_factory):
    creator = creator_factory()
    PayoutAccount.objects.create(creator=creator, stripe_account_id="acct_9")
    second = int(time.time())

    def event(event_id: str, enabled: bool) -> dict:
        return {
            "id": event_id,
            "object": "event",
            "type": "account.updated",
            "created": second,
            "account": "acct_9",
            "livemode": False,
            "data": {
                "object": {
                    "id": "acct_9",
                    "object": "account",
                    "charges_enabled": enabled,
                    "payouts_enabled": enabled,
                    "details_submitted": enabled,
                }
            },
        }

    webhooks.post(event("evt_b", True))
    webhooks.post(event("evt_a", False))  # older, processed second, same timestamp
    assert PayoutAccount.objects.get().payouts_enabled is True
