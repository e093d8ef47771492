"""Webhook endpoints: signatures, storage before processing, duplicates, late and out-of-order
events."""

import time

import pytest

from payments.models import EventStatus, StripeEvent

pytestmark = pytest.mark.django_db(transaction=True)


def an_event(event_id: str = "evt_test_1", type_: str = "customer.created") -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": type_,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": {"id": "cus_1", "object": "customer"}},
    }


def test_bad_signature_is_400_and_nothing_is_stored(webhooks):
    response = webhooks.post(an_event(), secret="whsec_wrong")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_signature"
    assert not StripeEvent.objects.exists()


def test_stale_signature_is_400(webhooks):
    response = webhooks.post(an_event(), timestamp=int(time.time()) - 3600)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_missing_signature_is_400(api):
    response = api.post(
        "/api/v1/payments/webhooks/stripe/", data=b"{}", content_type="application/json"
    )
    assert response.status_code == 400


def test_connect_events_need_the_connect_secret(webhooks, settings):
    event = {**an_event(), "account": "acct_1"}
    wrong = webhooks.post(event, secret=settings.STRIPE_WEBHOOK_SECRET)
    assert wrong.status_code == 400
    assert webhooks.post(event).status_code == 200


def test_unknown_event_types_are_stored_and_ignored(webhooks):
    response = webhooks.post(an_event())
    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": False}
    event = StripeEvent.objects.get()
    assert (event.type, event.status) == ("customer.created", EventStatus.IGNORED)


def test_duplicate_delivery_is_acknowledged_and_ignored(webhooks):
    first = webhooks.post(an_event())
    second = webhooks.post(an_event())
    assert first.json()["duplicate"] is False
    assert second.status_code == 200 and second.json()["duplicate"] is True
    assert StripeEvent.objects.count() == 1


def test_payment_succeeded_before_the_fund_call_returns(
    sandbox, webhooks, client_for, make_contract
):
    """The webhook may win the race against our own confirm answer: one funding either way."""
    from payments.models import JournalEntry

    contract, owner, _ = make_contract()
    brand = client_for(owner)
    intent_id = brand.post(f"/api/v1/contracts/{contract.pk}/fund/").json()["payment"][
        "stripe_payment_intent_id"
    ]
    sandbox.client().v1.payment_intents.confirm(
        intent_id, params={"payment_method": "pm_card_visa"}
    )
    webhooks.deliver()
    webhooks.deliver()
    event = sandbox.events("payment_intent.succeeded")[0]
    sandbox.resend_event(event["id"])
    assert webhooks.post(event).json()["duplicate"] is True
    assert JournalEntry.objects.filter(kind="funding").count() == 1
    contract.refresh_from_db()
    assert contract.status == "funded"


def test_admin_lists_events_and_reprocesses(webhooks, client, staff):
    webhooks.post(an_event())
    client.force_login(staff)
    page = client.get("/admin/payments/stripeevent/")
    assert b"customer.created" in page.content
    event = StripeEvent.objects.get()
    client.post(
        "/admin/payments/stripeevent/", {"action": "reprocess", "_selected_action": [event.pk]}
    )
    event.refresh_from_db()
    assert event.attempts == 2
