"""Connected-account webhook events are claims: the account is read from Stripe (the sandbox)
before any payout is enabled, so a forged, stale or replayed `account.updated` enables nothing
Stripe has not enabled, and never takes back what Stripe has. The poll job catches accounts
whose payouts have waited too long."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from payments import gateway, tasks
from payments.models import EventStatus, PayoutAccount, StripeEvent, Transfer
from tests.constants import VIDEO

pytestmark = pytest.mark.django_db(transaction=True)

PM = {"payment_method": "pm_card_visa"}


def account_event(event_id: str, account_id: str, enabled: bool, creator_id: int) -> dict:
    """A signed `account.updated` as anyone holding the signing secret could send it."""
    return {
        "id": event_id,
        "object": "event",
        "type": "account.updated",
        "created": int(time.time()),
        "account": account_id,
        "livemode": False,
        "data": {
            "object": {
                "id": account_id,
                "object": "account",
                "charges_enabled": enabled,
                "payouts_enabled": enabled,
                "details_submitted": enabled,
                "metadata": {"creator_id": str(creator_id)},
            }
        },
    }


def stripe_account(creator) -> str:  # type: ignore[no-untyped-def]
    """A connected account at the sandbox, not onboarded yet."""
    return gateway.create_account(creator_id=creator.pk, email="c@example.com", country="US").id


def waiting_payout(client_for, make_contract):  # type: ignore[no-untyped-def]
    """A paid-for, approved milestone whose payout waits for the creator's account."""
    contract, owner, creator = make_contract(amount=60_000)
    brand, maker = client_for(owner), client_for(creator.user)
    url = f"/api/v1/contracts/{contract.pk}/"
    brand.post(url + "fund/", PM)
    maker.post(url + "deliveries/", {"videos": [VIDEO]}, format="json")
    brand.post(url + "approve/")
    assert Transfer.objects.get().status == "waiting_for_account"
    account = maker.post("/api/v1/payments/onboarding/").json()["account"]["stripe_account_id"]
    return contract, creator, account


def test_a_forged_account_updated_enables_nothing_stripe_has_not(
    sandbox, webhooks, client_for, make_contract
):
    contract, creator, account = waiting_payout(client_for, make_contract)
    # Signed and well formed, but Stripe says the account has not finished onboarding.
    response = webhooks.post(account_event("evt_forged", account, True, creator.pk))
    assert response.status_code == 200
    event = StripeEvent.objects.get(stripe_id="evt_forged")
    assert event.status == EventStatus.PROCESSED and "payouts disabled" in event.result
    assert PayoutAccount.objects.get(creator=creator).payouts_enabled is False
    assert Transfer.objects.get().status == "waiting_for_account"
    assert sandbox.objects("transfers") == []
    # Stripe's own event, once onboarding is done, pays the creator once.
    sandbox.complete_onboarding(account)
    webhooks.deliver({"account.updated"})
    assert Transfer.objects.get().status == "paid"
    webhooks.post(account_event("evt_forged_again", account, True, creator.pk))
    assert len(sandbox.objects("transfers")) == 1


def test_a_stale_or_replayed_event_never_takes_payouts_back(sandbox, webhooks, creator_factory):
    creator = creator_factory()
    account = stripe_account(creator)
    PayoutAccount.objects.create(creator=creator, stripe_account_id=account)
    sandbox.complete_onboarding(account)
    (real,) = sandbox.events("account.updated")
    webhooks.post(real)
    assert PayoutAccount.objects.get().payouts_enabled is True
    # An old "disabled" claim arrives late, and Stripe's own event is resent: both are read
    # against the account as Stripe holds it now.
    webhooks.post(account_event("evt_stale", account, False, creator.pk))
    sandbox.resend_event(real["id"])
    webhooks.post({**real, "id": "evt_replayed"})
    assert PayoutAccount.objects.get().payouts_enabled is True
    assert set(StripeEvent.objects.values_list("status", flat=True)) == {EventStatus.PROCESSED}


def test_an_account_stripe_does_not_know_changes_nothing(sandbox, webhooks, creator_factory):
    creator = creator_factory()
    PayoutAccount.objects.create(creator=creator, stripe_account_id="acct_nottheirs")
    webhooks.post(account_event("evt_unknown", "acct_nottheirs", True, creator.pk))
    event = StripeEvent.objects.get()
    assert (event.status, event.result) == (
        EventStatus.PROCESSED,
        "unknown account: nothing changed",
    )
    assert PayoutAccount.objects.get().payouts_enabled is False


def test_the_creator_is_taken_from_stripe_not_from_the_event(sandbox, webhooks, creator_factory):
    creator, other = creator_factory(), creator_factory()
    PayoutAccount.objects.create(creator=creator)  # the create call's answer is not in yet
    PayoutAccount.objects.create(creator=other)
    account = stripe_account(creator)
    sandbox.complete_onboarding(account)
    # The event names another creator: the account's metadata at Stripe decides.
    webhooks.post(account_event("evt_1", account, True, other.pk))
    mine = PayoutAccount.objects.get(creator=creator)
    assert (mine.stripe_account_id, mine.payouts_enabled) == (account, True)
    theirs = PayoutAccount.objects.get(creator=other)
    assert (theirs.stripe_account_id, theirs.payouts_enabled) in ((None, False), ("", False))


def test_stripe_unreachable_fails_the_event_and_its_retry_applies_it(
    sandbox, webhooks, creator_factory
):
    creator = creator_factory()
    account = stripe_account(creator)
    PayoutAccount.objects.create(creator=creator, stripe_account_id=account)
    sandbox.complete_onboarding(account)
    sandbox.fail_next(500, count=3, path=f"/v1/accounts/{account}")
    webhooks.deliver({"account.updated"})
    event = StripeEvent.objects.get()
    assert event.status == EventStatus.FAILED
    assert PayoutAccount.objects.get().payouts_enabled is False
    tasks.process_stripe_event(event.pk)
    assert StripeEvent.objects.get().status == EventStatus.PROCESSED
    assert PayoutAccount.objects.get().payouts_enabled is True


def test_the_poll_pays_out_an_account_stuck_waiting(sandbox, client_for, make_contract):
    contract, creator, account = waiting_payout(client_for, make_contract)
    sandbox.complete_onboarding(account)  # its account.updated is lost
    long_ago = timezone.now() - timedelta(seconds=120)
    Transfer.objects.update(updated_at=long_ago)
    assert tasks.poll_stripe()["accounts_updated"] == 1
    assert Transfer.objects.get().status == "paid"
    assert len(sandbox.objects("transfers")) == 1


def test_the_poll_releases_payouts_whose_release_task_was_lost(
    sandbox, webhooks, client_for, make_contract, captured
):
    contract, creator, account = waiting_payout(client_for, make_contract)
    sandbox.complete_onboarding(account)
    held = captured.hold("payments.tasks.release_waiting_payouts")
    webhooks.deliver({"account.updated"})  # the account can pay; the release task is lost
    assert held and Transfer.objects.get().status == "waiting_for_account"
    assert tasks.poll_stripe()["payouts_retried"] == 0  # too recent: the task may still run
    Transfer.objects.update(updated_at=timezone.now() - timedelta(seconds=120))
    assert tasks.poll_stripe()["payouts_retried"] == 1
    assert Transfer.objects.get().status == "paid"
    assert len(sandbox.objects("transfers")) == 1
