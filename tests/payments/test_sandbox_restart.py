"""The Stripe sandbox keeps its state on disk: stopped and started again mid-journey (as when
`make run` restarts), accounts, balances, idempotency keys and undelivered events are still
there, onboarding goes on and reconcile stays clean."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe
from rest_framework.test import APIClient

from payments.reconcile import reconcile
from payments.sandbox.server import make_server
from payments.sandbox.testing import Sandbox
from tests.constants import VIDEO
from tests.payments.conftest import Webhooks

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(port: int, state, reset: bool = False) -> Sandbox:  # type: ignore[no-untyped-def]
    return Sandbox(make_server("127.0.0.1", port, state_path=state, reset=reset))


def test_a_restart_mid_journey_loses_nothing(tmp_path, settings, make_contract, client_for):
    port, state = free_port(), tmp_path / "run" / "stripe-sandbox.sqlite3"
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"
    settings.STRIPE_MAX_NETWORK_RETRIES = 2
    contract, owner, creator = make_contract(amount=100_000)
    brand, maker = client_for(owner), client_for(creator.user)
    url = f"/api/v1/contracts/{contract.pk}/"

    first = start(port, state)
    onboarding = maker.post("/api/v1/payments/onboarding/")
    assert onboarding.status_code == 200, onboarding.json()
    account_id = onboarding.json()["account"]["stripe_account_id"]
    funded = brand.post(url + "fund/", {"payment_method": "pm_card_visa"}, format="json")
    assert funded.json()["contract_status"] == "funded"
    first.stop()

    second = start(port, state)
    try:
        # The account is still known (onboarding used to answer "No such account").
        second.complete_onboarding(account_id)
        Webhooks(second, APIClient()).deliver()  # old and new events; duplicates are ignored
        assert maker.get("/api/v1/payments/account/").json()["payouts_enabled"] is True
        # The balance is still there (reconcile used to say "Stripe holds 0").
        report = reconcile()
        assert report.ok, report.violations
        assert report.stripe == {"USD": 100_000}
        # Idempotency keys survive: the key the gateway used is still bound to its request.
        with pytest.raises(stripe.IdempotencyError):
            second.client().v1.accounts.create(
                params={"type": "express", "email": "someone-else@example.com"},
                options={"idempotency_key": f"account-creator-{creator.pk}"},
            )

        assert (
            maker.post(url + "deliveries/", {"videos": [VIDEO]}, format="json").status_code == 201
        )
        assert brand.post(url + "approve/").status_code == 200
        assert brand.get(url).json()["status"] == "paid"
        assert [t["destination"] for t in second.objects("transfers")] == [account_id]
        report = reconcile()
        assert report.ok, report.violations
    finally:
        second.stop()

    # --reset starts clean.
    third = start(port, state, reset=True)
    try:
        with pytest.raises(stripe.PermissionError):
            third.client().v1.balance.retrieve(options={"stripe_account": account_id})
        assert third.objects("accounts") == []
    finally:
        third.stop()


def test_an_event_not_delivered_before_a_restart_is_sent_after_it(tmp_path):
    port, state = free_port(), tmp_path / "sandbox.sqlite3"
    received: list[str] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body)["id"])
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    hook_port = free_port()
    hook = {"webhook_url": f"http://127.0.0.1:{hook_port}/hook", "webhook_secret": "whsec_x"}
    first = Sandbox(make_server("127.0.0.1", port, state_path=state, **hook))
    first.client().v1.payment_intents.create(
        params={"amount": 500, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True}
    )
    first.stop()  # nothing listened at the webhook URL: the events were never delivered
    events = {e["id"] for e in json.loads(json.dumps(first.server.app.store.events))}
    assert events

    receiver = ThreadingHTTPServer(("127.0.0.1", hook_port), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    second = Sandbox(make_server("127.0.0.1", port, state_path=state, **hook))
    try:
        deadline = time.monotonic() + 10
        while set(received) != events and time.monotonic() < deadline:
            time.sleep(0.05)
        assert set(received) == events
        second.stop()
        # Delivered now: a third start sends nothing again.
        received.clear()
        third = Sandbox(make_server("127.0.0.1", port, state_path=state, **hook))
        time.sleep(0.5)
        third.stop()
        assert received == []
    finally:
        receiver.shutdown()
        receiver.server_close()
