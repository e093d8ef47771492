"""The usage window of a contract: it starts when the work is approved, ends `term_months`
later, shows its state (pending, active, expiring, expired) in the API and the admin, and both
parties hear 30 and 7 days before the end and at the end, once each, from a job safe to run
twice. An extension moves the end. Every clock here is frozen."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from freezegun import freeze_time
from rest_framework.test import APIClient

from campaigns.models import Contract, RightsNotice
from campaigns.services import contract_rights_extend
from campaigns.tasks import send_rights_notices
from marketplace.errors import Conflict, InvalidInput
from marketplace.models import AuditLog, Notification
from tests.factories import BidFactory, IPAssetFactory, MembershipFactory, contract_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("freezable_throttles")]


@pytest.fixture
def client_for():  # type: ignore[no-untyped-def]
    """Clients authenticated without a token: a JWT would not be valid on a frozen clock."""

    def make(user) -> APIClient:  # type: ignore[no-untyped-def]
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make


APPROVED_AT = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def delivered(term: int = 6, **kwargs) -> tuple[Contract, object]:  # type: ignore[no-untyped-def]
    contract = contract_in(
        "delivered",
        usage_rights={
            "exclusive": False,
            "territories": ["US"],
            "channels": ["social"],
            "term_months": term,
            "perpetual": False,
        },
        rights_term_months=term,
        **kwargs,
    )
    owner = MembershipFactory(brand=contract.brand).user
    return contract, owner


def approve(client_for, contract: Contract, owner) -> dict:  # type: ignore[no-untyped-def]
    with freeze_time(APPROVED_AT):
        response = client_for(owner).post(f"/api/v1/contracts/{contract.pk}/approve/")
    assert response.status_code == 200, response.json()
    return response.json()


def rights_at(client, contract: Contract, moment: datetime) -> dict:  # type: ignore[no-untyped-def]
    with freeze_time(moment):
        response = client.get(f"/api/v1/contracts/{contract.pk}/rights/")
    assert response.status_code == 200, response.json()
    return response.json()["window"]


def test_approval_starts_the_window_and_the_state_follows_the_clock(client_for):
    contract, owner = delivered(term=1)
    brand = client_for(owner)
    before = rights_at(brand, contract, APPROVED_AT - timedelta(days=1))
    assert before["state"] == "pending"
    assert before["starts_at"] is None and before["days_left"] is None

    body = approve(client_for, contract, owner)
    # A month after 31 January is the last day of February.
    assert body["rights"]["starts_at"] == "2026-01-31T12:00:00Z"
    assert body["rights"]["ends_at"] == "2026-02-28T12:00:00Z"
    assert body["rights"]["term_months"] == 1

    end = datetime(2026, 2, 28, 12, 0, tzinfo=UTC)
    assert rights_at(brand, contract, APPROVED_AT)["state"] == "expiring"  # 28 days left
    creator = client_for(contract.creator.user)
    assert rights_at(creator, contract, end - timedelta(seconds=1))["state"] == "expiring"
    expired = rights_at(creator, contract, end)
    assert expired["state"] == "expired" and expired["days_left"] == 0


def test_a_long_window_is_active_then_expiring_in_its_last_30_days(client_for):
    contract, owner = delivered(term=6)
    approve(client_for, contract, owner)
    brand = client_for(owner)
    end = datetime(2026, 7, 31, 12, 0, tzinfo=UTC)
    active = rights_at(brand, contract, end - timedelta(days=31))
    assert active["state"] == "active" and active["days_left"] == 31
    assert rights_at(brand, contract, end - timedelta(days=30))["state"] == "expiring"
    with freeze_time(end - timedelta(days=31)):
        listed = brand.get("/api/v1/contracts/").json()["results"][0]
    assert listed["rights"]["state"] == "active"
    assert listed["rights"]["ends_at"] == "2026-07-31T12:00:00Z"


def test_notices_at_30_and_7_days_and_at_the_end_once_each(client_for):
    contract, owner = delivered(term=6)
    approve(client_for, contract, owner)
    end = datetime(2026, 7, 31, 12, 0, tzinfo=UTC)
    parties = {owner.pk, contract.creator.user_id}

    def run(moment: datetime) -> int:
        with freeze_time(moment):
            return send_rights_notices()

    assert run(end - timedelta(days=31)) == 0
    assert run(end - timedelta(days=30)) == 1
    assert run(end - timedelta(days=29)) == 0  # the same notice is never sent twice
    notices = Notification.objects.filter(kind="rights_30d")
    assert {n.user_id for n in notices} == parties
    assert "end in 30 days" in notices[0].message

    assert run(end - timedelta(days=7)) == 1
    assert run(end - timedelta(days=7)) == 0
    assert Notification.objects.filter(kind="rights_7d").count() == 2

    assert run(end) == 1
    assert run(end + timedelta(days=3)) == 0
    assert Notification.objects.filter(kind="rights_ended").count() == 2
    kinds = list(RightsNotice.objects.filter(contract=contract).values_list("kind", flat=True))
    assert kinds == ["30d", "7d", "ended"]


def test_a_late_job_sends_only_the_notice_that_is_due(client_for):
    contract, owner = delivered(term=1)
    approve(client_for, contract, owner)
    with freeze_time(datetime(2026, 2, 25, tzinfo=UTC)):  # 3 days before the end
        assert send_rights_notices() == 1
    assert not Notification.objects.filter(kind="rights_30d").exists()
    assert Notification.objects.filter(kind="rights_7d").count() == 2


def test_a_perpetual_grant_never_ends_and_sends_no_notice(client_for):
    contract = contract_in(
        "delivered", usage_rights={"perpetual": True, "term_months": None}, rights_perpetual=True
    )
    owner = MembershipFactory(brand=contract.brand).user
    body = approve(client_for, contract, owner)
    assert body["rights"]["state"] == "active"
    assert body["rights"]["perpetual"] is True and body["rights"]["ends_at"] is None
    with freeze_time(APPROVED_AT + timedelta(days=3650)):
        assert send_rights_notices() == 0
        assert (
            client_for(owner)
            .get(f"/api/v1/contracts/{contract.pk}/rights/")
            .json()["window"]["state"]
            == "active"
        )


def test_the_window_waits_for_the_ip_licence_start(client_for):
    licence_start = datetime(2026, 3, 1, tzinfo=UTC)
    contract, owner = delivered(term=2, rights_not_before=licence_start)
    body = approve(client_for, contract, owner)
    assert body["rights"]["state"] == "pending"
    assert body["rights"]["starts_at"] == "2026-03-01T00:00:00Z"
    assert body["rights"]["ends_at"] == "2026-05-01T00:00:00Z"
    assert rights_at(client_for(owner), contract, licence_start)["state"] == "active"


def test_an_extension_moves_the_end_and_arms_the_notices_again(client_for):
    contract, owner = delivered(term=1)
    approve(client_for, contract, owner)
    with freeze_time(datetime(2026, 2, 20, tzinfo=UTC)):
        assert send_rights_notices() == 1  # the 30-day notice for the old end (8 days left)
        contract_rights_extend(contract, 3, owner)
    contract.refresh_from_db()
    assert contract.rights_end == datetime(2026, 5, 31, 12, 0, tzinfo=UTC)
    assert contract.rights_term_months == 4
    assert AuditLog.objects.filter(verb="rights_extend", object_id=str(contract.pk)).exists()
    assert Notification.objects.filter(kind="rights_extended").count() == 2
    window = rights_at(client_for(owner), contract, datetime(2026, 2, 20, tzinfo=UTC))
    assert window["state"] == "active" and window["term_months"] == 4
    with freeze_time(datetime(2026, 5, 1, 12, 0, tzinfo=UTC)):
        assert send_rights_notices() == 1  # 30 days before the new end
        assert send_rights_notices() == 0
    ends = RightsNotice.objects.filter(contract=contract, kind="30d").values_list(
        "rights_end", flat=True
    )
    assert sorted(ends) == [
        datetime(2026, 2, 28, 12, 0, tzinfo=UTC),
        datetime(2026, 5, 31, 12, 0, tzinfo=UTC),
    ]


def test_an_extension_before_the_start_lengthens_the_term():
    contract, _owner = delivered(term=6)
    contract_rights_extend(contract, 6, None)
    contract.refresh_from_db()
    assert contract.rights_term_months == 12 and contract.rights_end is None


def test_an_extension_is_refused_when_perpetual_out_of_range_or_past_the_licence(client_for):
    perpetual = contract_in("delivered", rights_perpetual=True)
    with pytest.raises(Conflict) as refused:
        contract_rights_extend(perpetual, 6, None)
    assert refused.value.code == "rights_perpetual"

    contract, owner = delivered(term=6, ip_chain={"held": "licensed", "licence_end": "2026-09-30"})
    for months in (0, 121, True):
        with pytest.raises(InvalidInput) as bad:
            contract_rights_extend(contract, months, owner)
        assert bad.value.field == "months"
    approve(client_for, contract, owner)  # ends 2026-07-31
    with pytest.raises(Conflict) as past:
        contract_rights_extend(contract, 3, owner)
    assert past.value.code == "rights_outside_ip_licence"
    assert past.value.field == "months" and past.value.extra["bound"] == "2026-09-30"
    contract_rights_extend(contract, 2, owner)  # to 2026-09-30 12:00, inside the licence
    contract.refresh_from_db()
    assert contract.rights_end == datetime(2026, 9, 30, 12, 0, tzinfo=UTC)


def test_accepting_a_bid_snapshots_the_terms_and_the_chain(client_for, brief_factory):
    ip = IPAssetFactory(
        held="licensed",
        licence_start=datetime(2026, 1, 1).date(),
        licence_end=datetime(2028, 12, 31).date(),
        territories=["US", "GB"],
        channels=["social", "tiktok"],
    )
    brief = brief_factory(
        brand=ip.brand,
        ip=ip,
        usage_term_months=9,
        usage_territories=["US"],
        usage_channels=["tiktok"],
    )
    owner = MembershipFactory(brand=ip.brand).user
    bid = BidFactory(brief=brief)
    accepted = client_for(owner).post(f"/api/v1/bids/{bid.pk}/accept/")
    assert accepted.status_code == 200, accepted.json()
    contract = accepted.json()["contract"]
    assert contract["usage_rights"]["term_months"] == 9
    assert contract["ip_chain"]["held"] == "licensed"
    assert contract["ip_chain"]["licence_end"] == "2028-12-31"
    assert contract["ip_chain"]["territories"] == ["US", "GB"]
    assert contract["rights"]["state"] == "pending"
    assert contract["rights"]["not_before"] == "2026-01-01T00:00:00Z"
    # Editing the IP later leaves the contract's snapshot alone.
    ip.licence_end = datetime(2027, 1, 1).date()
    ip.save()
    again = client_for(owner).get(f"/api/v1/contracts/{contract['id']}/rights/").json()
    assert again["ip_chain"]["licence_end"] == "2028-12-31"


def test_another_tenant_gets_404_for_a_contracts_rights(client_for, user_factory):
    contract, _owner = delivered()
    outsider = client_for(user_factory())
    assert outsider.get(f"/api/v1/contracts/{contract.pk}/rights/").status_code == 404
    assert outsider.get(f"/api/v1/contracts/{contract.pk}/disclosure/").status_code == 404


def test_the_admin_shows_and_filters_the_rights_state(client_for, staff):
    expiring, owner = delivered(term=1)
    approve(client_for, expiring, owner)
    pending, _ = delivered(term=6)
    admin = Client()
    admin.force_login(staff)
    with freeze_time(datetime(2026, 2, 10, tzinfo=UTC)):
        page = admin.get("/admin/campaigns/contract/?rights_state=expiring")
        assert page.status_code == 200
        rows = list(page.context["cl"].result_list)
        assert [c.pk for c in rows] == [expiring.pk]
        assert b"expiring" in page.content
        pending_page = admin.get("/admin/campaigns/contract/?rights_state=pending")
        assert [c.pk for c in pending_page.context["cl"].result_list] == [pending.pk]
