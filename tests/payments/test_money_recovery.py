"""Money recovers without beat and trusts Stripe, not a webhook's word: every waiting step is
retried by its task with backoff, a lost event task is restarted by the next event, the poll
job asks Stripe about what a webhook should have settled, a forged success books nothing,
money Stripe moves without us opens a staff work item, and sweeps alert staff about stale
work. All through the API, the real SDK and the sandbox with faults."""

import time
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.test import Client
from django.utils import timezone

from marketplace.models import Notification
from payments import queue, tasks
from payments.models import (
    EventStatus,
    JournalEntry,
    MoneyWorkItem,
    Payment,
    Refund,
    StripeEvent,
    Transfer,
)
from payments.reconcile import reconcile
from tests.constants import VIDEO
from tests.payments.test_recovery import run_as_worker

pytestmark = pytest.mark.django_db(transaction=True)

PM = {"payment_method": "pm_card_visa"}


def deal(client_for, make_contract, *, amount: int = 60_000):  # type: ignore[no-untyped-def]
    contract, owner, creator = make_contract(amount=amount)
    return (
        contract,
        client_for(owner),
        client_for(creator.user),
        f"/api/v1/contracts/{contract.pk}/",
    )


def account_of(maker) -> str:  # type: ignore[no-untyped-def]
    return maker.post("/api/v1/payments/onboarding/").json()["account"]["stripe_account_id"]


# Item 2: a payout waiting for the account retries a Stripe fault on its own --------------------


def test_a_payout_waiting_for_the_account_retries_a_stripe_fault_with_backoff(
    sandbox, webhooks, client_for, make_contract, captured, settings, reconciled
):
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    contract, brand, maker, url = deal(client_for, make_contract)
    account = account_of(maker)  # created, onboarding not finished
    brand.post(url + "fund/", PM, format="json")
    maker.post(url + "deliveries/", {"videos": [VIDEO]}, format="json")
    assert brand.post(url + "approve/").status_code == 200
    transfer = Transfer.objects.get()
    assert transfer.status == "waiting_for_account"
    held = captured.hold(queue.RELEASE_WAITING_PAYOUTS, queue.RELEASE_PAYOUT)
    sandbox.complete_onboarding(account)
    webhooks.deliver()  # account.updated: the account can receive payouts
    assert held == [(queue.RELEASE_WAITING_PAYOUTS, (contract.creator_id,))]
    assert tasks.release_waiting_payouts(contract.creator_id) == 1
    assert held[-1] == (queue.RELEASE_PAYOUT, (transfer.pk,))
    captured.release()
    sandbox.fail_next(503, count=1, path="/v1/transfers", method="POST")
    with pytest.raises(Retry) as retry:
        run_as_worker(tasks.release_payout, transfer.pk)
    assert 1 <= retry.value.when <= 1.25  # the first backoff: seconds, not beat's minutes
    assert Transfer.objects.get().status == "paid"  # by the retry (eager in tests)
    keys = [
        r["idempotency_key"]
        for r in sandbox.requests_log()
        if r["method"] == "POST" and r["path"] == "/v1/transfers"
    ]
    assert keys == [f"transfer-milestone-{transfer.milestone_id}"] * 2
    assert len(sandbox.objects("transfers")) == 1
    reconciled()


# Item 3: a webhook whose handler fails, or whose task was lost, does not wait for beat ------


def test_a_webhook_whose_handler_meets_a_stripe_fault_retries_with_backoff(
    sandbox, webhooks, client_for, make_contract, captured, settings, reconciled
):
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    contract, brand, _, url = deal(client_for, make_contract)
    intent = brand.post(url + "fund/").json()["payment"]["stripe_payment_intent_id"]
    sandbox.client().v1.payment_intents.confirm(intent, params=PM)  # the browser pays
    held = captured.hold(queue.PROCESS_STRIPE_EVENT)
    webhooks.deliver({"payment_intent.succeeded"})
    ((_, (event_pk,)),) = held
    captured.release()
    # Confirming with Stripe meets an outage: the event fails, its task retries it.
    sandbox.fail_next(503, count=1, path=f"/v1/payment_intents/{intent}", method="GET")
    with pytest.raises(Retry) as retry:
        run_as_worker(tasks.process_stripe_event, event_pk)
    assert 1 <= retry.value.when <= 1.25
    event = StripeEvent.objects.get(pk=event_pk)
    assert (event.status, event.attempts) == ("processed", 2)
    assert contract.milestones.get().status == "funded"
    reconciled()


def test_a_stored_event_whose_task_was_lost_is_restarted_by_the_next_event(
    sandbox, webhooks, client_for, make_contract, captured, reconciled
):
    contract, brand, _, url = deal(client_for, make_contract)
    intent = brand.post(url + "fund/").json()["payment"]["stripe_payment_intent_id"]
    sandbox.client().v1.payment_intents.confirm(intent, params=PM)
    held = captured.hold(queue.PROCESS_STRIPE_EVENT)
    webhooks.deliver({"payment_intent.succeeded"})  # stored; its task dies with a worker
    assert len(held) == 1
    captured.release()
    lost = StripeEvent.objects.get(type="payment_intent.succeeded")
    assert (lost.status, lost.attempts) == ("pending", 0)
    StripeEvent.objects.filter(pk=lost.pk).update(
        received_at=timezone.now() - timedelta(seconds=45)
    )
    # No beat: the next event Stripe sends (any) starts the lost one again.
    other = {
        "id": "evt_next",
        "object": "event",
        "type": "customer.created",
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": {"id": "cus_1", "object": "customer"}},
    }
    assert webhooks.post(other).status_code == 200
    assert StripeEvent.objects.get(pk=lost.pk).status == "processed"
    assert contract.milestones.get().status == "funded"
    reconciled()


# Item 4: the poll job asks Stripe; a forged success books nothing ---------------------------


def test_the_poll_books_a_charge_and_enables_an_account_whose_webhooks_never_came(
    sandbox, webhooks, client_for, make_contract, reconciled
):
    contract, brand, maker, url = deal(client_for, make_contract)
    account = account_of(maker)
    intent = brand.post(url + "fund/").json()["payment"]["stripe_payment_intent_id"]
    sandbox.client().v1.payment_intents.confirm(intent, params=PM)  # no webhook is delivered
    long_ago = timezone.now() - timedelta(seconds=120)
    assert tasks.poll_stripe()["payments_booked"] == 0  # too recent: the webhook may come
    Payment.objects.update(updated_at=long_ago)
    assert tasks.poll_stripe()["payments_booked"] == 1
    assert contract.milestones.get().status == "funded"
    maker.post(url + "deliveries/", {"videos": [VIDEO]}, format="json")
    brand.post(url + "approve/")
    assert Transfer.objects.get().status == "waiting_for_account"
    sandbox.complete_onboarding(account)  # its account.updated is lost
    Transfer.objects.update(updated_at=long_ago)
    assert tasks.poll_stripe()["accounts_updated"] == 1
    assert Transfer.objects.get().status == "paid"
    webhooks.deliver()  # the late webhooks change nothing
    assert JournalEntry.objects.filter(kind="funding").count() == 1
    assert len(sandbox.objects("transfers")) == 1
    reconciled()


def test_a_forged_success_for_a_declined_intent_books_nothing(
    sandbox, webhooks, client_for, make_contract, reconciled
):
    contract, brand, _, url = deal(client_for, make_contract)
    declined = brand.post(url + "fund/", {"payment_method": "pm_card_chargeDeclined"})
    assert declined.status_code == 402
    payment = Payment.objects.get()
    forged = {
        "id": "evt_forged",
        "object": "event",
        "type": "payment_intent.succeeded",
        "created": int(time.time()),
        "livemode": False,
        "data": {
            "object": {
                "id": payment.stripe_payment_intent_id,
                "object": "payment_intent",
                "status": "succeeded",
                "amount": payment.amount,
                "currency": "usd",
                "latest_charge": "ch_forged",
                "metadata": {"contract_id": str(contract.pk), "payment_id": str(payment.pk)},
            }
        },
    }
    assert webhooks.post(forged).status_code == 200  # signed with our secret
    event = StripeEvent.objects.get(stripe_id="evt_forged")
    assert event.status == EventStatus.PROCESSED
    assert "nothing booked" in event.result and "requires_payment_method" in event.result
    assert JournalEntry.objects.count() == 0 and Refund.objects.count() == 0
    assert contract.milestones.get().status == "awaiting_funding"
    assert sandbox.objects("refunds") == []
    reconciled()


# Items 5 and 6: money Stripe moves without us is a work item; reconcile names it -------------


@pytest.mark.unreconciled(
    reason="money Stripe moved without us stays a mismatch until staff handle the work items"
)
def test_unrequested_refund_reversal_and_dispute_open_staff_work_items(
    sandbox, webhooks, client_for, make_contract, staff
):
    contract, brand, maker, url = deal(client_for, make_contract)
    account = account_of(maker)
    sandbox.complete_onboarding(account)
    webhooks.deliver()
    brand.post(url + "fund/", PM, format="json")
    maker.post(url + "deliveries/", {"videos": [VIDEO]}, format="json")
    brand.post(url + "approve/")
    payment, transfer = Payment.objects.get(), Transfer.objects.get()
    assert transfer.status == "paid"
    webhooks.deliver()
    assert MoneyWorkItem.objects.count() == 0  # our own money moves open nothing
    # Someone refunds, reverses and the cardholder disputes, all in Stripe, not through us.
    stripe = sandbox.client()
    stripe.v1.refunds.create(
        params={"payment_intent": payment.stripe_payment_intent_id, "amount": 10_000}
    )
    stripe.v1.transfers.reversals.create(transfer.stripe_transfer_id, params={"amount": 5_000})
    sandbox.dispute(payment.stripe_charge_id, reason="fraudulent")
    webhooks.deliver()
    webhooks.deliver()  # redelivered: nothing opens twice
    items = {i.kind: i for i in MoneyWorkItem.objects.all()}
    assert set(items) == {"charge_refunded", "transfer_reversed", "dispute"}
    refunded, reversed_, dispute = (
        items["charge_refunded"],
        items["transfer_reversed"],
        items["dispute"],
    )
    assert (refunded.amount, refunded.currency, refunded.payment_id) == (10_000, "USD", payment.pk)
    assert refunded.stripe_object == payment.stripe_charge_id
    assert (reversed_.amount, reversed_.transfer_id, reversed_.milestone_id) == (
        5_000,
        transfer.pk,
        transfer.milestone_id,
    )
    assert (dispute.amount, dispute.contract_id) == (60_000, contract.pk)
    assert all(i.status == "open" for i in items.values())
    kinds = set(Notification.objects.filter(user=staff).values_list("kind", flat=True))
    assert {"money_charge_refunded", "money_transfer_reversed", "money_dispute"} <= kinds
    assert StripeEvent.objects.filter(status=EventStatus.FAILED).count() == 0
    # Reconcile says cash and Stripe differ, and names the work items that explain it.
    (violation,) = reconcile().violations
    assert "platform_cash USD is 9000 but Stripe holds 4000" in violation
    assert f"#{refunded.pk} charge_refunded 10000" in violation
    assert f"#{reversed_.pk} transfer_reversed 5000" in violation
    # Staff see them in the admin (and its queue on the index) and resolve them there.
    admin = Client()
    admin.force_login(staff)
    listing = admin.get("/admin/payments/moneyworkitem/?status__exact=open")
    assert listing.status_code == 200 and payment.stripe_charge_id.encode() in listing.content
    assert b"Money work items" in admin.get("/admin/").content
    done = admin.post(
        "/admin/payments/moneyworkitem/",
        {"action": "resolve", "_selected_action": [dispute.pk]},
    )
    assert done.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "resolved" and dispute.resolved_by == staff


def test_a_sweep_alerts_staff_once_about_money_work_waiting_too_long(
    sandbox, webhooks, client_for, make_contract, captured, staff, reconciled
):
    contract, brand, _, url = deal(client_for, make_contract)
    intent = brand.post(url + "fund/").json()["payment"]["stripe_payment_intent_id"]
    sandbox.client().v1.payment_intents.confirm(intent, params=PM)
    captured.hold(queue.PROCESS_STRIPE_EVENT)
    webhooks.deliver({"payment_intent.succeeded"})
    captured.release()
    StripeEvent.objects.update(received_at=timezone.now() - timedelta(seconds=700))
    tasks.release_waiting_payouts()  # the beat sweep finds it
    tasks.release_waiting_payouts()
    (item,) = MoneyWorkItem.objects.all()
    assert item.kind == "stale_work" and "webhook events not processed" in item.message
    assert Notification.objects.filter(user=staff, kind="money_stale_work").count() == 1
    assert tasks.poll_stripe()["events_processed"] == 1  # the poll settles it
    assert contract.milestones.get().status == "funded"
    reconciled()


def test_reconcile_names_a_charged_but_unbooked_payment_and_what_to_do(
    sandbox, client_for, make_contract, settings, reconciled
):
    contract, brand, _, url = deal(client_for, make_contract)
    intent = brand.post(url + "fund/").json()["payment"]["stripe_payment_intent_id"]
    sandbox.client().v1.payment_intents.confirm(intent, params=PM)
    report = reconcile()
    assert report.ok and any(intent in line and "in flight" in line for line in report.in_flight)
    settings.RECONCILE_GRACE_SECONDS = 0
    payment = Payment.objects.get()
    Payment.objects.update(updated_at=timezone.now() - timedelta(seconds=5))
    (violation,) = reconcile().violations
    assert f"payment {payment.pk} of contract {contract.pk}" in violation
    assert f"milestones {contract.milestones.get().pk}" in violation
    assert intent in violation and "manage.py poll_stripe" in violation
    from django.core.management import call_command

    call_command("poll_stripe", "--now")
    assert contract.milestones.get().status == "funded"
    reconciled()


def test_the_poll_makes_a_refund_whose_task_was_lost(
    sandbox, client_for, make_contract, captured, reconciled
):
    contract, brand, maker, url = deal(client_for, make_contract)
    brand.post(url + "fund/", PM, format="json")
    held = captured.hold(queue.EXECUTE_REFUND)
    brand.post(url + "refund/")
    maker.post(url + "refund/")  # both agreed: the refund's task is lost with its worker
    assert [name for name, _ in held] == [queue.EXECUTE_REFUND]
    captured.release()
    assert Refund.objects.get().status == "pending"
    assert tasks.poll_stripe()["refunds_retried"] == 0  # too recent: its task may still run
    Refund.objects.update(created_at=timezone.now() - timedelta(seconds=120))
    assert tasks.poll_stripe()["refunds_retried"] == 1
    assert Refund.objects.get().status == "succeeded"
    assert len(sandbox.objects("refunds")) == 1
    reconciled()
