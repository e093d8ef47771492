"""Tests for the Stripe sandbox, driven through the real stripe SDK over HTTP."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import stripe

from payments.sandbox.testing import Sandbox, start_sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    sb = start_sandbox()
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def _reset(sandbox: Sandbox) -> None:
    sandbox.reset()


@pytest.fixture
def client(sandbox: Sandbox) -> stripe.StripeClient:
    return sandbox.client(max_network_retries=2)


def wait_for(predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def make_account(client: stripe.StripeClient, **extra: Any) -> stripe.Account:
    params = {
        "type": "express",
        "country": "US",
        "email": "creator@example.com",
        "capabilities": {"transfers": {"requested": True}},
        "metadata": {"creator": "7"},
        **extra,
    }
    return client.v1.accounts.create(params=params)  # type: ignore[arg-type]


def onboarded_account(client: stripe.StripeClient, sandbox: Sandbox) -> stripe.Account:
    account = make_account(client)
    sandbox.complete_onboarding(account.id)
    return account


def paid_intent(
    client: stripe.StripeClient, amount: int = 10_000, group: str = "contract-1"
) -> stripe.PaymentIntent:
    return client.v1.payment_intents.create(
        params={
            "amount": amount,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "transfer_group": group,
            "metadata": {"contract": "1"},
        }
    )


def platform_usd(client: stripe.StripeClient, account: str | None = None) -> int:
    options: Any = {"stripe_account": account} if account else None
    balance = client.v1.balance.retrieve(options=options)
    return next(b.amount for b in balance.available if b.currency == "usd")


# ---- accounts ------------------------------------------------------------------------------
def test_account_create_retrieve_and_link(client: stripe.StripeClient, sandbox: Sandbox) -> None:
    account = make_account(client, business_type="individual")
    assert account.id.startswith("acct_")
    fetched = client.v1.accounts.retrieve(account.id)
    assert fetched.id == account.id
    assert (fetched.charges_enabled, fetched.payouts_enabled, fetched.details_submitted) == (
        False,
        False,
        False,
    )
    assert fetched.capabilities is not None and fetched.capabilities.transfers == "inactive"
    assert fetched.metadata["creator"] == "7"
    assert fetched.business_type == "individual"

    link = client.v1.account_links.create(
        params={
            "account": account.id,
            "refresh_url": "http://app.test/refresh",
            "return_url": "http://app.test/done",
            "type": "account_onboarding",
        }
    )
    assert link.object == "account_link"
    assert link.url.startswith(f"{sandbox.url}/_sandbox/onboard/{account.id}?")
    assert link.expires_at > link.created

    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.account_links.create(
            params={"account": "acct_missing", "type": "account_onboarding"}
        )
    assert exc.value.http_status == 400 and exc.value.param == "account"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.accounts.retrieve("acct_missing")
    assert exc.value.http_status == 404 and exc.value.code == "resource_missing"


def test_onboarding_completion_emits_account_updated(
    client: stripe.StripeClient, sandbox: Sandbox
) -> None:
    account = make_account(client)
    sandbox.complete_onboarding(account.id)
    fetched = client.v1.accounts.retrieve(account.id)
    assert fetched.charges_enabled and fetched.payouts_enabled and fetched.details_submitted
    assert fetched.capabilities is not None and fetched.capabilities.transfers == "active"
    (event,) = sandbox.events("account.updated")
    assert event["account"] == account.id
    assert event["data"]["object"]["payouts_enabled"] is True
    assert event["data"]["previous_attributes"]["payouts_enabled"] is False

    # Following the account link (what a human does in `make run`) onboards too.
    other = make_account(client)
    link = client.v1.account_links.create(
        params={
            "account": other.id,
            "return_url": "http://app.test/done",
            "type": "account_onboarding",
        }
    )
    with urllib.request.urlopen(link.url, timeout=5) as response:
        page = response.read().decode()
    assert "Onboarding complete" in page and "http://app.test/done" in page
    assert client.v1.accounts.retrieve(other.id).payouts_enabled is True
    assert len(sandbox.events("account.updated")) == 2


# ---- payment intents -----------------------------------------------------------------------
def test_payment_intent_confirm_succeeds_with_charge_and_balance(
    client: stripe.StripeClient,
) -> None:
    intent = client.v1.payment_intents.create(
        params={"amount": 5000, "currency": "USD", "transfer_group": "contract-9"}
    )
    assert intent.status == "requires_payment_method"
    assert intent.client_secret and intent.client_secret.startswith(f"{intent.id}_secret_")
    assert intent.currency == "usd"

    confirmed = client.v1.payment_intents.confirm(
        intent.id, params={"payment_method": "pm_card_visa", "expand": ["latest_charge"]}
    )
    assert confirmed.status == "succeeded"
    charge = confirmed.latest_charge
    assert isinstance(charge, stripe.Charge)
    assert (charge.paid, charge.amount, charge.amount_refunded, charge.refunded) == (
        True,
        5000,
        0,
        False,
    )
    assert charge.transfer_group == "contract-9" and charge.payment_intent == intent.id
    assert charge.balance_transaction

    plain = client.v1.payment_intents.retrieve(intent.id)
    assert plain.latest_charge == charge.id
    assert client.v1.charges.retrieve(charge.id).amount == 5000
    assert platform_usd(client) == 5000

    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})
    assert exc.value.code == "payment_intent_unexpected_state"


def test_declined_card_raises_card_error_and_is_stored(
    client: stripe.StripeClient, sandbox: Sandbox
) -> None:
    params: Any = {
        "amount": 2000,
        "currency": "usd",
        "payment_method": "pm_card_chargeDeclined",
        "confirm": True,
    }
    with pytest.raises(stripe.CardError) as exc:
        client.v1.payment_intents.create(params=params, options={"idempotency_key": "pay-1"})
    error = exc.value
    assert error.http_status == 402 and error.code == "card_declined"
    assert error.error is not None and error.error.decline_code == "generic_decline"
    intent_id = error.error.payment_intent.id  # type: ignore[union-attr]
    intent = client.v1.payment_intents.retrieve(intent_id)
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error is not None
    assert intent.last_payment_error.code == "card_declined"
    assert [e["data"]["object"]["id"] for e in sandbox.events("payment_intent.payment_failed")] == [
        intent_id
    ]

    # Like Stripe, the card error is stored under the idempotency key and replayed.
    with pytest.raises(stripe.CardError):
        client.v1.payment_intents.create(params=params, options={"idempotency_key": "pay-1"})
    assert len(sandbox.objects("payment_intents")) == 1
    assert [r["replayed"] for r in sandbox.requests_log()][-1] is True
    assert platform_usd(client) == 0


# ---- idempotency and wire format -----------------------------------------------------------
def test_idempotent_replay_returns_same_object(
    client: stripe.StripeClient, sandbox: Sandbox
) -> None:
    params: Any = {"type": "express", "country": "US", "email": "a@example.com"}
    options: Any = {"idempotency_key": "account-creator-7"}
    first = client.v1.accounts.create(params=params, options=options)
    second = client.v1.accounts.create(params=params, options=options)
    assert first.id == second.id
    assert len(sandbox.objects("accounts")) == 1
    log = [r for r in sandbox.requests_log() if r["idempotency_key"] == "account-creator-7"]
    assert [r["replayed"] for r in log] == [False, True]

    with pytest.raises(stripe.IdempotencyError):
        client.v1.accounts.create(params={**params, "email": "b@example.com"}, options=options)
    with pytest.raises(stripe.IdempotencyError):
        client.v1.payment_intents.create(params={"amount": 100, "currency": "usd"}, options=options)
    assert len(sandbox.objects("accounts")) == 1
    assert sandbox.objects("payment_intents") == []


def raw_request(
    sandbox: Sandbox, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    host, port = sandbox.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    all_headers = {"Authorization": "Bearer sk_test_raw"}
    if method == "POST":
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    all_headers.update(headers or {})
    conn.request(method, path, body=body or None, headers=all_headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


def test_wire_format_errors_and_byte_for_byte_replay(sandbox: Sandbox) -> None:
    body = "amount=700&currency=eur&metadata[contract]=5&metadata[0]=x&expand[]=latest_charge"
    key = {"Idempotency-Key": "raw-1"}
    status, headers, first = raw_request(sandbox, "POST", "/v1/payment_intents", body, key)
    assert status == 200 and headers["Request-Id"].startswith("req_")
    intent = json.loads(first)
    assert intent["object"] == "payment_intent"
    assert intent["metadata"] == {"contract": "5", "0": "x"}
    status, headers, second = raw_request(sandbox, "POST", "/v1/payment_intents", body, key)
    assert (status, second) == (200, first)
    assert headers["Idempotent-Replayed"] == "true"

    status, headers, data = raw_request(
        sandbox, "GET", "/v1/balance", headers={"Authorization": "Bearer pk_live_nope"}
    )
    assert status == 401 and json.loads(data)["error"]["type"] == "authentication_error"
    assert "Request-Id" in headers
    status, _, data = raw_request(sandbox, "GET", "/v1/customers")
    assert status == 404 and json.loads(data)["error"]["code"] == "resource_missing"
    status, _, data = raw_request(sandbox, "POST", "/v1/transfers", "amount=abc&currency=usd")
    error = json.loads(data)["error"]
    assert status == 400 and (error["type"], error["param"]) == ("invalid_request_error", "amount")


def test_unknown_param_and_unknown_stripe_account(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.create(
            params={"amount": 100, "currency": "usd", "transfer_data": {"destination": "acct_1"}}  # type: ignore[typeddict-unknown-key]
        )
    assert exc.value.code == "parameter_unknown" and exc.value.param == "transfer_data"
    with pytest.raises(stripe.PermissionError):
        client.v1.balance.retrieve(options={"stripe_account": "acct_unknown"})


def test_concurrent_requests_with_same_key_process_once(
    client: stripe.StripeClient, sandbox: Sandbox
) -> None:
    ids: list[str] = []

    def create() -> None:
        intent = client.v1.payment_intents.create(
            params={"amount": 900, "currency": "usd"}, options={"idempotency_key": "same"}
        )
        ids.append(intent.id)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 8 and len(set(ids)) == 1
    assert len(sandbox.objects("payment_intents")) == 1


# ---- transfers, reversals, refunds ---------------------------------------------------------
def test_transfer_requires_onboarding_then_moves_money(
    client: stripe.StripeClient, sandbox: Sandbox
) -> None:
    intent = paid_intent(client, 10_000, "contract-1")
    charge_id = str(intent.latest_charge)
    account = make_account(client)
    params: Any = {
        "amount": 8000,
        "currency": "usd",
        "destination": account.id,
        "transfer_group": "contract-1",
        "source_transaction": charge_id,
        "metadata": {"contract": "1"},
    }
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.transfers.create(params=params)
    assert exc.value.code == "insufficient_capabilities_for_transfer"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.transfers.create(params={**params, "destination": "acct_nope"})
    assert exc.value.param == "destination"

    sandbox.complete_onboarding(account.id)
    transfer = client.v1.transfers.create(params=params)
    assert transfer.id.startswith("tr_")
    assert (transfer.amount_reversed, transfer.reversed) == (0, False)
    assert transfer.reversals.object == "list"
    assert transfer.transfer_group == "contract-1" and transfer.source_transaction == charge_id
    assert client.v1.transfers.retrieve(transfer.id).destination == account.id
    assert platform_usd(client) == 2000
    assert platform_usd(client, account.id) == 8000
    assert [e["type"] for e in sandbox.events("transfer.created")] == ["transfer.created"]

    with pytest.raises(stripe.InvalidRequestError) as exc:  # only 2000 left on the charge
        client.v1.transfers.create(params={**params, "amount": 2001})
    assert exc.value.code == "amount_too_large"
    with pytest.raises(stripe.InvalidRequestError) as exc:  # platform holds only 2000
        client.v1.transfers.create(
            params={"amount": 2500, "currency": "usd", "destination": account.id}
        )
    assert exc.value.code == "balance_insufficient"


def test_list_transfers_by_group(client: stripe.StripeClient, sandbox: Sandbox) -> None:
    paid_intent(client, 9000)
    account = onboarded_account(client, sandbox)
    for group, amount in (("g-a", 1000), ("g-b", 2000), ("g-a", 3000)):
        client.v1.transfers.create(
            params={
                "amount": amount,
                "currency": "usd",
                "destination": account.id,
                "transfer_group": group,
            }
        )
    listed = client.v1.transfers.list(params={"transfer_group": "g-a"})
    assert listed.object == "list" and listed.url == "/v1/transfers" and not listed.has_more
    assert [t.amount for t in listed.data] == [3000, 1000]  # newest first
    assert len(client.v1.transfers.list(params={"destination": account.id, "limit": 2}).data) == 2


def test_transfer_reversal(client: stripe.StripeClient, sandbox: Sandbox) -> None:
    paid_intent(client, 5000)
    account = onboarded_account(client, sandbox)
    transfer = client.v1.transfers.create(
        params={"amount": 4000, "currency": "usd", "destination": account.id}
    )
    reversal = client.v1.transfers.reversals.create(
        transfer.id, params={"amount": 1500, "metadata": {"reason": "dispute"}}
    )
    assert reversal.id.startswith("trr_") and reversal.amount == 1500
    rest = client.v1.transfers.reversals.create(transfer.id)
    assert rest.amount == 2500
    fetched = client.v1.transfers.retrieve(transfer.id)
    assert (fetched.amount_reversed, fetched.reversed) == (4000, True)
    assert platform_usd(client) == 5000 and platform_usd(client, account.id) == 0
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.transfers.reversals.create(transfer.id, params={"amount": 1})
    events = sandbox.events("transfer.reversed")
    assert [e["data"]["object"]["amount_reversed"] for e in events] == [1500, 4000]
    assert events[0]["data"]["object"]["object"] == "transfer"


def test_refund_updates_charge_and_emits_charge_refunded(
    client: stripe.StripeClient, sandbox: Sandbox
) -> None:
    intent = paid_intent(client, 6000)
    refund = client.v1.refunds.create(
        params={"payment_intent": intent.id, "amount": 1000, "reason": "requested_by_customer"}
    )
    assert refund.id.startswith("re_") and refund.status == "succeeded"
    rest = client.v1.refunds.create(params={"charge": str(intent.latest_charge)})
    assert rest.amount == 5000
    charge = client.v1.charges.retrieve(str(intent.latest_charge))
    assert (charge.amount_refunded, charge.refunded) == (6000, True)
    assert platform_usd(client) == 0
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create(params={"payment_intent": intent.id})
    assert exc.value.code == "charge_already_refunded"
    refunded = sandbox.events("charge.refunded")
    assert [e["data"]["object"]["amount_refunded"] for e in refunded] == [1000, 6000]
    assert refunded[0]["data"]["object"]["object"] == "charge"
    assert len(sandbox.events("refund.created")) == 2


# ---- fault injection -----------------------------------------------------------------------
@pytest.fixture
def ready(client: stripe.StripeClient, sandbox: Sandbox) -> dict[str, Any]:
    """Funded platform plus an onboarded account: the params of one valid transfer."""
    paid_intent(client, 5000)
    account = onboarded_account(client, sandbox)
    return {"amount": 1000, "currency": "usd", "destination": account.id}


def transfer_posts(sandbox: Sandbox) -> list[dict[str, Any]]:
    return [
        r for r in sandbox.requests_log() if (r["method"], r["path"]) == ("POST", "/v1/transfers")
    ]


def test_500_is_retried_with_the_same_key(
    client: stripe.StripeClient, sandbox: Sandbox, ready: dict[str, Any]
) -> None:
    sandbox.fail_next(500, 1, path="/v1/transfers", method="POST")
    transfer = client.v1.transfers.create(params=ready)  # type: ignore[arg-type]
    assert [t["id"] for t in sandbox.objects("transfers")] == [transfer.id]
    posts = transfer_posts(sandbox)
    assert [p["status"] for p in posts] == [500, 200]
    assert posts[0]["idempotency_key"] == posts[1]["idempotency_key"]


def test_persistent_500_raises_api_error(
    client: stripe.StripeClient, sandbox: Sandbox, ready: dict[str, Any]
) -> None:
    sandbox.fail_next(500, 5, path="/v1/transfers")
    with pytest.raises(stripe.APIError):
        client.v1.transfers.create(params=ready)  # type: ignore[arg-type]
    assert sandbox.objects("transfers") == []
    assert len(transfer_posts(sandbox)) == 3  # first try + max_network_retries=2


def test_429_is_not_retried_by_the_sdk(
    client: stripe.StripeClient, sandbox: Sandbox, ready: dict[str, Any]
) -> None:
    sandbox.fail_next(429, 1, path="/v1/transfers")
    with pytest.raises(stripe.RateLimitError):
        client.v1.transfers.create(params=ready)  # type: ignore[arg-type]
    assert len(transfer_posts(sandbox)) == 1
    assert sandbox.objects("transfers") == []


def test_drop_after_processing_is_answered_from_idempotency_store(
    client: stripe.StripeClient, sandbox: Sandbox, ready: dict[str, Any]
) -> None:
    sandbox.fail_next("drop_after", 1, path="/v1/transfers")
    transfer = client.v1.transfers.create(params=ready)  # type: ignore[arg-type]
    assert [t["id"] for t in sandbox.objects("transfers")] == [transfer.id]
    posts = transfer_posts(sandbox)
    assert [(p["fault"], p["replayed"]) for p in posts] == [("drop_after", False), (None, True)]
    assert platform_usd(client) == 4000


def test_dropped_connections_raise_api_connection_error(
    client: stripe.StripeClient, sandbox: Sandbox, ready: dict[str, Any]
) -> None:
    sandbox.fail_next("drop", 5, path="/v1/transfers")
    with pytest.raises(stripe.APIConnectionError):
        client.v1.transfers.create(params=ready)  # type: ignore[arg-type]
    assert sandbox.objects("transfers") == []
    assert [p["fault"] for p in transfer_posts(sandbox)] == ["drop"] * 3


# ---- webhooks ------------------------------------------------------------------------------
class Receiver:
    """A tiny webhook endpoint that records requests and can fail the first few."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, str]] = []
        self.fail_first = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                failing = receiver.fail_first > 0
                receiver.fail_first -= 1
                if not failing:
                    receiver.received.append((body, self.headers["Stripe-Signature"]))
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, secret: str) -> list[stripe.Event]:
        return [stripe.Webhook.construct_event(body, sig, secret) for body, sig in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers(sandbox: Sandbox) -> Iterator[tuple[Receiver, Receiver]]:
    platform, connect = Receiver(), Receiver()
    sandbox.set_webhooks(
        platform={"url": platform.url, "secret": "whsec_platform"},
        connect={"url": connect.url, "secret": "whsec_connect"},
    )
    yield platform, connect
    sandbox.reset()
    platform.close()
    connect.close()


def test_webhooks_are_signed_routed_and_retried(
    client: stripe.StripeClient, sandbox: Sandbox, receivers: tuple[Receiver, Receiver]
) -> None:
    platform, connect = receivers
    platform.fail_first = 1
    intent = paid_intent(client, 3000)
    account = make_account(client)
    sandbox.complete_onboarding(account.id)

    wait_for(lambda: len(platform.received) == 3 and len(connect.received) == 1)
    types = sorted(e.type for e in platform.events("whsec_platform"))
    assert types == ["charge.succeeded", "payment_intent.created", "payment_intent.succeeded"]
    (updated,) = connect.events("whsec_connect")
    assert updated.type == "account.updated" and updated.account == account.id
    with pytest.raises(stripe.SignatureVerificationError):
        connect.events("whsec_platform")

    deliveries = sandbox.deliveries()
    assert [d["ok"] for d in deliveries if d["attempt"] == 1].count(False) == 1
    retried = [d for d in deliveries if d["attempt"] == 2]
    assert len(retried) == 1 and retried[0]["ok"] and retried[0]["status"] == 200

    succeeded = sandbox.events("payment_intent.succeeded")[0]
    assert succeeded["data"]["object"]["id"] == intent.id
    assert succeeded["request"]["idempotency_key"]
    sandbox.resend_event(succeeded["id"])
    wait_for(lambda: len(platform.received) == 4)
    assert platform.events("whsec_platform")[-1].id == succeeded["id"]


def test_signed_payload_helper(sandbox: Sandbox) -> None:
    event = {"id": "evt_1", "object": "event", "type": "transfer.created", "data": {"object": {}}}
    body, header = sandbox.signed_payload(event, "whsec_test")
    assert stripe.Webhook.construct_event(body, header, "whsec_test").id == "evt_1"
    _, old = sandbox.signed_payload(event, "whsec_test", timestamp=int(time.time()) - 3600)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, old, "whsec_test")
