"""Dates are bounded where they are read, and date arithmetic is total: IP licence and consent
dates lie in 1970-01-01..2100-12-31, due dates within DEADLINE_HORIZON_DAYS of now (400s
naming the field), and a contract approves on the extreme dates the API accepts, and on
year-9999 dates older rows may still hold."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from campaigns.models import Contract, IPAsset
from campaigns.rights import add_months, contract_window_terms, ip_chain_snapshot
from marketplace.serializers import DATE_MAX, DATE_MIN
from tests.factories import MembershipFactory, contract_in

pytestmark = pytest.mark.django_db


def test_add_months_is_total_at_the_ends_of_the_calendar():
    last = datetime(9999, 12, 31, 12, tzinfo=UTC)
    assert add_months(last, 1) == datetime.max.replace(tzinfo=UTC)
    assert add_months(datetime(9999, 1, 31, tzinfo=UTC), 1) == datetime(9999, 2, 28, tzinfo=UTC)
    assert add_months(datetime(1, 1, 1, tzinfo=UTC), -1) == datetime.min.replace(tzinfo=UTC)
    assert add_months(last, 10**6).year == 9999


@pytest.mark.parametrize("field", ["licence_start", "licence_end", "likeness_consent_expires"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1969-12-31", "2101-01-01"])
def test_ip_dates_outside_the_horizon_are_400_naming_the_field(client_for, field, value):
    membership = MembershipFactory()
    body = {"brand": membership.brand_id, "name": "Cat", "held": "licensed", field: value}
    if field == "licence_end":
        body["licence_start"] = "1970-01-01"
    response = client_for(membership.user).post("/api/v1/ips/", body, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["error"]["fields"]) == [field]
    assert not IPAsset.objects.exists()


@pytest.mark.parametrize("days", [settings.DEADLINE_HORIZON_DAYS + 1, 3_000_000])
def test_a_change_order_due_past_the_horizon_is_400_naming_due_date(client_for, days):
    contract = contract_in("funded")
    owner = MembershipFactory(brand=contract.brand).user
    due = "9999-12-31T00:00:00Z" if days > 10**6 else (timezone.now() + timedelta(days=days))
    response = client_for(owner).post(
        f"/api/v1/contracts/{contract.pk}/change-orders/",
        {
            "kind": "extra_deliverable",
            "amount": 10_000,
            "due_date": due if isinstance(due, str) else due.isoformat(),
            "description": "one more cut",
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert "due_date" in response.json()["error"]["fields"]


def _approve(client_for, contract: Contract) -> dict:
    owner = MembershipFactory(brand=contract.brand).user
    response = client_for(owner).post(f"/api/v1/contracts/{contract.pk}/approve/")
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_contract_on_the_extreme_dates_the_api_accepts_approves(client_for):
    membership = MembershipFactory()
    api = client_for(membership.user)
    created = api.post(
        "/api/v1/ips/",
        {
            "brand": membership.brand_id,
            "name": "Edge of time",
            "held": "licensed",
            "licence_start": DATE_MAX.isoformat(),
            "licence_end": DATE_MAX.isoformat(),
            "likeness": True,
            "likeness_consent": True,
            "likeness_consent_expires": DATE_MAX.isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    early = api.post(
        "/api/v1/ips/",
        {"brand": membership.brand_id, "name": "Dawn", "licence_start": DATE_MIN.isoformat()},
        format="json",
    )
    assert early.status_code == 201, early.json()
    ip = IPAsset.objects.get(pk=created.json()["id"])
    chain = ip_chain_snapshot(ip)
    usage = {"term_months": 1200, "perpetual": False, "territories": [], "channels": []}
    contract = contract_in(
        "delivered",
        brand=ip.brand,
        ip_chain=chain,
        usage_rights=usage,
        **contract_window_terms(usage, chain),
    )
    body = _approve(client_for, contract)
    contract.refresh_from_db()
    assert contract.status == "approved"
    assert contract.rights_start == datetime(2100, 12, 31, tzinfo=UTC)
    assert contract.rights_end == datetime(2200, 12, 31, tzinfo=UTC)
    assert body["rights"]["ends_at"].startswith("2200-12-31")


def test_a_contract_resting_on_an_old_year_9999_licence_approves(client_for):
    """A row saved before the bounds (licence from 9999-12-31) no longer makes approval a 500
    that leaves the money in escrow: the window ends at the calendar's last moment."""
    usage = {"term_months": 12, "perpetual": False, "territories": [], "channels": []}
    chain = {"licence_start": date(9999, 12, 31).isoformat(), "licence_end": None}
    contract = contract_in(
        "delivered", ip_chain=chain, usage_rights=usage, **contract_window_terms(usage, chain)
    )
    _approve(client_for, contract)
    contract.refresh_from_db()
    assert contract.status == "approved"
    assert contract.rights_end == datetime.max.replace(tzinfo=UTC)
    rights = client_for(contract.creator.user).get(f"/api/v1/contracts/{contract.pk}/rights/")
    assert rights.status_code == 200
