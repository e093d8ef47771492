"""A charge whose amount or currency is not its payment's (the PaymentIntent was changed at
Stripe before the brand paid) is booked once, deterministically: as received, refunded in
full, with a staff work item naming both amounts; the milestone still awaits funding and can
be funded again. Never a handler failing until it gives up. Through the sandbox and the SDK."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments import tasks
from payments.models import (
    EventStatus,
    JournalEntry,
    MoneyWorkItem,
    Payment,
    Refund,
    StripeEvent,
    WorkItemKind,
)
from payments.services.booking import mismatch_shares

pytestmark = pytest.mark.django_db(transaction=True)

PM = {"payment_method": "pm_card_visa"}


def charged_otherwise(sandbox, client_for, make_contract, change: dict):  # type: ignore[no-untyped-def]
    """The brand opens the payment form for 60,000 USD; the intent is changed at Stripe and
    paid in the browser."""
    contract, owner, _ = make_contract(amount=60_000)
    brand = client_for(owner)
    url = f"/api/v1/contracts/{contract.pk}/"
    intent = brand.post(url + "fund/").json()["payment"]["stripe_payment_intent_id"]
    stripe = sandbox.client()
    stripe.v1.payment_intents.update(intent, params=change)
    stripe.v1.payment_intents.confirm(intent, params=PM)
    return contract, brand, url, intent


def test_a_charge_of_another_amount_is_booked_refunded_and_shown_to_staff(
    sandbox, webhooks, client_for, make_contract, reconciled
):
    contract, brand, url, intent = charged_otherwise(
        sandbox, client_for, make_contract, {"amount": 45_000}
    )
    webhooks.deliver({"payment_intent.succeeded"})
    event = StripeEvent.objects.get(type="payment_intent.succeeded")
    assert (event.status, event.attempts) == (EventStatus.PROCESSED, 1)
    payment = Payment.objects.get()
    assert (payment.status, payment.amount, payment.currency) == ("succeeded", 45_000, "USD")
    (refund,) = Refund.objects.all()
    assert (refund.amount, refund.currency, refund.status) == (45_000, "USD", "succeeded")
    assert refund.reason == "amount_mismatch"
    assert [r["amount"] for r in sandbox.objects("refunds")] == [45_000]
    (item,) = MoneyWorkItem.objects.all()
    assert (item.kind, item.amount, item.currency) == (WorkItemKind.CHARGE_MISMATCH, 45_000, "USD")
    assert item.payment_id == payment.pk and "60000 USD" in item.message and intent in item.message
    milestone = contract.milestones.get()
    assert milestone.status == "awaiting_funding"
    reconciled()
    # Redelivered, polled or asked again by a fund call: booked once, refunded once.
    sandbox.resend_event(event.payload["id"])
    webhooks.post({**event.payload, "id": "evt_again"})
    Payment.objects.update(updated_at=timezone.now() - timedelta(seconds=120))
    tasks.poll_stripe()
    assert Refund.objects.count() == 1 and MoneyWorkItem.objects.count() == 1
    assert JournalEntry.objects.filter(kind="funding").count() == 1
    # The brand funds again: a new PaymentIntent, for the right amount, funds the milestone.
    again = brand.post(url + "fund/", PM)
    assert again.status_code == 200, again.content
    assert again.json()["payment"]["stripe_payment_intent_id"] != intent
    milestone.refresh_from_db()
    assert milestone.status == "funded"
    assert len(sandbox.objects("payment_intents")) == 2
    reconciled()


def test_a_charge_in_another_currency_is_refunded_in_that_currency(
    sandbox, webhooks, client_for, make_contract, reconciled
):
    contract, _, _, _ = charged_otherwise(sandbox, client_for, make_contract, {"currency": "eur"})
    webhooks.deliver({"payment_intent.succeeded"})
    assert StripeEvent.objects.get(type="payment_intent.succeeded").status == "processed"
    (refund,) = Refund.objects.all()
    assert (refund.amount, refund.currency, refund.status) == (60_000, "EUR", "succeeded")
    entries = JournalEntry.objects.filter(kind__in=["funding", "refund"])
    assert set(entries.values_list("currency", flat=True)) == {"EUR"}
    assert MoneyWorkItem.objects.get().currency == "EUR"
    assert contract.milestones.get().status == "awaiting_funding"
    reconciled()


def test_the_poll_books_a_mismatched_charge_whose_webhook_was_lost(
    sandbox, client_for, make_contract, reconciled
):
    charged_otherwise(sandbox, client_for, make_contract, {"amount": 70_000})
    Payment.objects.update(updated_at=timezone.now() - timedelta(seconds=120))
    assert tasks.poll_stripe()["payments_booked"] == 1
    assert Refund.objects.get().amount == 70_000
    assert MoneyWorkItem.objects.get().kind == WorkItemKind.CHARGE_MISMATCH
    reconciled()


@pytest.mark.parametrize(
    ("shares", "received", "parts"),
    [
        ([30_000, 60_000], 45_000, [15_000, 30_000]),
        ([1, 1, 1], 100, [33, 33, 34]),
        ([50_000, 50_000], 1, [0, 1]),
        ([100], 120, [120]),
    ],
)
def test_a_mismatched_charge_is_split_in_proportion_and_sums_exactly(shares, received, parts):
    assert mismatch_shares(shares, received) == parts
    assert sum(mismatch_shares(shares, received)) == received
