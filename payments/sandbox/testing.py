"""Helpers for tests: run the Stripe sandbox in a background thread and drive its controls."""

from __future__ import annotations

import http.client
import json
import threading
from typing import Any
from urllib.parse import urlencode

import stripe

from payments.sandbox.server import SandboxServer, make_server


class SandboxControlError(RuntimeError):
    """A /_sandbox/ control call failed."""


class Sandbox:
    """A sandbox server running in a daemon thread; ``url`` is its base URL."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.url: str = server.url
        self._host, self._port = server.server_address[:2]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _call(self, method: str, path: str, payload: Any = None) -> Any:
        conn = http.client.HTTPConnection(str(self._host), int(self._port), timeout=10)
        try:
            body = json.dumps(payload).encode() if payload is not None else None
            conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if response.status >= 400:
            raise SandboxControlError(f"{method} {path} -> {response.status}: {data!r}")
        return json.loads(data) if data else None

    def client(self, api_key: str = "sk_test_sandbox", **kwargs: Any) -> stripe.StripeClient:
        """A ``stripe.StripeClient`` whose api/connect/files bases point at this sandbox."""
        base = {"api": self.url, "connect": self.url, "files": self.url}
        return stripe.StripeClient(api_key, base_addresses=base, **kwargs)  # type: ignore[arg-type]

    def reset(self) -> None:
        """Clear objects, idempotency keys, events, faults, balances and logs."""
        self._call("POST", "/_sandbox/reset")

    def fail_next(
        self,
        status: int | str,
        count: int = 1,
        path: str | None = None,
        method: str | None = None,
    ) -> None:
        """Make the next ``count`` matching API requests fail (429, 5xx, drop, drop_after)."""
        spec = {"status": status, "count": count, "path": path, "method": method}
        self._call("POST", "/_sandbox/faults", spec)

    def clear_faults(self) -> None:
        """Disarm all faults."""
        self._call("DELETE", "/_sandbox/faults")

    def complete_onboarding(self, account_id: str) -> None:
        """Finish onboarding of a connected account (emits ``account.updated``)."""
        self._call("POST", f"/_sandbox/accounts/{account_id}/complete_onboarding")

    def dispute(self, charge_id: str, **fields: Any) -> dict[str, Any]:
        """The cardholder disputes a charge (emits ``charge.dispute.created``)."""
        return self._call("POST", f"/_sandbox/charges/{charge_id}/dispute", fields)

    def events(self, type: str | None = None) -> list[dict[str, Any]]:
        """All events so far, oldest first, optionally of one type."""
        query = "?" + urlencode({"type": type}) if type else ""
        return self._call("GET", "/_sandbox/events" + query)["data"]

    def requests_log(self) -> list[dict[str, Any]]:
        """Every API request seen: method, path, idempotency_key, status, replayed, fault..."""
        return self._call("GET", "/_sandbox/requests")["data"]

    def deliveries(self) -> list[dict[str, Any]]:
        """Every webhook delivery attempt: event, endpoint, url, attempt, status, ok."""
        return self._call("GET", "/_sandbox/deliveries")["data"]

    def objects(self, kind: str) -> list[dict[str, Any]]:
        """Stored objects of one kind (accounts, payment_intents, charges, refunds, transfers)."""
        return self._call("GET", f"/_sandbox/objects/{kind}")["data"]

    def set_webhooks(
        self, platform: dict[str, str] | None = None, connect: dict[str, str] | None = None
    ) -> None:
        """Set both webhook endpoints, each ``{"url": ..., "secret": ...}`` or None."""
        self._call("POST", "/_sandbox/webhooks", {"platform": platform, "connect": connect})

    def resend_event(self, event_id: str) -> None:
        """Deliver an event again (to test duplicate handling)."""
        self._call("POST", f"/_sandbox/events/{event_id}/resend")

    def signed_payload(
        self, event: dict[str, Any], secret: str, timestamp: int | None = None
    ) -> tuple[bytes, str]:
        """Serialize ``event`` like the sandbox does and sign it: (body, Stripe-Signature)."""
        payload = json.dumps(event, indent=2)
        header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
        return payload.encode("utf-8"), header

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


def start_sandbox(host: str = "127.0.0.1", port: int = 0, **webhooks: Any) -> Sandbox:
    """Start a sandbox on ``host:port`` (0 = a free port) in a background thread.

    ``webhooks`` are ``make_server`` keywords: webhook_url, webhook_secret, connect_webhook_url,
    connect_webhook_secret.
    """
    return Sandbox(make_server(host, port, **webhooks))
