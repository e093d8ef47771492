"""The test controls under ``/_sandbox/``: reset, fault injection, webhook endpoints, the event,
request, delivery and object logs, resending events, and finishing onboarding (also the HTML
page an account link opens).  JSON in, JSON out; errors are ``{"error": {"message"}}``."""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import parse_qsl

from payments.sandbox.accounts import complete_onboarding
from payments.sandbox.app import SandboxApp
from payments.sandbox.state import KINDS, new_object
from payments.sandbox.wire import dump, list_of

HTML = "text/html; charset=utf-8"
JSON = "application/json"


class ControlError(Exception):
    """An error answered by the /_sandbox/ control API."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def control(
    app: SandboxApp, method: str, path: str, query: str, raw: bytes
) -> tuple[int, bytes, str]:
    """Run one control request; return (status, body, content type) or raise ControlError."""
    store = app.store
    try:
        payload = json.loads(raw) if raw.strip() else {}
    except ValueError as exc:
        raise ControlError(400, f"invalid JSON: {exc}") from exc
    parts = path.split("/")[2:]
    args = dict(parse_qsl(query))
    result: Any
    try:
        match method, parts:
            case "POST", ["reset"]:
                app.reset()
                result = {"reset": True}
            case "POST", ["faults"]:
                result = store.add_fault(payload)
            case "DELETE", ["faults"]:
                store.clear_faults()
                result = {"cleared": True}
            case "POST", ["webhooks"]:
                store.set_webhooks(payload)
                result = store.webhooks_config()
            case "GET", ["events" | "requests" | "deliveries" as what]:
                result = list_of(store.snapshot(what, **args) or [], path)
            case "GET", ["objects", kind]:
                items = store.snapshot(kind)
                if items is None or kind in ("events", "requests", "deliveries"):
                    raise ControlError(404, f"unknown kind {kind!r}; one of {KINDS}")
                result = list_of(items, path)
            case "POST", ["events", event_id, "resend"]:
                queued = app.webhooks.resend(event_id)
                if queued is None:
                    raise ControlError(404, f"no such event {event_id}")
                result = {"id": event_id, "queued": queued}
            case "POST", ["accounts", account_id, "complete_onboarding"]:
                result = complete_onboarding(app, account_id)
                if result is None:
                    raise ControlError(404, f"no such account {account_id}")
            case "POST", ["charges", charge_id, "dispute"]:
                result = open_dispute(app, charge_id, payload)
                if result is None:
                    raise ControlError(404, f"no such charge {charge_id}")
            case "GET", ["onboard", account_id]:
                return 200, onboard_page(app, account_id, args), HTML
            case _:
                raise ControlError(404, f"unknown control endpoint {method} {path}")
    except (ValueError, TypeError, AttributeError) as exc:
        raise ControlError(400, f"bad control request: {exc}") from exc
    return 200, dump(result), JSON


def open_dispute(app: SandboxApp, charge_id: str, payload: dict[str, Any]) -> Any:
    """The cardholder disputes a charge: emit ``charge.dispute.created`` (the dispute object
    is not stored and the balance is not debited: enough to test how disputes are reported)."""
    store = app.store
    with store.lock:
        charge = store.get("charges", charge_id)
        if charge is None:
            return None
        dispute = new_object(
            "dp",
            "dispute",
            amount=int(payload.get("amount") or charge["amount"]),
            currency=charge["currency"],
            charge=charge_id,
            payment_intent=charge.get("payment_intent"),
            reason=str(payload.get("reason") or "fraudulent"),
            status="needs_response",
        )
        app.emit("charge.dispute.created", dispute, None)
        return dispute


def onboard_page(app: SandboxApp, account_id: str, args: dict[str, str]) -> bytes:
    """The page an account link opens: it completes onboarding and links back."""
    if complete_onboarding(app, account_id) is None:
        raise ControlError(404, f"no such account {account_id}")
    link = ""
    if args.get("return_url"):
        href = html.escape(args["return_url"], quote=True)
        link = f'<p><a href="{href}">Return to the marketplace</a></p>'
    page = (
        "<!doctype html><html><head><title>Stripe sandbox onboarding</title></head><body>"
        f"<h1>Onboarding complete</h1><p>Account {html.escape(account_id)} can now receive "
        f"transfers and payouts (Stripe sandbox).</p>{link}</body></html>"
    )
    return page.encode("utf-8")
