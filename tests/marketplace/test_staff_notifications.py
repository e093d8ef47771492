"""Staff hear about work waiting for them: a brief to review, a reel or a partner application
to moderate, a dispute, a flagged message, a refund or payout that failed for good."""

import pytest

from campaigns.models import BriefStatus, ContractStatus
from marketplace.models import Notification
from payments import gateway
from payments.models import PayoutAccount, Transfer, TransferStatus
from payments.services import payouts
from tests.constants import VIDEO
from tests.factories import BriefFactory, contract_in

pytestmark = pytest.mark.django_db


def staff_kinds(staff) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(user=staff).values_list("kind", flat=True))


def test_a_submitted_brief_reaches_staff(staff, member_of, client_for, user_factory):
    inactive = user_factory(is_staff=True, is_active=False)
    brief = BriefFactory(status=BriefStatus.DRAFT)
    answer = client_for(member_of(brief.brand)).post(f"/api/v1/briefs/{brief.pk}/submit/")
    assert answer.status_code == 200, answer.json()
    assert staff_kinds(staff) == ["brief_submitted"]
    assert staff_kinds(inactive) == []


def test_a_reel_and_a_partner_application_reach_staff(staff, creator_factory, client_for):
    client = client_for(creator_factory().user)
    reel = client.post("/api/v1/reels/", {"title": "Neon", "video": VIDEO}, format="json")
    assert reel.status_code == 201
    application = client.post(
        "/api/v1/program/applications/", {"statement": "I ship on time."}, format="json"
    )
    assert application.status_code == 201
    assert sorted(staff_kinds(staff)) == ["application_submitted", "reel_submitted"]


def test_a_dispute_reaches_staff(staff, client_for):
    contract = contract_in(ContractStatus.DELIVERED)
    answer = client_for(contract.creator.user).post(
        f"/api/v1/contracts/{contract.pk}/dispute/", {"reason": "Never paid"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert staff_kinds(staff) == ["dispute_opened"]


def test_a_payout_failing_for_good_reaches_staff(staff, monkeypatch):
    contract = contract_in(ContractStatus.APPROVED)
    PayoutAccount.objects.create(
        creator=contract.creator, stripe_account_id="acct_x", payouts_enabled=True
    )
    transfer = Transfer.objects.create(
        contract=contract,
        milestone=contract.milestones.get(),
        creator=contract.creator,
        amount=contract.creator_net,
        currency=contract.currency,
        attempts=payouts.MAX_TRANSFER_ATTEMPTS - 2,
    )

    def rejected(**kwargs):  # type: ignore[no-untyped-def]
        raise gateway.GatewayRejected("the destination account is closed")

    monkeypatch.setattr(gateway, "transfers_for_contract", lambda contract_id: [])
    monkeypatch.setattr(gateway, "create_transfer", rejected)
    payouts.payout_release(transfer_id=transfer.pk)
    assert staff_kinds(staff) == []  # one more try is left
    payouts.payout_release(transfer_id=transfer.pk, force=True)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.FAILED
    assert transfer.attempts == payouts.MAX_TRANSFER_ATTEMPTS
    assert staff_kinds(staff) == ["transfer_failed"]
