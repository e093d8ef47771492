"""Milestones through the API, the real stripe SDK talking to the sandbox: a bid proposes
stages, accepting snapshots them, the brand funds several with one charge, each is delivered,
revised, approved, disputed or refunded on its own, change orders add stages; every step keeps
the ledger balanced and reconcile clean."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.models import Contract, Dispute, Milestone
from marketplace.models import Notification
from payments import ledger
from payments.models import JournalEntry, Payment, Refund, Transfer
from payments.reconcile import reconcile
from payments.services.deliveries import milestones_auto_approve
from tests.constants import VIDEO
from tests.factories import BriefFactory, CreatorFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

PM = {"payment_method": "pm_card_visa"}


def clean() -> None:
    report = reconcile()
    assert report.ok, report.violations


def stages(brief, *amounts: int) -> list[dict]:  # type: ignore[no-untyped-def]
    due = brief.delivery_deadline - timedelta(days=len(amounts))
    return [
        {"title": f"Stage {i}", "amount": a, "due_date": (due + timedelta(days=i)).isoformat()}
        for i, a in enumerate(amounts, start=1)
    ]


class World:
    """A brief of a brand with its owner, a creator (onboarded when asked) and their bid."""

    def __init__(self, client_for, *, tier: str = "standard") -> None:  # type: ignore[no-untyped-def]
        self.brief = BriefFactory(usage_term_months=12, usage_territories=["US"])
        self.owner = MembershipFactory(brand=self.brief.brand).user
        self.creator = CreatorFactory(tier=tier)
        self.brand = client_for(self.owner)
        self.maker = client_for(self.creator.user)

    def onboard(self, sandbox, webhooks) -> None:  # type: ignore[no-untyped-def]
        account = self.maker.post("/api/v1/payments/onboarding/").json()["account"]
        sandbox.complete_onboarding(account["stripe_account_id"])
        webhooks.deliver()

    def bid(self, amount: int, milestones: list[dict] | None = None):  # type: ignore[no-untyped-def]
        body: dict = {"amount": amount, "pitch": "Storyboard, animatic, final cut."}
        if milestones is not None:
            body["milestones"] = milestones
        return self.maker.post(f"/api/v1/briefs/{self.brief.pk}/bids/", body, format="json")

    def contract(self, *amounts: int) -> dict:
        bid = self.bid(sum(amounts), stages(self.brief, *amounts))
        assert bid.status_code == 201, bid.json()
        accepted = self.brand.post(f"/api/v1/bids/{bid.json()['id']}/accept/")
        assert accepted.status_code == 200, accepted.json()
        return accepted.json()["contract"]

    def fund(self, contract_id: int, ids: list[int], **body):  # type: ignore[no-untyped-def]
        return self.brand.post(
            f"/api/v1/contracts/{contract_id}/fund/", {"milestones": ids, **body}, format="json"
        )

    def deliver(self, milestone_id: int):  # type: ignore[no-untyped-def]
        return self.maker.post(
            f"/api/v1/milestones/{milestone_id}/deliveries/", {"videos": [VIDEO]}, format="json"
        )


# Proposals ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bad_milestone_proposals_answer_400_naming_the_field(client_for):
    w = World(client_for)
    cases = [
        (stages(w.brief, 30_000, 20_000), 60_000, "milestones", "milestones_sum_mismatch"),
        (
            [{**stages(w.brief, 60_000)[0], "amount": 0}],
            60_000,
            "milestones",
            "invalid",
        ),
        (
            [
                {
                    **stages(w.brief, 60_000)[0],
                    "due_date": (w.brief.delivery_deadline + timedelta(days=1)).isoformat(),
                }
            ],
            60_000,
            "milestones[0].due_date",
            "milestone_due_date_invalid",
        ),
        (
            [
                {
                    **stages(w.brief, 60_000)[0],
                    "due_date": (timezone.now() - timedelta(days=1)).isoformat(),
                }
            ],
            60_000,
            "milestones[0].due_date",
            "milestone_due_date_invalid",
        ),
        (stages(w.brief, *([1_000] * 21)), 21_000, "milestones", "too_many_milestones"),
    ]
    for proposals, amount, field, code in cases:
        answer = w.bid(amount, proposals)
        assert answer.status_code == 400, (field, answer.json())
        error = answer.json()["error"]
        assert error["code"] == code, (field, error)
        assert field in error["fields"], (field, error)
    ok = w.bid(60_000, stages(w.brief, 10_000, 20_000, 30_000))
    assert ok.status_code == 201, ok.json()
    assert [m["amount"] for m in ok.json()["milestones"]] == [10_000, 20_000, 30_000]
    # Changing the amount alone leaves proposals that no longer sum to it.
    edit = w.maker.patch(f"/api/v1/bids/{ok.json()['id']}/", {"amount": 70_000}, format="json")
    assert edit.status_code == 400
    assert edit.json()["error"]["code"] == "milestones_sum_mismatch"


@pytest.mark.django_db
def test_accepting_snapshots_the_milestones_and_contract_actions_name_them(client_for):
    w = World(client_for, tier="partner")
    contract = w.contract(33_333, 33_333, 33_334)
    milestones = contract["milestones"]
    assert [m["position"] for m in milestones] == [1, 2, 3]
    assert [m["status"] for m in milestones] == ["awaiting_funding"] * 3
    assert sum(m["fee"] for m in milestones) == contract["fee"] == (100_000 * 1000 + 5000) // 10000
    assert all(m["creator_net"] == m["amount"] - m["fee"] for m in milestones)
    assert contract["status"] == "awaiting_funding"
    assert contract["kind"] == "standard"
    listed = w.brand.get(f"/api/v1/contracts/{contract['id']}/milestones/").json()["results"]
    assert [m["id"] for m in listed] == [m["id"] for m in milestones]
    for path, client in [
        ("fund", w.brand),
        ("approve", w.brand),
        ("cancel", w.brand),
        ("refund", w.maker),
    ]:
        answer = client.post(f"/api/v1/contracts/{contract['id']}/{path}/")
        assert answer.status_code == 409, path
        error = answer.json()["error"]
        assert error["code"] == "use_milestone_endpoints"
        assert error["milestones"] == [m["id"] for m in milestones]
        assert "/api/v1/milestones/" in error["message"]
    delivered = w.maker.post(
        f"/api/v1/contracts/{contract['id']}/deliveries/", {"videos": [VIDEO]}, format="json"
    )
    assert delivered.status_code == 409
    assert Notification.objects.filter(user=w.owner, kind="contract_awaiting_funding").exists()


@pytest.mark.django_db
def test_a_bid_without_milestones_makes_one_milestone_with_the_whole_price(client_for):
    w = World(client_for)
    bid = w.bid(80_000)
    contract = w.brand.post(f"/api/v1/bids/{bid.json()['id']}/accept/").json()["contract"]
    (only,) = contract["milestones"]
    assert only["amount"] == 80_000 and only["fee"] == contract["fee"]
    assert only["due_date"] == contract["delivery_deadline"]


# Money -------------------------------------------------------------------------------------


def test_three_milestones_two_funded_with_one_charge(sandbox, webhooks, client_for, staff):
    w = World(client_for)
    w.onboard(sandbox, webhooks)
    contract = w.contract(20_000, 30_000, 50_000)
    m1, m2, m3 = (m["id"] for m in contract["milestones"])

    funded = w.fund(contract["id"], [m2, m1], **PM)
    assert funded.status_code == 200, funded.json()
    assert funded.json()["contract_status"] == "active"
    assert sorted(funded.json()["payment"]["milestones"]) == [m1, m2]
    (intent,) = sandbox.objects("payment_intents")
    assert intent["amount"] == 50_000
    assert intent["metadata"]["milestone_ids"] == f"{m1},{m2}"
    assert JournalEntry.objects.filter(kind="funding").count() == 2
    assert -ledger.balance(ledger.escrow(contract["id"]), "USD") == 50_000
    assert Milestone.objects.get(pk=m3).status == "awaiting_funding"
    clean()

    # Milestone 1: delivered, revised, delivered again, approved, paid by its own transfer.
    assert w.deliver(m1).status_code == 201
    revise = w.brand.post(
        f"/api/v1/milestones/{m1}/request-revision/", {"note": "Tighter cut."}, format="json"
    )
    assert revise.json()["status"] == "revision_requested"
    assert revise.json()["revisions_used"] == 1
    assert w.deliver(m1).status_code == 201
    approved = w.brand.post(f"/api/v1/milestones/{m1}/approve/")
    assert approved.status_code == 200
    assert Milestone.objects.get(pk=m1).status == "paid"
    transfer = Transfer.objects.get(milestone_id=m1)
    assert transfer.amount == 20_000 - (20_000 * 1500 + 5000) // 10000
    keys = {
        r["idempotency_key"]
        for r in sandbox.requests_log()
        if r["method"] == "POST" and r["path"] == "/v1/transfers"
    }
    assert keys == {f"transfer-milestone-{m1}"}
    assert Contract.objects.get(pk=contract["id"]).status == "active"
    clean()

    # Milestone 2: disputed, split by staff: part released, the rest refunded from the shared
    # charge, never more than milestone 2's own share of it.
    disputed = w.maker.post(
        f"/api/v1/milestones/{m2}/dispute/", {"reason": "Scope grew."}, format="json"
    )
    assert disputed.json()["status"] == "disputed"
    assert Notification.objects.filter(user=staff, kind="dispute_opened").exists()
    resolved = client_for(staff).post(
        f"/api/v1/milestones/{m2}/resolve/",
        {"resolution": "split", "creator_amount": 10_000},
        format="json",
    )
    assert resolved.status_code == 200, resolved.json()
    refund = Refund.objects.get(milestone_id=m2)
    assert refund.amount == 20_000 and refund.status == "succeeded"
    (stripe_refund,) = sandbox.objects("refunds")
    assert stripe_refund["amount"] == 20_000
    assert stripe_refund["payment_intent"] == intent["id"]
    assert Transfer.objects.get(milestone_id=m2).amount == 10_000 - 1_500
    clean()

    # Milestone 3: its own charge, then refunded by mutual agreement before delivery.
    assert (
        client_for(w.owner)
        .post(f"/api/v1/milestones/{m3}/fund/", PM, format="json")
        .json()["milestone_status"]
        == "funded"
    )
    assert len(sandbox.objects("payment_intents")) == 2
    w.brand.post(f"/api/v1/milestones/{m3}/refund/")
    assert w.maker.post(f"/api/v1/milestones/{m3}/refund/").json()["status"] == "refunded"
    assert Refund.objects.get(milestone_id=m3).amount == 50_000

    final = Contract.objects.get(pk=contract["id"])
    assert final.status == "completed"
    assert ledger.balance(ledger.escrow(final.pk), "USD") == 0
    assert len(sandbox.objects("transfers")) == 2
    clean()


def test_overlapping_funding_never_charges_a_milestone_twice(sandbox, client_for):
    w = World(client_for)
    contract = w.contract(20_000, 30_000, 50_000)
    m1, m2, m3 = (m["id"] for m in contract["milestones"])
    pending = w.fund(contract["id"], [m1, m2])  # an intent, not confirmed yet
    assert pending.status_code == 200
    overlap = w.fund(contract["id"], [m2, m3], **PM)
    assert overlap.status_code == 409
    assert overlap.json()["error"]["code"] == "funding_in_progress"
    assert overlap.json()["error"]["pending_milestones"] == [m1, m2]
    single = w.brand.post(f"/api/v1/milestones/{m2}/fund/", PM, format="json")
    assert single.status_code == 409
    # Cancelling one of a pending set would leave the other unfundable: refused.
    cancel = w.maker.post(f"/api/v1/milestones/{m1}/cancel/")
    assert cancel.status_code == 409 and cancel.json()["error"]["code"] == "funding_in_progress"
    again = w.fund(contract["id"], [m2, m1], **PM)  # the same set: the same intent
    assert again.status_code == 200
    assert again.json()["payment"]["id"] == pending.json()["payment"]["id"]
    assert len(sandbox.objects("payment_intents")) == 1
    assert w.fund(contract["id"], [m1, m3], **PM).status_code == 409  # m1 is funded now
    assert w.fund(contract["id"], [m3], **PM).status_code == 200
    assert len(sandbox.objects("charges")) == 2
    charged = sorted(p.amount for p in Payment.objects.all())
    assert charged == [50_000, 50_000]
    assert w.fund(contract["id"], [999_999], **PM).status_code == 400
    clean()


def test_refund_of_one_milestone_of_a_shared_charge(sandbox, client_for, staff):
    w = World(client_for)
    contract = w.contract(40_000, 60_000)
    m1, m2 = (m["id"] for m in contract["milestones"])
    w.fund(contract["id"], [m1, m2], **PM)
    refunded = client_for(staff).post(
        f"/api/v1/milestones/{m1}/staff-refund/", {"reason": "Brand changed plans."}, format="json"
    )
    assert refunded.json()["status"] == "refunded"
    (stripe_refund,) = sandbox.objects("refunds")
    assert stripe_refund["amount"] == 40_000  # a partial refund of the one PaymentIntent
    assert Milestone.objects.get(pk=m2).status == "funded"
    assert -ledger.balance(ledger.escrow(contract["id"]), "USD") == 60_000
    twice = client_for(staff).post(
        f"/api/v1/milestones/{m1}/staff-refund/", {"reason": "again"}, format="json"
    )
    assert twice.status_code == 409
    clean()


def test_auto_approval_is_per_milestone(sandbox, webhooks, client_for):
    w = World(client_for)
    w.onboard(sandbox, webhooks)
    contract = w.contract(30_000, 70_000)
    m1, m2 = (m["id"] for m in contract["milestones"])
    w.fund(contract["id"], [m1, m2], **PM)
    w.deliver(m1)
    w.deliver(m2)
    Milestone.objects.filter(pk=m1).update(delivered_at=timezone.now() - timedelta(days=8))
    assert milestones_auto_approve() == 1
    assert Milestone.objects.get(pk=m1).status == "paid"
    assert Milestone.objects.get(pk=m2).status == "delivered"
    assert milestones_auto_approve() == 0  # safe to run twice
    clean()


# Change orders -----------------------------------------------------------------------------


def test_change_orders_add_milestones(sandbox, webhooks, client_for):
    w = World(client_for)
    w.onboard(sandbox, webhooks)
    contract = w.contract(50_000, 50_000)
    due = (timezone.now() + timedelta(days=30)).isoformat()
    body = {
        "kind": "extra_deliverable",
        "amount": 15_000,
        "due_date": due,
        "description": "A 6s cut.",
    }
    proposed = w.maker.post(
        f"/api/v1/contracts/{contract['id']}/change-orders/", body, format="json"
    )
    assert proposed.status_code == 201, proposed.json()
    order = proposed.json()
    assert order["status"] == "proposed" and order["proposer_side"] == "creator"
    assert Notification.objects.filter(user=w.owner, kind="change_order_proposed").exists()
    own = w.maker.post(f"/api/v1/change-orders/{order['id']}/accept/")
    assert own.status_code == 403 and own.json()["error"]["code"] == "change_order_own"
    accepted = w.brand.post(f"/api/v1/change-orders/{order['id']}/accept/")
    assert accepted.json()["status"] == "accepted"
    extra = Milestone.objects.get(pk=accepted.json()["milestone"])
    assert (extra.position, extra.amount, extra.status) == (3, 15_000, "awaiting_funding")
    grown = Contract.objects.get(pk=contract["id"])
    assert grown.amount == 115_000 and grown.fee == sum(
        grown.milestones.values_list("fee", flat=True)
    )
    assert w.brand.post(f"/api/v1/change-orders/{order['id']}/decline/").status_code == 409
    # Declined and withdrawn ones add nothing.
    for answer, client, status in [
        ("decline", w.brand, "declined"),
        ("withdraw", w.maker, "withdrawn"),
    ]:
        other = w.maker.post(
            f"/api/v1/contracts/{contract['id']}/change-orders/", body, format="json"
        ).json()
        assert (
            client.post(f"/api/v1/change-orders/{other['id']}/{answer}/").json()["status"] == status
        )
    assert Milestone.objects.filter(contract_id=contract["id"]).count() == 3
    assert w.fund(contract["id"], [extra.pk], **PM).status_code == 200
    assert w.deliver(extra.pk).status_code == 201
    assert w.brand.post(f"/api/v1/milestones/{extra.pk}/approve/").status_code == 200
    assert Transfer.objects.get(milestone=extra).status == "paid"
    clean()


def test_a_funded_rights_extension_is_released_without_delivery(sandbox, webhooks, client_for):
    w = World(client_for)
    w.onboard(sandbox, webhooks)
    contract = w.contract(100_000)
    due = (timezone.now() + timedelta(days=5)).isoformat()
    bad = w.brand.post(
        f"/api/v1/contracts/{contract['id']}/change-orders/",
        {"kind": "rights_extension", "amount": 20_000, "due_date": due, "description": "6 more"},
        format="json",
    )
    assert bad.status_code == 400 and "extension_months" in bad.json()["error"]["fields"]
    order = w.brand.post(
        f"/api/v1/contracts/{contract['id']}/change-orders/",
        {
            "kind": "rights_extension",
            "amount": 20_000,
            "due_date": due,
            "description": "Six more months on social.",
            "extension_months": 6,
        },
        format="json",
    ).json()
    milestone_id = w.maker.post(f"/api/v1/change-orders/{order['id']}/accept/").json()["milestone"]
    assert w.deliver(milestone_id).status_code == 409  # not funded, and needs no delivery
    funded = w.brand.post(f"/api/v1/milestones/{milestone_id}/fund/", PM, format="json")
    assert funded.json()["milestone_status"] == "paid"
    assert Contract.objects.get(pk=contract["id"]).rights_term_months == 18
    assert Transfer.objects.get(milestone_id=milestone_id).amount == 20_000 - 3_000
    clean()


def test_admin_shows_milestones_with_money_and_acts_through_the_services(
    sandbox, webhooks, client_for, staff
):
    w = World(client_for)
    w.onboard(sandbox, webhooks)
    contract = w.contract(40_000, 60_000)
    m1, m2 = (m["id"] for m in contract["milestones"])
    w.fund(contract["id"], [m1, m2], **PM)
    w.maker.post(f"/api/v1/milestones/{m2}/dispute/", {"reason": "Off brief."}, format="json")
    admin = Client()
    admin.force_login(staff)
    page = admin.get(f"/admin/campaigns/contract/{contract['id']}/change/")
    assert page.status_code == 200
    assert b"charged" in page.content and b"600.00" in page.content
    assert admin.get("/admin/campaigns/milestone/").status_code == 200
    assert admin.get("/admin/payments/journalentry/").status_code == 200
    assert admin.get("/admin/campaigns/changeorder/").status_code == 200
    to_dispute = admin.post(
        "/admin/campaigns/milestone/", {"action": "resolve_dispute", "_selected_action": [m2]}
    )
    dispute = Dispute.objects.get(milestone_id=m2)
    assert to_dispute.url == f"/admin/campaigns/dispute/{dispute.pk}/change/"
    split = admin.post(
        f"/admin/campaigns/dispute/{dispute.pk}/resolve/split/",
        {"amount": "200.00", "reason": "half", "_previewed": "split-20000"},
    )
    assert split.status_code == 302
    assert Milestone.objects.get(pk=m2).status == "resolved"
    assert Refund.objects.get(milestone_id=m2).amount == 40_000
    to_refund = admin.post(
        "/admin/campaigns/milestone/", {"action": "staff_refund", "_selected_action": [m1]}
    )
    assert to_refund.url == f"/admin/campaigns/milestone/{m1}/refund/"
    refund = admin.post(to_refund.url, {"reason": "fraud", "_previewed": "confirm"})
    assert refund.status_code == 302
    assert Milestone.objects.get(pk=m1).status == "refunded"
    # The contract-level admin refund leads nowhere for a contract of several milestones.
    moved = admin.post(
        "/admin/campaigns/contract/",
        {"action": "staff_refund", "_selected_action": [contract["id"]]},
        follow=True,
    )
    told = [str(m) for m in moved.context["messages"]]
    assert any("refund each on its milestone page" in m for m in told), told
    assert Refund.objects.count() == 2
    clean()


def test_bid_milestone_dates_use_the_apis_one_datetime_form(client_for):
    w = World(client_for)
    response = w.bid(100_000, stages(w.brief, 40_000, 60_000))
    assert response.status_code == 201, response.json()
    dates = [m["due_date"] for m in response.json()["milestones"]]
    assert all(d.endswith("Z") and "+00:00" not in d for d in dates), dates
