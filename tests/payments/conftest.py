"""Payments fixtures: the Stripe sandbox over real HTTP, event forwarding, contracts."""

from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings

from marketplace import outbox
from payments.reconcile import reconcile
from payments.sandbox.testing import Sandbox, start_sandbox
from tests.factories import ContractFactory, MembershipFactory


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    server = start_sandbox()
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server: Sandbox, settings) -> Sandbox:  # type: ignore[no-untyped-def]
    """A clean sandbox the gateway talks to through the real stripe SDK."""
    sandbox_server.reset()
    settings.STRIPE_SECRET_KEY = "sk_test_sandbox"
    settings.STRIPE_API_BASE = sandbox_server.url
    settings.STRIPE_MAX_NETWORK_RETRIES = 2
    return sandbox_server


class Webhooks:
    """Forwards the sandbox's events to our webhook endpoints, signed like Stripe signs them."""

    def __init__(self, sandbox: Sandbox, client) -> None:  # type: ignore[no-untyped-def]
        self.sandbox = sandbox
        self.client = client
        self.delivered: set[str] = set()

    def post(self, event: dict, *, timestamp: int | None = None, secret: str | None = None):  # type: ignore[no-untyped-def]
        connect = bool(event.get("account"))
        path = "stripe-connect" if connect else "stripe"
        if secret is None:
            secret = (
                django_settings.STRIPE_CONNECT_WEBHOOK_SECRET
                if connect
                else django_settings.STRIPE_WEBHOOK_SECRET
            )
        body, header = self.sandbox.signed_payload(event, secret, timestamp)
        # A client per call, so threads delivering at once do not share one.
        return type(self.client)().post(
            f"/api/v1/payments/webhooks/{path}/",
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )

    def deliver(self, types: set[str] | None = None) -> list[dict]:
        """Deliver every event not yet delivered (optionally only some types), in order."""
        sent = []
        for event in self.sandbox.events():
            if event["id"] in self.delivered or (types and event["type"] not in types):
                continue
            response = self.post(event)
            assert response.status_code == 200, response.content
            self.delivered.add(event["id"])
            sent.append(event)
        return sent


@pytest.fixture
def webhooks(sandbox: Sandbox) -> Webhooks:
    from rest_framework.test import APIClient

    return Webhooks(sandbox, APIClient())


@pytest.fixture
def make_contract():  # type: ignore[no-untyped-def]
    """A contract awaiting funding, as bid acceptance makes it, with its brand owner."""

    def make(*, amount: int = 100_000, tier: str = "standard", currency: str = "USD"):  # type: ignore[no-untyped-def]
        contract = ContractFactory(amount=amount, currency=currency, creator__tier=tier)
        owner = MembershipFactory(brand=contract.brand).user
        return contract, owner, contract.creator

    return make


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):  # type: ignore[no-untyped-def]
    """Every money test that touched the database ends with a clean `reconcile` (against the
    sandbox's balance when it used the sandbox), unless it is marked `unreconciled` with the
    reason it leaves a mismatch on purpose. Runs while the test's fixtures are still alive."""
    result = yield
    marker = item.get_closest_marker("unreconciled")
    if marker is not None:
        assert marker.args or marker.kwargs.get("reason"), "say why the test is unreconciled"
        return result
    if item.get_closest_marker("django_db") is None:
        return result
    report = reconcile(check_stripe="sandbox" in getattr(item, "fixturenames", ()))
    assert report.ok, f"reconcile after the test: {report.violations}"
    return result


def assert_reconciled() -> None:
    """Every money test ends here: the ledger's invariants hold and platform cash matches
    what Stripe (the sandbox) holds."""
    report = reconcile()
    assert report.ok, report.violations


@pytest.fixture
def reconciled():  # type: ignore[no-untyped-def]
    """The reconcile check as a fixture: call it at the end of a money test."""
    return assert_reconciled


@pytest.fixture
def captured(monkeypatch):  # type: ignore[no-untyped-def]
    """Task starts of the named kinds are held back (as if a worker will take them later, or
    lost with it); every other task runs as usual."""
    real_send = outbox.send
    held: list[tuple[str, tuple]] = []
    names: set[str] = set()

    def send(name: str, *args: object) -> None:
        if name in names:
            held.append((name, args))
        else:
            real_send(name, *args)

    monkeypatch.setattr(outbox, "send", send)

    class Held:
        def hold(self, *task_names: str) -> list[tuple[str, tuple]]:
            names.update(task_names)
            return held

        def release(self) -> None:
            names.clear()

    return Held()
