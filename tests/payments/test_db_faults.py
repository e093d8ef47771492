"""A database error inside each money service rolls back the state change and the ledger
together. The error is real: a trigger makes the database refuse an insert."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection

from campaigns.models import Contract
from payments.models import JournalEntry, Refund, Transfer
from payments.reconcile import reconcile
from payments.tasks import release_waiting_payouts
from tests.constants import VIDEO

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def refused_inserts(table: str) -> Iterator[None]:
    """Make the database raise on every INSERT into `table` while the block runs."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION reelmatch_refuse() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'injected failure'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER reelmatch_refuse BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION reelmatch_refuse()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER reelmatch_refuse BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS reelmatch_refuse ON {table}")
            else:
                cursor.execute("DROP TRIGGER IF EXISTS reelmatch_refuse")


def status(contract) -> str:  # type: ignore[no-untyped-def]
    return Contract.objects.get(pk=contract.pk).status


def post(client, url, body=None):  # type: ignore[no-untyped-def]
    """Call the API; a refused insert surfaces as DatabaseError (the test client re-raises)."""
    try:
        return client.post(url, body or {}, format="json").status_code
    except DatabaseError:
        return 500


def setup(sandbox, webhooks, client_for, make_contract, *, onboard=True):  # type: ignore[no-untyped-def]
    contract, owner, creator = make_contract(amount=60_000)
    brand, maker = client_for(owner), client_for(creator.user)
    if onboard:
        account = maker.post("/api/v1/payments/onboarding/").json()["account"]["stripe_account_id"]
        sandbox.complete_onboarding(account)
        webhooks.deliver()
    return contract, brand, maker


def test_funding_rolls_back_when_the_ledger_refuses(sandbox, webhooks, client_for, make_contract):
    contract, brand, _ = setup(sandbox, webhooks, client_for, make_contract, onboard=False)
    url = f"/api/v1/contracts/{contract.pk}/fund/"
    with refused_inserts("payments_journalline"):
        assert post(brand, url, {"payment_method": "pm_card_visa"}) in (409, 500)
    assert status(contract) == "awaiting_funding"
    assert JournalEntry.objects.count() == 0
    # Stripe has the money; the webhook (or a retry) completes the funding once.
    webhooks.deliver()
    assert status(contract) == "funded"
    assert reconcile().ok


def test_approval_rolls_back_when_the_transfer_row_is_refused(
    sandbox, webhooks, client_for, make_contract
):
    contract, brand, maker = setup(sandbox, webhooks, client_for, make_contract)
    brand.post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    maker.post(f"/api/v1/contracts/{contract.pk}/deliveries/", {"videos": [VIDEO]}, format="json")
    with refused_inserts("payments_transfer"):
        assert post(brand, f"/api/v1/contracts/{contract.pk}/approve/") in (409, 500)
    assert status(contract) == "delivered"
    assert not JournalEntry.objects.filter(kind="release").exists()
    assert reconcile().ok
    assert post(brand, f"/api/v1/contracts/{contract.pk}/approve/") == 200
    assert status(contract) == "paid"
    assert reconcile().ok


def test_payout_record_rolls_back_and_the_retry_pays_once(
    sandbox, webhooks, client_for, make_contract
):
    contract, brand, maker = setup(sandbox, webhooks, client_for, make_contract, onboard=False)
    brand.post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    maker.post(f"/api/v1/contracts/{contract.pk}/deliveries/", {"videos": [VIDEO]}, format="json")
    brand.post(f"/api/v1/contracts/{contract.pk}/approve/")
    assert Transfer.objects.get().status == "waiting_for_account"
    account = maker.post("/api/v1/payments/onboarding/").json()["account"]["stripe_account_id"]
    sandbox.complete_onboarding(account)
    # The account becomes ready; the payout runs, Stripe makes the transfer, and recording it
    # fails: nothing of the payout is kept.
    event = sandbox.events("account.updated")[-1]
    with refused_inserts("payments_journalline"):
        response = webhooks.post(event)
    assert response.status_code == 200  # the event is stored; its processing failed
    assert Transfer.objects.get().status != "paid"
    assert status(contract) == "approved"
    assert len(sandbox.objects("transfers")) == 1
    release_waiting_payouts()
    assert status(contract) == "paid"
    assert len(sandbox.objects("transfers")) == 1  # the retry replayed the same key
    assert reconcile().ok


def test_refund_record_rolls_back_and_the_retry_refunds_once(
    sandbox, webhooks, client_for, make_contract
):
    contract, brand, maker = setup(sandbox, webhooks, client_for, make_contract, onboard=False)
    brand.post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    brand.post(f"/api/v1/contracts/{contract.pk}/refund/")
    from payments.services import refunds

    real_start = refunds.refund_enqueue
    # Keep the refund pending through the commit, then run it with the ledger refusing.
    refunds.refund_enqueue = lambda *, refund_id: None
    try:
        assert post(maker, f"/api/v1/contracts/{contract.pk}/refund/") == 200
    finally:
        refunds.refund_enqueue = real_start
    with refused_inserts("payments_journalline"), pytest.raises(DatabaseError):
        refunds.refund_execute(refund_id=Refund.objects.get().pk)
    assert Refund.objects.get().status == "pending"
    assert len(sandbox.objects("refunds")) == 1
    # Stripe refunded but our books do not show it yet: reconcile says so until the retry.
    (violation,) = reconcile().violations
    assert violation.startswith("platform_cash USD is 60000 but Stripe holds 0")
    release_waiting_payouts()
    assert Refund.objects.get().status == "succeeded"
    assert len(sandbox.objects("refunds")) == 1  # ...and the retry did not refund twice
    assert reconcile().ok


def test_dispute_resolution_rolls_back_when_the_refund_row_is_refused(
    sandbox, webhooks, client_for, make_contract, staff
):
    contract, brand, maker = setup(sandbox, webhooks, client_for, make_contract)
    brand.post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    brand.post(f"/api/v1/contracts/{contract.pk}/dispute/", {"reason": "late"}, format="json")
    url = f"/api/v1/contracts/{contract.pk}/resolve/"
    body = {"resolution": "split", "creator_amount": 30_000}
    with refused_inserts("payments_refund"):
        assert post(client_for(staff), url, body) in (409, 500)
    assert status(contract) == "disputed"
    assert not JournalEntry.objects.filter(kind="release").exists()
    assert not Transfer.objects.exists()
    assert post(client_for(staff), url, body) == 200
    assert reconcile().ok
