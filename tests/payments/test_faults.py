"""Failure injection at every gateway call: once (the SDK's retries absorb 500s and dropped
connections, reusing the idempotency key) and repeatedly (503 to the caller, state unchanged,
safe to call again). After each, exactly one object exists in Stripe and reconcile is clean."""

import pytest

from campaigns.models import Contract
from payments.models import Refund, Transfer
from payments.reconcile import reconcile
from payments.tasks import release_waiting_payouts
from tests.constants import VIDEO

pytestmark = pytest.mark.django_db(transaction=True)

ONCE = [(500, 1), (429, 1), ("drop", 1), ("drop_after", 1)]
REPEATEDLY = [(500, 5), (429, 5), ("drop", 5)]


def retried_by_sdk(status, count) -> bool:  # type: ignore[no-untyped-def]
    """The SDK retries 5xx and dropped connections (twice here), never 429."""
    return status != 429 and count <= 2


def clean() -> None:
    report = reconcile()
    assert report.ok, report.violations


def keys_for(sandbox, path_prefix: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {
        r["idempotency_key"]
        for r in sandbox.requests_log()
        if r["method"] == "POST" and r["path"].startswith(path_prefix)
    }


@pytest.mark.parametrize("status, count", ONCE + REPEATEDLY)
def test_payment_intent_creation_fails(sandbox, client_for, make_contract, status, count):
    contract, owner, _ = make_contract()
    brand = client_for(owner)
    sandbox.fail_next(status, count, path="/v1/payment_intents", method="POST")
    first = brand.post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    if retried_by_sdk(status, count):
        assert first.status_code == 200
    else:
        assert first.status_code == 503
        assert first.json()["error"]["code"] == "service_unavailable"
        assert Contract.objects.get(pk=contract.pk).status == "awaiting_funding"
        sandbox.clear_faults()
        again = brand.post(
            f"/api/v1/contracts/{contract.pk}/fund/",
            {"payment_method": "pm_card_visa"},
            format="json",
        )
        assert again.status_code == 200
    assert Contract.objects.get(pk=contract.pk).status == "funded"
    assert len(sandbox.objects("payment_intents")) == 1
    assert keys_for(sandbox, "/v1/payment_intents") >= {f"pi-contract-{contract.pk}"}
    clean()


@pytest.mark.parametrize("status, count", ONCE + REPEATEDLY)
def test_confirmation_fails(sandbox, client_for, make_contract, status, count):
    contract, owner, _ = make_contract()
    brand = client_for(owner)
    intent = brand.post(f"/api/v1/contracts/{contract.pk}/fund/").json()["payment"]
    path = f"/v1/payment_intents/{intent['stripe_payment_intent_id']}/confirm"
    sandbox.fail_next(status, count, path=path)
    body = {"payment_method": "pm_card_visa"}
    first = brand.post(f"/api/v1/contracts/{contract.pk}/fund/", body, format="json")
    if not retried_by_sdk(status, count):
        assert first.status_code == 503
        sandbox.clear_faults()
        assert (
            brand.post(f"/api/v1/contracts/{contract.pk}/fund/", body, format="json").status_code
            == 200
        )
    assert len(sandbox.objects("charges")) == 1
    assert Contract.objects.get(pk=contract.pk).status == "funded"
    clean()


def ready_to_approve(sandbox, webhooks, client_for, make_contract):  # type: ignore[no-untyped-def]
    contract, owner, creator = make_contract(amount=100_000)
    brand, maker = client_for(owner), client_for(creator.user)
    account = maker.post("/api/v1/payments/onboarding/").json()["account"]["stripe_account_id"]
    sandbox.complete_onboarding(account)
    webhooks.deliver()
    brand.post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    maker.post(f"/api/v1/contracts/{contract.pk}/deliveries/", {"videos": [VIDEO]}, format="json")
    return contract, brand


@pytest.mark.parametrize("status, count", ONCE + REPEATEDLY)
def test_transfer_fails(sandbox, webhooks, client_for, make_contract, status, count):
    contract, brand = ready_to_approve(sandbox, webhooks, client_for, make_contract)
    sandbox.fail_next(status, count, path="/v1/transfers", method="POST")
    approved = brand.post(f"/api/v1/contracts/{contract.pk}/approve/")
    assert approved.status_code == 200  # the approval stands; only the payout waits
    if not retried_by_sdk(status, count):
        assert Transfer.objects.get().status == "pending"
        assert Contract.objects.get(pk=contract.pk).status == "approved"
        clean()  # money sits in the creator's payable; cash still matches Stripe
        sandbox.clear_faults()
        release_waiting_payouts()
    assert Contract.objects.get(pk=contract.pk).status == "paid"
    assert len(sandbox.objects("transfers")) == 1
    # docs/DESIGN.md, Money: a payout's key names its milestone (`transfer-contract-<id>` is
    # kept only by contracts paid before milestones existed; see test_milestone_migration.py).
    milestone = contract.milestones.get()
    assert keys_for(sandbox, "/v1/transfers") == {f"transfer-milestone-{milestone.pk}"}
    release_waiting_payouts()  # running the job again pays nothing twice
    assert len(sandbox.objects("transfers")) == 1
    clean()


@pytest.mark.parametrize("status, count", ONCE + REPEATEDLY)
def test_refund_fails(sandbox, client_for, make_contract, status, count):
    contract, owner, creator = make_contract(amount=70_000)
    brand, maker = client_for(owner), client_for(creator.user)
    brand.post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    sandbox.fail_next(status, count, path="/v1/refunds")
    brand.post(f"/api/v1/contracts/{contract.pk}/refund/")
    assert maker.post(f"/api/v1/contracts/{contract.pk}/refund/").status_code == 200
    if not retried_by_sdk(status, count):
        assert Refund.objects.get().status == "pending"
        clean()
        sandbox.clear_faults()
        release_waiting_payouts()
    assert Refund.objects.get().status == "succeeded"
    assert len(sandbox.objects("refunds")) == 1
    clean()


@pytest.mark.parametrize("status, count", ONCE + REPEATEDLY)
def test_reversal_fails(sandbox, webhooks, client_for, make_contract, staff, status, count):
    contract, brand = ready_to_approve(sandbox, webhooks, client_for, make_contract)
    brand.post(f"/api/v1/contracts/{contract.pk}/approve/")
    transfer_id = Transfer.objects.get().stripe_transfer_id
    sandbox.fail_next(status, count, path=f"/v1/transfers/{transfer_id}/reversals")
    client_for(staff).post(
        f"/api/v1/contracts/{contract.pk}/staff-refund/",
        {"reason": "chargeback risk"},
        format="json",
    )
    if not retried_by_sdk(status, count):
        assert Refund.objects.get().status == "pending"
        assert sandbox.objects("refunds") == []  # never refund before the reversal
        clean()
        sandbox.clear_faults()
        release_waiting_payouts()
    assert Refund.objects.get().status == "succeeded"
    assert len(sandbox.objects("transfer_reversals")) == 1
    assert len(sandbox.objects("refunds")) == 1
    clean()


@pytest.mark.parametrize("status, count", ONCE + REPEATEDLY)
@pytest.mark.parametrize("path", ["/v1/accounts", "/v1/account_links"])
def test_onboarding_fails(sandbox, client_for, creator_factory, path, status, count):
    maker = client_for(creator_factory().user)
    sandbox.fail_next(status, count, path=path, method="POST")
    first = maker.post("/api/v1/payments/onboarding/")
    if not retried_by_sdk(status, count):
        assert first.status_code == 503
        sandbox.clear_faults()
        assert maker.post("/api/v1/payments/onboarding/").status_code == 200
    else:
        assert first.status_code == 200
    assert len(sandbox.objects("accounts")) == 1
