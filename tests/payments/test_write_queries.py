"""The money write paths run a pinned number of queries: funding two milestones with one
charge, the webhook that confirms it arriving again, approving, resolving a dispute. A change
that adds a query per row or a needless re-read fails here (the captured SQL is printed)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import Milestone
from campaigns.services import milestone_append
from tests.constants import VIDEO

pytestmark = pytest.mark.django_db(transaction=True)

# Measured on SQLite (PostgreSQL runs fewer: no BEGIN statements); each is a ceiling. Funding
# is the first of the platform, so its ledger accounts are created too.
FUND_TWO_MILESTONES = 64
WEBHOOK_AFTER_BOOKING = 23
WEBHOOK_REPLAY = 1
APPROVE = 63
RESOLVE = 64


def _onboard(client, sandbox, webhooks) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/payments/onboarding/")
    assert response.status_code == 200, response.content
    sandbox.complete_onboarding(response.json()["account"]["stripe_account_id"])
    webhooks.deliver({"account.updated"})


def _count(call) -> tuple[int, object, CaptureQueriesContext]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    return len(ctx.captured_queries), response, ctx


def _sql(ctx) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(q["sql"][:200] for q in ctx.captured_queries)


@pytest.fixture
def two_milestones(sandbox, webhooks, client_for, make_contract):  # type: ignore[no-untyped-def]
    contract, owner, creator = make_contract(amount=60_000)
    milestone_append(
        contract=contract,
        title="Second cut",
        amount=40_000,
        due_date=timezone.now() + timedelta(days=30),
    )
    _onboard(client_for(creator.user), sandbox, webhooks)
    return contract, client_for(owner), client_for(creator.user)


def test_funding_two_milestones_with_one_charge(two_milestones, webhooks):
    contract, brand, _ = two_milestones
    ids = sorted(contract.milestones.values_list("pk", flat=True))
    count, response, ctx = _count(
        lambda: brand.post(
            f"/api/v1/contracts/{contract.pk}/fund/",
            {"payment_method": "pm_card_visa", "milestones": ids},
            format="json",
        )
    )
    assert response.status_code == 200, response.content
    assert set(Milestone.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"funded"}
    assert count <= FUND_TWO_MILESTONES, f"{count} queries:\n{_sql(ctx)}"

    # The confirmation arrives after the fund answer has booked the payment.
    event = next(e for e in webhooks.sandbox.events() if e["type"] == "payment_intent.succeeded")
    count, response, ctx = _count(lambda: webhooks.post(event))
    assert response.status_code == 200
    assert count <= WEBHOOK_AFTER_BOOKING, f"{count} queries:\n{_sql(ctx)}"
    count, response, ctx = _count(lambda: webhooks.post(event))  # and once more
    assert response.status_code == 200
    assert count <= WEBHOOK_REPLAY, f"{count} queries:\n{_sql(ctx)}"


def test_approving_and_resolving(two_milestones, staff, client_for):
    contract, brand, creator = two_milestones
    first, second = contract.milestones.order_by("position")
    brand.post(
        f"/api/v1/contracts/{contract.pk}/fund/",
        {"payment_method": "pm_card_visa", "milestones": [first.pk, second.pk]},
        format="json",
    )
    for milestone in (first, second):
        response = creator.post(
            f"/api/v1/milestones/{milestone.pk}/deliveries/", {"videos": [VIDEO]}, format="json"
        )
        assert response.status_code == 201, response.content

    count, response, ctx = _count(lambda: brand.post(f"/api/v1/milestones/{first.pk}/approve/"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "paid"
    assert count <= APPROVE, f"{count} queries:\n{_sql(ctx)}"

    response = brand.post(f"/api/v1/milestones/{second.pk}/dispute/", {"reason": "off brief"})
    assert response.status_code == 200, response.content
    desk = client_for(staff)
    count, response, ctx = _count(
        lambda: desk.post(f"/api/v1/milestones/{second.pk}/resolve/", {"resolution": "release"})
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resolved"
    assert count <= RESOLVE, f"{count} queries:\n{_sql(ctx)}"
