"""The fee rate is the one agreed when the bid was accepted, whatever the settings say later."""

import pytest

from payments.reconcile import reconcile

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
