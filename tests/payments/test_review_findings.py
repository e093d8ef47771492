"""Edge cases found in review: agreed fee rates, redelivery during auto-approval, a retried
confirmation with another card, account events within one second."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Contract
from marketplace.errors import Conflict
from payments.models import PayoutAccount
from payments.reconcile import reconcile
from payments.services.payouts import contract_approve
from tests.payments.conftest import VIDEO

pytestmark = pytest.mark.django_db(transaction=True)


def test_split_uses_the_fee_rate_agreed_at_acceptance(
    sandbox, webhooks, client_for, make_contract, staff, settings
):
    contract, owner, creator = make_contract(amount=100_000, tier="standard")  # 15% agreed
    settings.PLATFORM_FEE_BPS = {**settings.PLATFORM_FEE_BPS, "standard": 2000}  # raised later
    maker = client_for(creator.user)
    account = maker.post("/api/v1/payments/onboarding/").json()["account"]["stripe_account_id"]
    sandbox.complete_onboarding(account)
    webhooks.deliver()
    client_for(owner).post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    client_for(owner).post(
        f"/api/v1/contracts/{contract.pk}/dispute/", {"reason": "late"}, format="json"
    )
    client_for(staff).post(
        f"/api/v1/contracts/{contract.pk}/resolve/",
        {"resolution": "split", "creator_amount": 40_000},
        format="json",
    )
    assert [t["amount"] for t in sandbox.objects("transfers")] == [34_000]  # 40 000 less 15%
    assert reconcile().ok


def test_system_approval_refuses_a_delivery_still_in_review(sandbox, client_for, make_contract):
    contract, owner, creator = make_contract()
    client_for(owner).post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    client_for(creator.user).post(
        f"/api/v1/contracts/{contract.pk}/deliveries/", {"videos": [VIDEO]}, format="json"
    )
    cutoff = timezone.now() - timedelta(days=7)  # the job's cutoff: delivered before this
    with pytest.raises(Conflict):
        contract_approve(actor=None, contract_id=contract.pk, delivered_before=cutoff)
    assert Contract.objects.get(pk=contract.pk).status == "delivered"


def test_declined_card_with_a_lost_answer_then_another_card(sandbox, client_for, make_contract):
    contract, owner, _ = make_contract()
    brand = client_for(owner)
    intent = brand.post(f"/api/v1/contracts/{contract.pk}/fund/").json()["payment"]
    sandbox.fail_next(
        "drop_after", 3, path=f"/v1/payment_intents/{intent['stripe_payment_intent_id']}/confirm"
    )
    lost = brand.post(
        f"/api/v1/contracts/{contract.pk}/fund/",
        {"payment_method": "pm_card_chargeDeclined"},
        format="json",
    )
    assert lost.status_code == 503
    sandbox.clear_faults()
    paid = brand.post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    assert paid.status_code == 200, paid.json()
    assert paid.json()["contract_status"] == "funded"
    assert reconcile().ok


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
