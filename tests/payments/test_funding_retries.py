"""Funding again after a failed confirmation: a lost answer, then another card."""

import pytest

from payments.reconcile import reconcile

pytestmark = pytest.mark.django_db(transaction=True)


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
