"""Payment intents and the charges they make: ``/v1/payment_intents`` (create, confirm) and
``/v1/charges/{id}``.  Test payment methods (``pm_card_...``) decide success or decline."""

from __future__ import annotations

import copy
import time
from typing import Any

from payments.sandbox.api import retriever, route
from payments.sandbox.app import SandboxApp
from payments.sandbox.state import new_id, new_object
from payments.sandbox.wire import (
    ApiError,
    Ctx,
    bool_param,
    check_params,
    currency_param,
    failed,
    int_param,
    invalid,
    metadata_param,
    str_param,
)

# payment method id -> (code, decline_code, message)
DECLINES = {
    "pm_card_chargeDeclined": ("card_declined", "generic_decline", "Your card was declined."),
    "pm_card_visa_chargeDeclined": ("card_declined", "generic_decline", "Your card was declined."),
    "pm_card_chargeDeclinedInsufficientFunds": (
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    "pm_card_visa_chargeDeclinedInsufficientFunds": (
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    "pm_card_chargeDeclinedExpiredCard": ("expired_card", "expired_card", "Your card has expired."),
}


def _amount_param(params: dict[str, Any]) -> tuple[int, str]:
    """The amount and currency asked; below Stripe's minimum charge is `amount_too_small`."""
    amount = int_param(params, "amount", True) or 0
    currency = currency_param(params)
    minimum = 30 if currency == "gbp" else 50
    if amount < minimum:
        raise invalid(
            f"Amount must be at least {minimum} (smallest currency unit).",
            "amount",
            "amount_too_small",
        )
    return amount, currency


def create_payment_intent(
    app: SandboxApp, ctx: Ctx, params: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """POST /v1/payment_intents (``confirm=true`` confirms immediately)."""
    allowed = {"amount", "currency", "transfer_group", "metadata", "description",
               "payment_method", "confirm", "capture_method", "automatic_payment_methods",
               "payment_method_types", "customer", "receipt_email", "statement_descriptor",
               "statement_descriptor_suffix", "return_url", "off_session"}  # fmt: skip
    check_params(params, allowed)
    amount, currency = _amount_param(params)
    capture_method = str_param(params, "capture_method") or "automatic"
    if capture_method not in ("automatic", "automatic_async"):
        raise invalid("The sandbox only supports automatic capture.", "capture_method")
    payment_method = str_param(params, "payment_method")
    if payment_method:
        _check_payment_method(payment_method)
    confirm = bool_param(params, "confirm")
    if confirm and not payment_method:
        raise invalid(
            "You cannot confirm this PaymentIntent because it's missing a payment method.",
            "payment_method",
            "payment_intent_unexpected_state",
        )
    apm = params.get("automatic_payment_methods")
    intent_id = new_id("pi")
    intent = {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_received": 0,
        "automatic_payment_methods": (
            {"enabled": apm.get("enabled") == "true"} if isinstance(apm, dict) else None
        ),
        "capture_method": capture_method,
        "client_secret": f"{intent_id}_secret_{new_id('x', 25)[2:]}",
        "confirmation_method": "automatic",
        "created": int(time.time()),
        "currency": currency,
        "customer": str_param(params, "customer"),
        "description": str_param(params, "description"),
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": metadata_param(params),
        "payment_method": payment_method,
        "payment_method_types": params.get("payment_method_types") or ["card"],
        "status": "requires_confirmation" if payment_method else "requires_payment_method",
        "transfer_group": str_param(params, "transfer_group"),
    }
    app.store.put("payment_intents", intent, ctx.account)
    app.emit("payment_intent.created", intent, ctx)
    if confirm and payment_method:
        return _confirm(app, ctx, intent, payment_method)
    return 200, intent


def update_payment_intent(
    app: SandboxApp, ctx: Ctx, params: dict[str, Any], intent_id: str
) -> tuple[int, dict[str, Any]]:
    """POST /v1/payment_intents/{id}: change the amount, currency, description or metadata of
    an intent not confirmed yet (as the dashboard or another integration may)."""
    check_params(params, {"amount", "currency", "description", "metadata"})
    intent = app.store.fetch("payment_intents", intent_id, ctx.account)
    if intent["status"] not in ("requires_payment_method", "requires_confirmation"):
        raise failed(
            f"You cannot update this PaymentIntent because it has a status of {intent['status']}.",
            None,
            "payment_intent_unexpected_state",
        )
    intent = copy.deepcopy(intent)
    if "amount" in params:
        intent["amount"] = int_param(params, "amount", True) or intent["amount"]
    if "currency" in params:
        intent["currency"] = currency_param(params)
    if "description" in params:
        intent["description"] = str_param(params, "description")
    if "metadata" in params:
        intent["metadata"] = {**intent["metadata"], **metadata_param(params)}
    app.store.update("payment_intents", intent)
    return 200, intent


def confirm_payment_intent(
    app: SandboxApp, ctx: Ctx, params: dict[str, Any], intent_id: str
) -> tuple[int, dict[str, Any]]:
    """POST /v1/payment_intents/{id}/confirm."""
    check_params(params, {"payment_method", "return_url", "off_session", "receipt_email"})
    intent = app.store.fetch("payment_intents", intent_id, ctx.account)
    payment_method = str_param(params, "payment_method")
    if payment_method:
        _check_payment_method(payment_method)
    if intent["status"] not in ("requires_payment_method", "requires_confirmation"):
        error = failed(
            "You cannot confirm this PaymentIntent because it has already succeeded "
            "after being previously confirmed.",
            None,
            "payment_intent_unexpected_state",
        )
        error.extra["payment_intent"] = copy.deepcopy(intent)
        raise error
    payment_method = payment_method or intent["payment_method"]
    if not payment_method:
        raise invalid(
            "You cannot confirm this PaymentIntent because it's missing a payment method.",
            "payment_method",
            "payment_intent_unexpected_state",
        )
    return _confirm(app, ctx, intent, payment_method)


def _check_payment_method(payment_method: str) -> None:
    if not payment_method.startswith("pm_"):
        raise invalid(
            f"No such PaymentMethod: '{payment_method}'", "payment_method", "resource_missing"
        )


def _decline(
    app: SandboxApp,
    ctx: Ctx,
    intent: dict[str, Any],
    pm_object: dict[str, str],
    decline: tuple[str, str, str],
) -> None:
    """A declined card: the intent waits for another payment method, a 402 card error."""
    store = app.store
    code, decline_code, message = decline
    intent.update(status="requires_payment_method", payment_method=None)
    intent["last_payment_error"] = {
        "type": "card_error",
        "code": code,
        "decline_code": decline_code,
        "message": message,
        "payment_method": pm_object,
    }
    store.update("payment_intents", intent)
    app.emit("payment_intent.payment_failed", intent, ctx)
    raise ApiError(
        402,
        message,
        type_="card_error",
        code=code,
        extra={
            "decline_code": decline_code,
            "payment_intent": copy.deepcopy(intent),
            "payment_method": pm_object,
        },
    )


def _confirm(
    app: SandboxApp, ctx: Ctx, intent: dict[str, Any], payment_method: str
) -> tuple[int, dict[str, Any]]:
    """Charge the card: a decline leaves the intent waiting for another payment method."""
    store = app.store
    pm_object = {"id": payment_method, "object": "payment_method", "type": "card"}
    decline = DECLINES.get(payment_method)
    if decline:
        _decline(app, ctx, intent, pm_object, decline)
    charge = new_object(
        "ch",
        "charge",
        amount=intent["amount"],
        amount_captured=intent["amount"],
        amount_refunded=0,
        balance_transaction=new_id("txn"),
        captured=True,
        currency=intent["currency"],
        description=intent["description"],
        disputed=False,
        metadata=dict(intent["metadata"]),
        paid=True,
        payment_intent=intent["id"],
        payment_method=payment_method,
        refunded=False,
        status="succeeded",
        transfer_group=intent["transfer_group"],
    )
    store.put("charges", charge, ctx.account)
    store.credit(ctx.account, intent["currency"], intent["amount"])
    intent.update(
        status="succeeded",
        amount_received=intent["amount"],
        latest_charge=charge["id"],
        last_payment_error=None,
        payment_method=payment_method,
    )
    store.update("payment_intents", intent)
    app.emit("charge.succeeded", charge, ctx)
    app.emit("payment_intent.succeeded", intent, ctx)
    return 200, intent


ROUTES = (
    route("POST", r"/v1/payment_intents", create_payment_intent),
    route("GET", r"/v1/payment_intents/([^/]+)", retriever("payment_intents")),
    route("POST", r"/v1/payment_intents/([^/]+)/confirm", confirm_payment_intent),
    route("POST", r"/v1/payment_intents/([^/]+)", update_payment_intent),
    route("GET", r"/v1/charges/([^/]+)", retriever("charges")),
)
