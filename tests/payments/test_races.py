"""Races on PostgreSQL: concurrent approvals, fund calls and webhook deliveries never pay,
charge or post twice."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from payments.models import JournalEntry, StripeEvent
from payments.reconcile import reconcile
from tests.constants import VIDEO

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(n: int, work: Callable[[int], object]) -> list[object]:
    """Run `work(i)` in n threads released together; each closes its own connection."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_approvals_make_one_transfer(sandbox, webhooks, client_for, make_contract):
    contract, owner, creator = make_contract()
    maker = client_for(creator.user)
    account = maker.post("/api/v1/payments/onboarding/").json()["account"]["stripe_account_id"]
    sandbox.complete_onboarding(account)
    webhooks.deliver()
    brand = client_for(owner)
    brand.post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    maker.post(f"/api/v1/contracts/{contract.pk}/deliveries/", {"videos": [VIDEO]}, format="json")
    statuses = run_at_once(
        8, lambda i: client_for(owner).post(f"/api/v1/contracts/{contract.pk}/approve/").status_code
    )
    assert sorted(statuses) == [200] + [409] * 7
    assert len(sandbox.objects("transfers")) == 1
    assert JournalEntry.objects.filter(kind="release").count() == 1
    assert JournalEntry.objects.filter(kind="payout").count() == 1
    assert reconcile().ok


def test_concurrent_fund_calls_make_one_payment_intent(sandbox, client_for, make_contract):
    contract, owner, _ = make_contract()
    statuses = run_at_once(
        8,
        lambda i: (
            client_for(owner)
            .post(
                f"/api/v1/contracts/{contract.pk}/fund/",
                {"payment_method": "pm_card_visa"},
                format="json",
            )
            .status_code
        ),
    )
    assert statuses.count(200) >= 1
    assert set(statuses) <= {200, 409}
    assert len(sandbox.objects("payment_intents")) == 1
    assert len(sandbox.objects("charges")) == 1
    assert JournalEntry.objects.filter(kind="funding").count() == 1
    assert reconcile().ok


def test_same_webhook_fifty_times_at_once_posts_once(sandbox, webhooks, client_for, make_contract):
    contract, owner, _ = make_contract()
    intent = client_for(owner).post(f"/api/v1/contracts/{contract.pk}/fund/").json()["payment"]
    sandbox.client().v1.payment_intents.confirm(
        intent["stripe_payment_intent_id"], params={"payment_method": "pm_card_visa"}
    )
    event = sandbox.events("payment_intent.succeeded")[0]
    statuses = run_at_once(50, lambda i: webhooks.post(event).status_code)
    assert statuses == [200] * 50
    assert StripeEvent.objects.filter(stripe_id=event["id"]).count() == 1
    assert JournalEntry.objects.filter(kind="funding").count() == 1
    assert reconcile().ok
