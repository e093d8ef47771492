"""Failure injection at every Stripe call of the milestone paths (funding several milestones
with one charge, confirming it, a milestone's transfer, the partial refund of one milestone of a
shared charge, the reversal before refunding a paid milestone): once (the SDK retries with the
same key) and repeatedly (503, nothing changed, safe to call again). After each, Stripe holds
exactly one object for the call and reconcile is clean."""

import pytest

from campaigns.models import Milestone
from payments.models import Refund, Transfer
from payments.tasks import release_waiting_payouts
from tests.payments.test_faults import ONCE, REPEATEDLY, clean, keys_for, retried_by_sdk
from tests.payments.test_milestones import PM, World

pytestmark = pytest.mark.django_db(transaction=True)


def three_stages(client_for, sandbox=None, webhooks=None):  # type: ignore[no-untyped-def]
    w = World(client_for)
    if sandbox is not None:
        w.onboard(sandbox, webhooks)
    contract = w.contract(20_000, 30_000, 50_000)
    return w, contract, [m["id"] for m in contract["milestones"]]


@pytest.mark.parametrize("status, count", ONCE + REPEATEDLY)
def test_funding_several_fails_at_intent_creation(sandbox, client_for, status, count):
    w, contract, (m1, m2, _) = three_stages(client_for)
    sandbox.fail_next(status, count, path="/v1/payment_intents", method="POST")
    first = w.fund(contract["id"], [m1, m2], **PM)
    if not retried_by_sdk(status, count):
        assert first.status_code == 503
        assert Milestone.objects.get(pk=m1).status == "awaiting_funding"
        clean()
        sandbox.clear_faults()
        assert w.fund(contract["id"], [m1, m2], **PM).status_code == 200
    assert {Milestone.objects.get(pk=m).status for m in (m1, m2)} == {"funded"}
    assert len(sandbox.objects("payment_intents")) == 1
    intent_keys = {k for k in keys_for(sandbox, "/v1/payment_intents") if k.startswith("pi-")}
    assert intent_keys == {f"pi-milestones-{m1}-{m2}"}
    clean()


@pytest.mark.parametrize("status, count", ONCE + REPEATEDLY)
def test_funding_several_fails_at_confirmation(sandbox, client_for, status, count):
    w, contract, (m1, m2, _) = three_stages(client_for)
    intent = w.fund(contract["id"], [m1, m2]).json()["payment"]["stripe_payment_intent_id"]
    sandbox.fail_next(status, count, path=f"/v1/payment_intents/{intent}/confirm")
    first = w.fund(contract["id"], [m1, m2], **PM)
    if not retried_by_sdk(status, count):
        assert first.status_code == 503
        clean()
        sandbox.clear_faults()
        assert w.fund(contract["id"], [m1, m2], **PM).status_code == 200
    assert len(sandbox.objects("charges")) == 1
    assert Milestone.objects.get(pk=m2).status == "funded"
    clean()


@pytest.mark.parametrize("status, count", ONCE + REPEATEDLY)
def test_milestone_transfer_fails(sandbox, webhooks, client_for, status, count):
    w, contract, (m1, m2, _) = three_stages(client_for, sandbox, webhooks)
    w.fund(contract["id"], [m1, m2], **PM)
    w.deliver(m1)
    sandbox.fail_next(status, count, path="/v1/transfers", method="POST")
    assert w.brand.post(f"/api/v1/milestones/{m1}/approve/").status_code == 200
    if not retried_by_sdk(status, count):
        assert Transfer.objects.get().status == "pending"
        assert Milestone.objects.get(pk=m1).status == "approved"
        clean()
        sandbox.clear_faults()
        release_waiting_payouts()
    assert Milestone.objects.get(pk=m1).status == "paid"
    assert keys_for(sandbox, "/v1/transfers") == {f"transfer-milestone-{m1}"}
    release_waiting_payouts()
    assert len(sandbox.objects("transfers")) == 1
    clean()


@pytest.mark.parametrize("status, count", ONCE + REPEATEDLY)
def test_refund_of_one_milestone_of_a_shared_charge_fails(sandbox, client_for, status, count):
    w, contract, (m1, m2, _) = three_stages(client_for)
    w.fund(contract["id"], [m1, m2], **PM)
    sandbox.fail_next(status, count, path="/v1/refunds")
    w.brand.post(f"/api/v1/milestones/{m2}/refund/")
    assert w.maker.post(f"/api/v1/milestones/{m2}/refund/").status_code == 200
    if not retried_by_sdk(status, count):
        assert Refund.objects.get().status == "pending"
        clean()
        sandbox.clear_faults()
        release_waiting_payouts()
    assert Refund.objects.get().status == "succeeded"
    (refund,) = sandbox.objects("refunds")
    assert refund["amount"] == 30_000
    assert Milestone.objects.get(pk=m1).status == "funded"
    clean()


@pytest.mark.parametrize("status, count", ONCE + REPEATEDLY)
def test_reversal_of_a_paid_milestone_fails(sandbox, webhooks, client_for, staff, status, count):
    w, contract, (m1, m2, _) = three_stages(client_for, sandbox, webhooks)
    w.fund(contract["id"], [m1, m2], **PM)
    w.deliver(m1)
    w.brand.post(f"/api/v1/milestones/{m1}/approve/")
    transfer = Transfer.objects.get(milestone_id=m1)
    sandbox.fail_next(status, count, path=f"/v1/transfers/{transfer.stripe_transfer_id}/reversals")
    client_for(staff).post(
        f"/api/v1/milestones/{m1}/staff-refund/", {"reason": "chargeback risk"}, format="json"
    )
    if not retried_by_sdk(status, count):
        assert Refund.objects.get().status == "pending"
        assert sandbox.objects("refunds") == []  # never refund before the reversal
        clean()
        sandbox.clear_faults()
        release_waiting_payouts()
    assert Refund.objects.get().status == "succeeded"
    assert len(sandbox.objects("transfer_reversals")) == 1
    assert sandbox.objects("refunds")[0]["amount"] == 20_000
    assert Milestone.objects.get(pk=m2).status == "funded"
    clean()
