"""Refunds: ``POST /v1/refunds`` against a payment intent's charge or a charge."""

from __future__ import annotations

from typing import Any

from payments.sandbox.api import route
from payments.sandbox.app import SandboxApp
from payments.sandbox.state import new_id, new_object
from payments.sandbox.wire import (
    Ctx,
    check_params,
    failed,
    int_param,
    invalid,
    metadata_param,
    str_param,
)


def create_refund(app: SandboxApp, ctx: Ctx, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST /v1/refunds: all or part of what is left on the charge, taken from its owner."""
    store = app.store
    check_params(params, {"payment_intent", "charge", "amount", "metadata", "reason"})
    intent_id, charge_id = str_param(params, "payment_intent"), str_param(params, "charge")
    amount, metadata = int_param(params, "amount"), metadata_param(params)
    reason = str_param(params, "reason")
    if reason not in (None, "duplicate", "fraudulent", "requested_by_customer"):
        raise invalid(f"Invalid reason: {reason}", "reason")
    if not intent_id and not charge_id:
        raise invalid(
            "One of the following params should be provided for this request: "
            "payment_intent or charge.",
            None,
            "parameter_missing",
        )
    if intent_id:
        intent = store.fetch("payment_intents", intent_id, ctx.account, param="payment_intent")
        if not intent["latest_charge"] or intent["status"] != "succeeded":
            raise failed(
                f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                "payment_intent",
            )
        charge_id = charge_id or intent["latest_charge"]
        if charge_id != intent["latest_charge"]:
            raise invalid("The charge does not belong to this PaymentIntent.", "charge")
    charge = store.fetch("charges", charge_id or "", ctx.account, param="charge")
    remaining = charge["amount"] - charge["amount_refunded"]
    if remaining <= 0:
        raise failed(
            f"Charge {charge['id']} has already been refunded.", None, "charge_already_refunded"
        )
    amount = remaining if amount is None else amount
    if amount > remaining:
        raise failed(
            f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining}).",
            "amount",
            "amount_too_large",
        )
    refund = new_object(
        "re",
        "refund",
        amount=amount,
        balance_transaction=new_id("txn"),
        charge=charge["id"],
        currency=charge["currency"],
        metadata=metadata,
        payment_intent=charge["payment_intent"],
        reason=reason,
        status="succeeded",
    )
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
    store.update("charges", charge)
    store.credit(store.owner_of(charge["id"]), charge["currency"], -amount)
    store.put("refunds", refund, ctx.account)
    app.emit("charge.refunded", charge, ctx)
    app.emit("refund.created", refund, ctx)
    return 200, refund


ROUTES = (route("POST", r"/v1/refunds", create_refund),)
