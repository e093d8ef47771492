"""Shared fixtures: API clients per role, factories, and the PostgreSQL-only marker."""

import time
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework import throttling
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from marketplace import schema_views
from marketplace.celery import app as celery_app
from tests import factories


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked `postgres` when the suite runs on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (row locks and real concurrency); set DATABASE_URL to run it"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Each test starts with empty throttle counts and no admin lockout (the cache is shared
    by the tests of one process), and the schema is built anew (settings may differ)."""
    cache.clear()
    schema_views.clear()


@pytest.fixture
def api() -> APIClient:
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def client_for() -> Callable[..., APIClient]:
    """Build an API client authenticated as `user` with a JWT bearer token."""

    def make(user) -> APIClient:  # type: ignore[no-untyped-def]
        client = APIClient()
        if user is not None:
            token = RefreshToken.for_user(user).access_token
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture
def creator_factory() -> type[factories.CreatorFactory]:
    return factories.CreatorFactory


@pytest.fixture
def reel_factory() -> type[factories.ReelFactory]:
    return factories.ReelFactory


@pytest.fixture
def portfolio_factory() -> type[factories.PortfolioFactory]:
    return factories.PortfolioFactory


@pytest.fixture
def user_factory() -> type[factories.UserFactory]:
    return factories.UserFactory


@pytest.fixture
def brand_factory() -> type[factories.BrandFactory]:
    return factories.BrandFactory


@pytest.fixture
def membership_factory() -> type[factories.MembershipFactory]:
    return factories.MembershipFactory


@pytest.fixture
def brief_factory() -> type[factories.BriefFactory]:
    return factories.BriefFactory


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    return factories.UserFactory(is_staff=True, is_superuser=True, email="staff@example.com")


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def ip_factory() -> type[factories.IPAssetFactory]:
    return factories.IPAssetFactory


@pytest.fixture
def invitation_factory() -> type[factories.InvitationFactory]:
    return factories.InvitationFactory


@pytest.fixture
def bid_factory() -> type[factories.BidFactory]:
    return factories.BidFactory


@pytest.fixture
def contract_factory() -> type[factories.ContractFactory]:
    """Contracts awaiting funding, as bid acceptance makes them (see `contract_in` for others)."""
    return factories.ContractFactory


@pytest.fixture
def member_of(membership_factory):  # type: ignore[no-untyped-def]
    """A user who is a member (owner by default) of `brand`."""

    def make(brand, role: str = "owner"):  # type: ignore[no-untyped-def]
        return membership_factory(brand=brand, role=role).user

    return make


@pytest.fixture
def freezable_throttles(monkeypatch):  # type: ignore[no-untyped-def]
    """Let DRF's throttles read a frozen clock (freezegun replaces `time.time`, which DRF keeps
    as a class attribute and would then call as a bound method)."""
    monkeypatch.setattr(throttling.SimpleRateThrottle, "timer", staticmethod(lambda: time.time()))


class BrokerOutage:
    """Switches Celery between a broker nothing listens on (tasks published for real, failing)
    and "back" (tasks run in process again, as a worker would run them)."""

    NOWHERE = "redis://127.0.0.1:9/0"

    def __init__(self) -> None:
        self.app = celery_app
        self.before = {
            name: celery_app.conf[name]
            for name in (
                "task_always_eager",
                "broker_url",
                "broker_connection_retry",
                "task_publish_retry",
            )
        }

    def down(self) -> None:
        self.app.conf.update(
            task_always_eager=False,
            broker_url=self.NOWHERE,
            broker_connection_retry=False,
            task_publish_retry=False,
        )
        self._forget_pools()

    def back(self) -> None:
        self.app.conf.task_always_eager = True

    def restore(self) -> None:
        self.app.conf.update(self.before)
        self._forget_pools()

    def _forget_pools(self) -> None:
        # Connections are pooled per app: make the next publish connect to the broker_url now.
        self.app._pool = None
        self.app.amqp._producer_pool = None


@pytest.fixture
def broker_outage() -> Iterator[BrokerOutage]:
    """Stop and restart "the broker" within a test (see BrokerOutage)."""
    outage = BrokerOutage()
    yield outage
    outage.restore()
