"""Client addresses come from the socket unless we trust proxies: throttles and admin lockout."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Right-horse-battery-42"


@pytest.fixture(autouse=True)
def fresh_counters(monkeypatch):  # type: ignore[no-untyped-def]
    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"auth": "3/min", "writes": "3/min"})
    yield
    cache.clear()


@pytest.fixture
def trust_one_proxy(settings):  # type: ignore[no-untyped-def]
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def _login(api, forwarded_for: str):  # type: ignore[no-untyped-def]
    body = {"email": "x@example.com", "password": "wrong"}
    return api.post("/api/v1/auth/token/", body, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_rotating_forwarded_for_does_not_escape_the_login_throttle(api):
    statuses = [_login(api, f"10.0.{n}.1").status_code for n in range(40)]
    assert statuses[:3] == [401] * 3
    assert statuses[3:] == [429] * 37


def test_behind_one_trusted_proxy_the_address_it_saw_counts(api, trust_one_proxy):
    # A client may prepend anything; our proxy appends the address it saw (the last hop).
    spoofed = [_login(api, f"10.0.{n}.1, 198.51.100.7").status_code for n in range(5)]
    assert spoofed == [401, 401, 401, 429, 429]
    assert _login(api, "198.51.100.8").status_code == 401  # another client, its own count


def _admin_login(client: Client, email: str, password: str, forwarded_for: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": email, "password": password},
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_admin_login_locks_out_after_the_failure_limit(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    staff.set_password(PASSWORD)
    staff.save()
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [
        _admin_login(client, staff.email, "wrong", f"10.1.{n}.1").status_code
        for n in range(limit + 2)
    ]
    assert statuses == [200] * (limit - 1) + [429] * 3
    locked = _admin_login(client, staff.email, PASSWORD, "10.9.9.9")
    assert locked.status_code == 429
    assert not client.session.get("_auth_user_id")


def test_admin_lockout_is_per_address_as_well(client):
    """Guessing across many accounts from one address is locked out too."""
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [
        _admin_login(client, f"u{n}@example.com", "wrong", "10.2.0.1").status_code
        for n in range(limit + 1)
    ]
    assert statuses[-2:] == [429, 429]


def test_admin_login_succeeds_below_the_limit_and_resets_the_count(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    staff.set_password(PASSWORD)
    staff.save()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _admin_login(client, staff.email, "wrong", "").status_code == 200
    assert _admin_login(client, staff.email, PASSWORD, "").status_code == 302


def test_api_login_failures_do_not_lock_the_admin(client, api, monkeypatch):
    """API logins have their own throttle; they do not count toward the admin lockout."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"auth": "100/min"})
    staff = UserFactory(is_staff=True, is_superuser=True)
    staff.set_password(PASSWORD)
    staff.save()
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        response = api.post("/api/v1/auth/token/", {"email": staff.email, "password": "wrong"})
        assert response.status_code == 401
    assert _admin_login(client, staff.email, PASSWORD, "").status_code == 302
