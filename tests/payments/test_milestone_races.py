"""Races on PostgreSQL over milestones: concurrent fund calls on one milestone make one
PaymentIntent, concurrent approvals one transfer, and two overlapping sets of milestones funded
at once never charge a milestone twice."""

import pytest

from payments.models import JournalEntry, PaymentItem
from payments.reconcile import reconcile
from tests.constants import VIDEO
from tests.payments.test_milestones import PM, World
from tests.payments.test_races import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_fund_calls_on_one_milestone_make_one_payment_intent(sandbox, client_for):
    w = World(client_for)
    contract = w.contract(30_000, 70_000)
    m1 = contract["milestones"][0]["id"]
    statuses = run_at_once(
        20,
        lambda i: (
            client_for(w.owner)
            .post(f"/api/v1/milestones/{m1}/fund/", PM, format="json")
            .status_code
        ),
    )
    assert statuses.count(200) >= 1, statuses
    assert set(statuses) <= {200, 409}, statuses
    assert len(sandbox.objects("payment_intents")) == 1
    assert len(sandbox.objects("charges")) == 1
    assert JournalEntry.objects.filter(kind="funding").count() == 1
    assert reconcile().ok, reconcile().violations


def test_twenty_approvals_make_one_transfer(sandbox, webhooks, client_for):
    w = World(client_for)
    w.onboard(sandbox, webhooks)
    contract = w.contract(30_000, 70_000)
    m1, m2 = (m["id"] for m in contract["milestones"])
    w.fund(contract["id"], [m1, m2], **PM)
    w.deliver(m1)
    statuses = run_at_once(
        20, lambda i: client_for(w.owner).post(f"/api/v1/milestones/{m1}/approve/").status_code
    )
    assert sorted(statuses) == [200] + [409] * 19
    assert len(sandbox.objects("transfers")) == 1
    assert JournalEntry.objects.filter(kind="release").count() == 1
    assert JournalEntry.objects.filter(kind="payout").count() == 1
    assert reconcile().ok, reconcile().violations


def test_overlapping_sets_funded_at_once_never_charge_a_milestone_twice(sandbox, client_for):
    w = World(client_for)
    contract = w.contract(20_000, 30_000, 50_000)
    m1, m2, m3 = (m["id"] for m in contract["milestones"])
    sets = [[m1, m2], [m2, m3]] * 10
    statuses = run_at_once(
        20,
        lambda i: (
            client_for(w.owner)
            .post(
                f"/api/v1/contracts/{contract['id']}/fund/",
                {"milestones": sets[i], **PM},
                format="json",
            )
            .status_code
        ),
    )
    assert statuses.count(200) >= 1, statuses
    assert set(statuses) <= {200, 409}, statuses
    charged = PaymentItem.objects.filter(payment__status="succeeded")
    milestone_ids = list(charged.values_list("milestone_id", flat=True))
    assert len(milestone_ids) == len(set(milestone_ids)) == 2  # m2 is in exactly one charge
    assert len(sandbox.objects("charges")) == 1
    assert reconcile().ok, reconcile().violations
    w.deliver(m2)  # the milestone both sets wanted is funded once and works normally
    assert (
        w.maker.get(f"/api/v1/milestones/{m2}/deliveries/").json()["results"][0]["videos"][0][
            "video_url"
        ]
        == VIDEO["video_url"]
    )
