"""The data migration to milestones, on a database holding contracts in every state: rows are
written with the schema before milestones (the historical models), the migrations run, and every
contract comes out as a one-milestone contract in its state with its payment, transfer, refunds,
deliveries, disputes and ledger entries attached; reconcile stays clean and the old keys stay."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from campaigns.models import Contract
from payments.models import JournalEntry, Payment, Refund, Transfer
from payments.reconcile import reconcile
from payments.services.payouts import transfer_paid
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("campaigns", "0009_member_invitations"), ("payments", "0002_refund_reverses_payout")]
STATUSES = [
    "awaiting_funding",
    "funded",
    "delivered",
    "revision_requested",
    "approved",
    "paid",
    "disputed",
    "resolved",
    "cancelled",
    "refunded",
]
FUNDED = set(STATUSES) - {"awaiting_funding", "cancelled"}
DELIVERED = {"delivered", "revision_requested", "approved", "paid", "resolved"}
AMOUNT, FEE = 100_000, 15_000


def migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


class OldWorld:
    """Writes contracts and their money with the models as they were before milestones."""

    def __init__(self, apps) -> None:  # type: ignore[no-untyped-def]
        self.m = {
            name: apps.get_model(app, name)
            for app, name in [
                ("campaigns", "Brand"),
                ("campaigns", "Brief"),
                ("campaigns", "Bid"),
                ("campaigns", "Contract"),
                ("campaigns", "Delivery"),
                ("campaigns", "Dispute"),
                ("payments", "Payment"),
                ("payments", "Transfer"),
                ("payments", "Refund"),
                ("payments", "LedgerAccount"),
                ("payments", "JournalEntry"),
                ("payments", "JournalLine"),
            ]
        }
        now = timezone.now()
        self.brand = self.m["Brand"].objects.create(name="Old brand", slug="old-brand")
        self.brief = self.m["Brief"].objects.create(
            brand=self.brand,
            title="Old brief",
            description="Before milestones.",
            deliverables=[],
            budget_min=50_000,
            budget_max=200_000,
            currency="USD",
            bid_deadline=now + timedelta(days=3),
            delivery_deadline=now + timedelta(days=20),
            status="awarded",
        )
        self.member = UserFactory()

    def entry(self, contract, key: str, kind: str, lines: list[tuple[str, int]]) -> None:  # type: ignore[no-untyped-def]
        entry = self.m["JournalEntry"].objects.create(
            idempotency_key=key, kind=kind, currency="USD", contract_id=contract.pk
        )
        for code, amount in lines:
            account, _ = self.m["LedgerAccount"].objects.get_or_create(code=code, currency="USD")
            self.m["JournalLine"].objects.create(entry=entry, account=account, amount=amount)

    def contract(self, status: str):  # type: ignore[no-untyped-def]
        creator = CreatorFactory()
        now = timezone.now()
        bid = self.m["Bid"].objects.create(
            brief=self.brief,
            creator_id=creator.pk,
            amount=AMOUNT,
            currency="USD",
            status="accepted",
        )
        contract = self.m["Contract"].objects.create(
            bid=bid,
            brief=self.brief,
            brand=self.brand,
            creator_id=creator.pk,
            amount=AMOUNT,
            currency="USD",
            creator_tier="standard",
            fee_bps=1500,
            fee=FEE,
            creator_net=AMOUNT - FEE,
            deliverables=[],
            delivery_deadline=now + timedelta(days=14),
            usage_rights={},
            status=status,
            revisions_used=1 if status == "revision_requested" else 0,
            funded_at=now if status in FUNDED else None,
            delivered_at=now if status in DELIVERED else None,
        )
        escrow, payable = f"escrow:{contract.pk}", f"creator_payable:{creator.pk}"
        if status in FUNDED:
            payment = self.m["Payment"].objects.create(
                contract=contract,
                amount=AMOUNT,
                currency="USD",
                status="succeeded",
                stripe_payment_intent_id=f"pi_old_{contract.pk}",
                stripe_charge_id=f"ch_old_{contract.pk}",
            )
            self.entry(
                contract,
                f"fund-contract-{contract.pk}",
                "funding",
                [("platform_cash", AMOUNT), (escrow, -AMOUNT)],
            )
        if status in DELIVERED:
            self.m["Delivery"].objects.create(contract=contract, number=1)
        if status in ("disputed", "resolved"):
            self.m["Dispute"].objects.create(
                contract=contract,
                opened_by_id=self.member.pk,
                reason="Late.",
                status="open" if status == "disputed" else "resolved",
            )
        if status in ("approved", "paid"):
            self.entry(
                contract,
                f"approve-contract-{contract.pk}",
                "release",
                [(escrow, AMOUNT), (payable, -(AMOUNT - FEE)), ("platform_revenue", -FEE)],
            )
            transfer = self.m["Transfer"].objects.create(
                contract=contract,
                creator_id=creator.pk,
                amount=AMOUNT - FEE,
                currency="USD",
                status="paid" if status == "paid" else "pending",
                stripe_transfer_id=f"tr_old_{contract.pk}" if status == "paid" else None,
            )
            if status == "paid":
                self.entry(
                    contract,
                    f"payout-contract-{contract.pk}",
                    "payout",
                    [(payable, transfer.amount), ("platform_cash", -transfer.amount)],
                )
        if status in ("resolved", "refunded"):
            share = 40_000 if status == "resolved" else 0
            if share:
                self.entry(
                    contract,
                    f"resolve-release-contract-{contract.pk}",
                    "release",
                    [(escrow, share), (payable, -(share - 6_000)), ("platform_revenue", -6_000)],
                )
            refund = self.m["Refund"].objects.create(
                contract=contract,
                payment=payment,
                amount=AMOUNT - share,
                currency="USD",
                reason="mutual",
                status="succeeded",
                stripe_refund_id=f"re_old_{contract.pk}",
            )
            self.entry(
                contract,
                f"refund-{refund.pk}",
                "refund",
                [(escrow, refund.amount), ("platform_cash", -refund.amount)],
            )
        return contract.pk


def test_every_contract_becomes_a_one_milestone_contract_in_its_state():
    apps = migrate(BEFORE)
    world = OldWorld(apps)
    ids = {status: world.contract(status) for status in STATUSES}
    migrate(latest())

    for status, pk in ids.items():
        contract = Contract.objects.get(pk=pk)
        (milestone,) = contract.milestones.all()
        assert contract.status == milestone.status == status
        assert (milestone.amount, milestone.fee, milestone.creator_net) == (
            AMOUNT,
            FEE,
            AMOUNT - FEE,
        )
        assert milestone.due_date == contract.delivery_deadline
        assert milestone.revisions_used == contract.revisions_used
        assert contract.completion_recorded == (status in ("approved", "paid"))
        assert all(d.milestone_id == milestone.pk for d in contract.deliveries.all())
        assert all(d.milestone_id == milestone.pk for d in contract.disputes.all())
        entries = JournalEntry.objects.filter(contract=contract)
        assert entries.exists() == (status in FUNDED)
        assert all(e.milestone_id == milestone.pk for e in entries)
        payment = Payment.objects.filter(contract=contract).first()
        if status in FUNDED:
            assert payment.idempotency_key == f"pi-contract-{pk}"
            assert [(i.milestone_id, i.amount) for i in payment.items.all()] == [
                (milestone.pk, AMOUNT)
            ]
        else:
            assert payment is None
        for transfer in Transfer.objects.filter(contract=contract):
            assert transfer.milestone_id == milestone.pk
            assert transfer.idempotency_key == f"transfer-contract-{pk}"
        assert all(r.milestone_id == milestone.pk for r in Refund.objects.filter(contract=contract))
    assert reconcile(check_stripe=False).ok, reconcile(check_stripe=False).violations

    # A payout still owed from before milestones keeps its keys: the ledger entry it posts
    # is `payout-contract-<id>`, and the contract reads paid afterwards.
    approved = Contract.objects.get(pk=ids["approved"])
    transfer_paid(transfer_id=approved.transfers.get().pk, stripe_transfer_id="tr_after")
    assert JournalEntry.objects.filter(idempotency_key=f"payout-contract-{approved.pk}").exists()
    approved.refresh_from_db()
    assert approved.status == "paid"
    assert reconcile(check_stripe=False).ok


def test_the_migration_runs_backwards():
    migrate(latest())
    migrate(BEFORE)
    migrate(latest())
