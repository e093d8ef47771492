"""Funding, delivery, approval, payout, refunds and disputes through the API, with the real
stripe SDK talking to the sandbox over HTTP."""

import pytest
from django.core.management import call_command

from campaigns.models import Contract
from creators.models import CreatorProfile
from payments import ledger
from payments.models import JournalEntry, Payment, PayoutAccount, Refund, Transfer
from payments.reconcile import reconcile
from tests.constants import VIDEO

pytestmark = pytest.mark.django_db(transaction=True)


def fund(client, contract, pm="pm_card_visa"):  # type: ignore[no-untyped-def]
    body = {"payment_method": pm} if pm else {}
    return client.post(f"/api/v1/contracts/{contract.pk}/fund/", body, format="json")


def deliver(client, contract):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/contracts/{contract.pk}/deliveries/",
        {"videos": [VIDEO], "note": "final cut"},
        format="json",
    )


def onboard(client, sandbox, webhooks):  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/payments/onboarding/")
    assert response.status_code == 200, response.content
    account_id = response.json()["account"]["stripe_account_id"]
    sandbox.complete_onboarding(account_id)
    webhooks.deliver({"account.updated"})
    return account_id


def assert_clean() -> None:
    report = reconcile()
    assert report.ok, report.violations


def status_of(contract) -> str:  # type: ignore[no-untyped-def]
    return Contract.objects.get(pk=contract.pk).status


def test_fund_with_test_card_funds_and_posts_the_ledger(sandbox, client_for, make_contract):
    contract, owner, _ = make_contract(amount=120_000)
    response = fund(client_for(owner), contract)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["contract_status"] == "funded"
    assert body["payment"]["client_secret"].startswith(body["payment"]["stripe_payment_intent_id"])
    intent = sandbox.objects("payment_intents")[0]
    assert intent["transfer_group"] == f"contract-{contract.pk}"
    assert intent["metadata"]["contract_id"] == str(contract.pk)
    assert ledger.balance(ledger.PLATFORM_CASH, "USD") == 120_000
    assert ledger.balance(ledger.escrow(contract.pk), "USD") == -120_000
    assert_clean()


def test_fund_returns_client_secret_and_the_webhook_funds(
    sandbox, webhooks, client_for, make_contract
):
    contract, owner, _ = make_contract()
    response = fund(client_for(owner), contract, pm="")
    assert response.status_code == 200
    assert response.json()["contract_status"] == "awaiting_funding"
    intent_id = response.json()["payment"]["stripe_payment_intent_id"]
    # The brand's browser confirms with the client secret; Stripe tells us by webhook.
    sandbox.client().v1.payment_intents.confirm(
        intent_id, params={"payment_method": "pm_card_visa"}
    )
    webhooks.deliver()
    assert status_of(contract) == "funded"
    # The same event again is acknowledged and changes nothing.
    event = sandbox.events("payment_intent.succeeded")[0]
    again = webhooks.post(event)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert JournalEntry.objects.filter(kind="funding").count() == 1
    assert_clean()


def test_declined_card_is_402_and_contract_waits_then_a_good_card_funds(
    sandbox, client_for, make_contract
):
    contract, owner, _ = make_contract()
    client = client_for(owner)
    declined = fund(client, contract, pm="pm_card_chargeDeclined")
    assert declined.status_code == 402
    assert declined.json()["error"]["message"] == "Your card was declined."
    assert status_of(contract) == "awaiting_funding"
    assert JournalEntry.objects.count() == 0
    assert fund(client, contract).json()["contract_status"] == "funded"
    assert len(sandbox.objects("payment_intents")) == 1
    assert_clean()


def test_only_brand_members_fund_and_strangers_get_404(
    sandbox, client_for, make_contract, user_factory
):
    contract, _, creator = make_contract()
    assert fund(client_for(creator.user), contract).status_code == 403
    assert fund(client_for(user_factory()), contract).status_code == 404
    assert sandbox.objects("payment_intents") == []


def test_funding_twice_is_409_with_current_state(sandbox, client_for, make_contract):
    contract, owner, _ = make_contract()
    fund(client_for(owner), contract)
    again = fund(client_for(owner), contract)
    assert again.status_code == 409
    assert again.json()["error"]["current_state"] == "funded"


def test_delivery_revision_approval_and_waiting_payout(
    sandbox, webhooks, client_for, make_contract
):
    contract, owner, creator = make_contract(amount=100_000, tier="partner")
    brand, maker = client_for(owner), client_for(creator.user)
    fund(brand, contract)
    assert deliver(maker, contract).status_code == 201
    revision = brand.post(
        f"/api/v1/contracts/{contract.pk}/request-revision/",
        {"note": "brighter colours"},
        format="json",
    )
    assert revision.status_code == 200 and revision.json()["status"] == "revision_requested"
    assert deliver(maker, contract).json()["number"] == 2
    approved = brand.post(f"/api/v1/contracts/{contract.pk}/approve/")
    assert approved.status_code == 200
    # Not onboarded yet: the payout waits, the money sits in the creator's payable.
    transfer = Transfer.objects.get(contract=contract)
    assert transfer.status == "waiting_for_account"
    assert status_of(contract) == "approved"
    earnings = maker.get("/api/v1/payments/earnings/").json()["results"]
    assert earnings == [{"currency": "USD", "pending": 0, "available": 90_000, "paid": 0}]
    account_id = onboard(maker, sandbox, webhooks)
    assert status_of(contract) == "paid"
    made = sandbox.objects("transfers")
    assert len(made) == 1
    assert made[0]["amount"] == 90_000 and made[0]["destination"] == account_id
    assert made[0]["source_transaction"] == Payment.objects.get().stripe_charge_id
    assert made[0]["transfer_group"] == f"contract-{contract.pk}"
    earnings = maker.get("/api/v1/payments/earnings/").json()["results"]
    assert earnings == [{"currency": "USD", "pending": 0, "available": 0, "paid": 90_000}]
    transfers = maker.get("/api/v1/payments/transfers/").json()["results"]
    assert [(t["amount"], t["status"]) for t in transfers] == [(90_000, "paid")]
    # The old name answers the same list for one more release, marked deprecated.
    old = maker.get("/api/v1/payments/payouts/")
    assert old.json()["results"] == transfers
    assert old["Deprecation"] == "true"
    assert "/api/v1/payments/transfers/" in old["Link"]
    milestone = maker.get(f"/api/v1/contracts/{contract.pk}/milestones/").json()["results"][0]
    assert milestone["platform_fee"] == milestone["fee"] == 10_000
    assert milestone["creator_net"] == milestone["amount"] - milestone["platform_fee"]
    assert ledger.balance(ledger.PLATFORM_REVENUE, "USD") == -10_000
    profile = CreatorProfile.objects.get(pk=creator.pk)
    assert (profile.completed_contracts, profile.on_time_contracts) == (1, 1)
    assert_clean()


def test_revisions_are_limited(sandbox, client_for, make_contract):
    contract, owner, creator = make_contract()
    brand, maker = client_for(owner), client_for(creator.user)
    fund(brand, contract)
    url = f"/api/v1/contracts/{contract.pk}/request-revision/"
    for _ in range(2):
        deliver(maker, contract)
        assert brand.post(url, {"note": "again"}, format="json").status_code == 200
    deliver(maker, contract)
    third = brand.post(url, {"note": "once more"}, format="json")
    assert third.status_code == 409
    assert third.json()["error"]["current_state"] == "delivered"


def test_illegal_contract_moves_are_409(sandbox, client_for, make_contract):
    contract, owner, creator = make_contract()
    brand, maker = client_for(owner), client_for(creator.user)
    assert brand.post(f"/api/v1/contracts/{contract.pk}/approve/").status_code == 409
    assert deliver(maker, contract).status_code == 409
    response = brand.post(
        f"/api/v1/contracts/{contract.pk}/request-revision/", {"note": "x"}, format="json"
    )
    assert response.json()["error"]["current_state"] == "awaiting_funding"
    # The creator cannot approve their own work, the brand cannot deliver it.
    fund(brand, contract)
    assert deliver(brand, contract).status_code == 403
    deliver(maker, contract)
    assert maker.post(f"/api/v1/contracts/{contract.pk}/approve/").status_code == 403


def test_cancel_before_funding_only(sandbox, client_for, make_contract):
    contract, owner, _ = make_contract()
    brand = client_for(owner)
    assert brand.post(f"/api/v1/contracts/{contract.pk}/cancel/").json()["status"] == "cancelled"
    assert fund(brand, contract).status_code == 409
    other, owner2, _ = make_contract()
    fund(client_for(owner2), other)
    assert client_for(owner2).post(f"/api/v1/contracts/{other.pk}/cancel/").status_code == 409


def test_mutual_refund_before_delivery(sandbox, client_for, make_contract):
    contract, owner, creator = make_contract(amount=80_000)
    brand, maker = client_for(owner), client_for(creator.user)
    fund(brand, contract)
    first = brand.post(f"/api/v1/contracts/{contract.pk}/refund/")
    assert first.json()["status"] == "funded"  # waits for the creator's agreement
    second = maker.post(f"/api/v1/contracts/{contract.pk}/refund/")
    assert second.json()["status"] == "refunded"
    refunds = sandbox.objects("refunds")
    assert [r["amount"] for r in refunds] == [80_000]
    assert Refund.objects.get().status == "succeeded"
    assert ledger.balance(ledger.escrow(contract.pk), "USD") == 0
    assert_clean()


def paid_contract(sandbox, webhooks, client_for, make_contract, **kwargs):  # type: ignore[no-untyped-def]
    contract, owner, creator = make_contract(**kwargs)
    brand, maker = client_for(owner), client_for(creator.user)
    onboard(maker, sandbox, webhooks)
    fund(brand, contract)
    deliver(maker, contract)
    brand.post(f"/api/v1/contracts/{contract.pk}/approve/")
    assert status_of(contract) == "paid"
    return contract, brand, maker


def test_staff_refund_after_payout_reverses_the_transfer_first(
    sandbox, webhooks, client_for, make_contract, staff
):
    contract, _, _ = paid_contract(sandbox, webhooks, client_for, make_contract, amount=50_000)
    response = client_for(staff).post(
        f"/api/v1/contracts/{contract.pk}/staff-refund/",
        {"reason": "fraudulent delivery"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "refunded"
    transfer = sandbox.objects("transfers")[0]
    assert transfer["amount_reversed"] == transfer["amount"]
    assert [r["amount"] for r in sandbox.objects("refunds")] == [50_000]
    log = [r["path"] for r in sandbox.requests_log() if r["method"] == "POST"]
    assert log.index(f"/v1/transfers/{transfer['id']}/reversals") < log.index("/v1/refunds")
    assert ledger.balance(ledger.PLATFORM_REVENUE, "USD") == 0
    assert_clean()


def test_dispute_split_pays_each_side_its_share(
    sandbox, webhooks, client_for, make_contract, staff
):
    contract, owner, creator = make_contract(amount=100_000, tier="standard")
    brand, maker = client_for(owner), client_for(creator.user)
    onboard(maker, sandbox, webhooks)
    fund(brand, contract)
    deliver(maker, contract)
    opened = maker.post(
        f"/api/v1/contracts/{contract.pk}/dispute/", {"reason": "brand went silent"}, format="json"
    )
    assert opened.json()["status"] == "disputed"
    assert (
        brand.post(
            f"/api/v1/contracts/{contract.pk}/resolve/",
            {"resolution": "split", "creator_amount": 60_000},
        ).status_code
        == 403
    )
    resolved = client_for(staff).post(
        f"/api/v1/contracts/{contract.pk}/resolve/",
        {"resolution": "split", "creator_amount": 60_000},
        format="json",
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved"
    # The creator's 60 000 carries the standard 15% fee: 51 000 paid, 9 000 revenue.
    assert [t["amount"] for t in sandbox.objects("transfers")] == [51_000]
    assert [r["amount"] for r in sandbox.objects("refunds")] == [40_000]
    assert ledger.balance(ledger.PLATFORM_REVENUE, "USD") == -9_000
    assert ledger.balance(ledger.escrow(contract.pk), "USD") == 0
    assert_clean()


@pytest.mark.parametrize(
    "resolution, transfers, refunds",
    [
        ("release", [85_000], []),
        ("refund", [], [100_000]),
    ],
)
def test_dispute_release_or_refund(
    sandbox, webhooks, client_for, make_contract, staff, resolution, transfers, refunds
):
    contract, owner, creator = make_contract(amount=100_000)
    maker = client_for(creator.user)
    onboard(maker, sandbox, webhooks)
    fund(client_for(owner), contract)
    client_for(owner).post(
        f"/api/v1/contracts/{contract.pk}/dispute/", {"reason": "late"}, format="json"
    )
    client_for(staff).post(
        f"/api/v1/contracts/{contract.pk}/resolve/", {"resolution": resolution}, format="json"
    )
    assert [t["amount"] for t in sandbox.objects("transfers")] == transfers
    assert [r["amount"] for r in sandbox.objects("refunds")] == refunds
    assert_clean()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"resolution": "split"}, "creator_amount"),
        ({"resolution": "split", "creator_amount": 100_000}, "creator_amount"),
        ({"resolution": "halve"}, "resolution"),
    ],
)
def test_bad_resolution_is_400_naming_the_field(
    sandbox, client_for, make_contract, staff, body, field
):
    contract, owner, _ = make_contract(amount=100_000)
    fund(client_for(owner), contract)
    client_for(owner).post(
        f"/api/v1/contracts/{contract.pk}/dispute/", {"reason": "late"}, format="json"
    )
    response = client_for(staff).post(
        f"/api/v1/contracts/{contract.pk}/resolve/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert status_of(contract) == "disputed"


def test_reviews_once_per_party_update_the_rating(sandbox, webhooks, client_for, make_contract):
    contract, brand, maker = paid_contract(sandbox, webhooks, client_for, make_contract)
    url = f"/api/v1/contracts/{contract.pk}/reviews/"
    assert brand.post(url, {"stars": 4, "text": "great"}, format="json").status_code == 201
    assert brand.post(url, {"stars": 5}, format="json").status_code == 409
    assert maker.post(url, {"stars": 6}, format="json").status_code == 400
    assert maker.post(url, {"stars": 5}, format="json").status_code == 201
    profile = CreatorProfile.objects.get(pk=contract.creator_id)
    assert (profile.rating_sum, profile.review_count, profile.rating) == (4, 1, 4.0)
    assert len(maker.get(url).json()["results"]) == 2


def test_auto_approval_after_the_period(sandbox, webhooks, client_for, make_contract):
    from datetime import timedelta

    from django.utils import timezone

    from payments.services.deliveries import milestones_auto_approve

    contract, owner, creator = make_contract()
    onboard(client_for(creator.user), sandbox, webhooks)
    fund(client_for(owner), contract)
    deliver(client_for(creator.user), contract)
    assert milestones_auto_approve() == 0
    later = timezone.now() + timedelta(days=7, minutes=1)
    assert milestones_auto_approve(now=later) == 1
    assert milestones_auto_approve(now=later) == 0  # safe to run twice
    assert status_of(contract) == "paid"
    assert_clean()


@pytest.mark.parametrize(
    "tier, amount, fee",
    [
        ("standard", 1, 0),
        ("partner", 1, 0),
        ("elite", 1, 0),
        ("standard", 3, 0),
        ("standard", 4, 1),  # 0.45 → 0, 0.6 → 1
        ("partner", 5, 1),
        ("partner", 4, 0),  # 0.5 rounds half up, 0.4 down
        ("elite", 7, 1),
        ("elite", 6, 0),  # 0.56 → 1, 0.48 → 0
        ("standard", 99_999, 15_000),
        ("partner", 12_345, 1_235),
        ("elite", 12_345, 988),
    ],
)
def test_fee_rounding_at_the_edges(tier, amount, fee):
    from campaigns.pricing import creator_net, platform_fee

    assert platform_fee(amount, tier) == fee
    assert creator_net(amount, tier) == amount - fee


@pytest.mark.parametrize("tier, amount", [("standard", 333), ("partner", 555), ("elite", 777)])
def test_odd_amounts_balance_through_payout(
    sandbox, webhooks, client_for, make_contract, tier, amount
):
    contract, _, _ = paid_contract(
        sandbox, webhooks, client_for, make_contract, tier=tier, amount=amount
    )
    contract.refresh_from_db()
    assert contract.fee + contract.creator_net == amount
    assert sandbox.objects("transfers")[0]["amount"] == contract.creator_net
    assert ledger.balance(ledger.PLATFORM_REVENUE, "USD") == -contract.fee
    assert ledger.balance(ledger.PLATFORM_CASH, "USD") == contract.fee
    assert_clean()


@pytest.mark.unreconciled(reason="it posts an unbalanced entry to see the command fail")
def test_reconcile_command_exits_1_on_an_unbalanced_entry(sandbox, client_for, make_contract):
    from payments.models import JournalLine, LedgerAccount

    contract, owner, _ = make_contract()
    fund(client_for(owner), contract)
    call_command("reconcile")  # clean: no exit
    entry = JournalEntry.objects.get()
    account = LedgerAccount.objects.get(code=ledger.PLATFORM_CASH)
    JournalLine.objects.create(entry=entry, account=account, amount=1)
    with pytest.raises(SystemExit) as exited:
        call_command("reconcile")
    assert exited.value.code == 1


def test_onboarding_is_created_once_and_account_flags_follow_webhooks(
    sandbox, webhooks, client_for, creator_factory
):
    creator = creator_factory()
    maker = client_for(creator.user)
    first = maker.post("/api/v1/payments/onboarding/").json()
    second = maker.post("/api/v1/payments/onboarding/").json()
    assert first["account"]["stripe_account_id"] == second["account"]["stripe_account_id"]
    assert first["account"]["stripe_account_id"] in first["url"]
    links = [r for r in sandbox.requests_log() if r["path"] == "/v1/account_links"]
    assert len({r["idempotency_key"] for r in links}) == 2  # a fresh link each time
    assert len(sandbox.objects("accounts")) == 1
    assert maker.get("/api/v1/payments/account/").json()["payouts_enabled"] is False
    sandbox.complete_onboarding(first["account"]["stripe_account_id"])
    webhooks.deliver()
    account = maker.get("/api/v1/payments/account/").json()
    assert (account["payouts_enabled"], account["details_submitted"]) == (True, True)
    assert PayoutAccount.objects.count() == 1
