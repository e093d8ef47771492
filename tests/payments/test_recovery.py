"""Payouts and refunds recover in seconds: a task that meets a Stripe outage retries itself with
backoff and the same idempotency keys; reconcile tells a transfer in flight from a lost one."""

import io
import time

import pytest
from celery.exceptions import Retry
from django.core.management import call_command

from payments import tasks
from payments.models import Refund, Transfer
from payments.reconcile import reconcile
from payments.tasks import release_waiting_payouts
from tests.constants import VIDEO
from tests.payments.test_db_faults import refused_inserts

pytestmark = pytest.mark.django_db(transaction=True)


def approved_contract(sandbox, webhooks, client_for, make_contract, *, onboard=True, deliver=True):  # type: ignore[no-untyped-def]
    contract, owner, creator = make_contract(amount=60_000)
    brand, maker = client_for(owner), client_for(creator.user)
    url = f"/api/v1/contracts/{contract.pk}/"
    if onboard:
        account = maker.post("/api/v1/payments/onboarding/").json()["account"]["stripe_account_id"]
        sandbox.complete_onboarding(account)
        webhooks.deliver()
    brand.post(url + "fund/", {"payment_method": "pm_card_visa"}, format="json")
    if deliver:
        maker.post(url + "deliveries/", {"videos": [VIDEO]}, format="json")
    return contract, brand, maker, url


def run_as_worker(task, *args):  # type: ignore[no-untyped-def]
    """Run a task as a worker would (not eagerly), on its first delivery."""
    task.push_request(
        retries=0, is_eager=False, id="t-1", called_directly=False, args=list(args), kwargs={}
    )
    try:
        return task.run(*args)
    finally:
        task.pop_request()


def test_a_payout_retries_with_backoff_and_the_same_key(
    sandbox, webhooks, client_for, make_contract, settings, monkeypatch
):
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    contract, brand, _, url = approved_contract(sandbox, webhooks, client_for, make_contract)
    started = []
    # Approve while the release is queued elsewhere: run the task ourselves, as a worker.
    monkeypatch.setattr("marketplace.outbox.send", lambda name, *args: started.append((name, args)))
    assert brand.post(url + "approve/").status_code == 200
    ((name, (transfer_id,)),) = started
    assert name == "payments.tasks.release_payout"
    sandbox.fail_next(503, count=1, path="/v1/transfers", method="POST")
    with pytest.raises(Retry) as retry:
        run_as_worker(tasks.release_payout, transfer_id)
    assert 1 <= retry.value.when <= 1.25  # the first backoff, with jitter
    # The retry (sent eagerly in tests, so it has run already) paid, with the key the failed
    # call used.
    assert Transfer.objects.get().status == "paid"
    posts = [r for r in sandbox.requests_log() if r["method"] == "POST"]
    keys = [r["idempotency_key"] for r in posts if r["path"] == "/v1/transfers"]
    milestone = contract.milestones.get()
    assert keys == [f"transfer-milestone-{milestone.pk}"] * 2
    assert len(sandbox.objects("transfers")) == 1
    assert reconcile().ok


def test_backoff_grows_and_is_bounded(settings):
    settings.PAYMENTS_RETRY_BACKOFF_MAX = 30
    waits = [tasks.retry_countdown(n) for n in range(8)]
    for n, wait in enumerate(waits[:5]):
        assert 2**n <= wait <= 2**n * 1.25
    assert all(30 <= w <= 37.5 for w in waits[5:])


def test_retries_stop_after_the_maximum(
    sandbox, webhooks, client_for, make_contract, settings, monkeypatch
):
    settings.PAYMENTS_RETRY_MAX = 2
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    contract, brand, _, url = approved_contract(sandbox, webhooks, client_for, make_contract)
    monkeypatch.setattr("marketplace.outbox.send", lambda name, *args: None)
    brand.post(url + "approve/")
    transfer = Transfer.objects.get()
    sandbox.fail_next(503, count=10, path="/v1/transfers")
    tasks.release_payout.push_request(
        retries=2, is_eager=False, id="t-3", called_directly=False, args=[transfer.pk], kwargs={}
    )
    try:
        # The last retry is spent: it stays pending for the beat sweep, no Retry is raised.
        assert tasks.release_payout.run(transfer.pk) == "pending"
    finally:
        tasks.release_payout.pop_request()
    sandbox.clear_faults()
    release_waiting_payouts()
    assert Transfer.objects.get().status == "paid"


def test_a_refund_retries_when_stripe_is_down(
    sandbox, webhooks, client_for, make_contract, settings, monkeypatch
):
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    contract, brand, maker, url = approved_contract(
        sandbox, webhooks, client_for, make_contract, onboard=False, deliver=False
    )
    started = []
    monkeypatch.setattr("marketplace.outbox.send", lambda name, *args: started.append((name, args)))
    brand.post(url + "refund/")
    maker.post(url + "refund/")
    (refund_id,) = [args[0] for name, args in started if name == "payments.tasks.execute_refund"]
    sandbox.fail_next(503, count=1, path="/v1/refunds")
    with pytest.raises(Retry):
        run_as_worker(tasks.execute_refund, refund_id)
    assert Refund.objects.get().status == "succeeded"  # by the retry
    assert len(sandbox.objects("refunds")) == 1


def test_reconcile_tells_a_transfer_in_flight_from_a_lost_one(
    sandbox, webhooks, client_for, make_contract, settings
):
    settings.RECONCILE_GRACE_SECONDS = 600
    contract, brand, maker, url = approved_contract(
        sandbox, webhooks, client_for, make_contract, onboard=False
    )
    brand.post(url + "approve/")
    account = maker.post("/api/v1/payments/onboarding/").json()["account"]["stripe_account_id"]
    sandbox.complete_onboarding(account)
    # Stripe makes the transfer; recording it fails (as if the worker died right after).
    event = sandbox.events("account.updated")[-1]
    with refused_inserts("payments_journalline"):
        webhooks.post(event)
    assert Transfer.objects.get().status != "paid"
    (made,) = sandbox.objects("transfers")

    report = reconcile()
    assert report.ok, report.violations  # within the grace period: in flight, not a violation
    (line,) = report.in_flight
    assert made["id"] in line and f"group contract-{contract.pk}" in line and "in flight" in line
    out = io.StringIO()
    call_command("reconcile", stdout=out)
    assert "IN FLIGHT: transfer " + made["id"] in out.getvalue()
    assert "reconcile: clean" in out.getvalue()

    later = reconcile(now=time.time() + 601)
    assert later.in_flight == []
    assert any(made["id"] in v and "lost" in v for v in later.violations), later.violations

    release_waiting_payouts()  # the sweep records it
    report = reconcile()
    assert report.ok and report.in_flight == []
