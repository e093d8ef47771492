"""Transfers to connected accounts and their reversals: ``/v1/transfers`` (create, list,
retrieve) and ``/v1/transfers/{id}/reversals``."""

from __future__ import annotations

import copy
import time
from typing import Any

from payments.sandbox.api import retriever, route
from payments.sandbox.app import SandboxApp
from payments.sandbox.state import new_id, new_object
from payments.sandbox.wire import (
    Ctx,
    check_params,
    currency_param,
    failed,
    int_param,
    invalid,
    metadata_param,
    str_param,
)

BALANCE_MESSAGE = (
    "You have insufficient available funds in your Stripe account. Try adding funds directly "
    "to your available balance by creating Charges using the 4000000000000077 test card."
)


def _source_charge(app: SandboxApp, ctx: Ctx, source_id: str, currency: str) -> dict[str, Any]:
    """The charge a transfer draws on, in the transfer's currency."""
    charge = app.store.fetch("charges", source_id, ctx.account, param="source_transaction")
    if charge["currency"] != currency:
        raise invalid(
            f"The currency of source_transaction ({charge['currency']}) must match "
            f"the transfer currency ({currency}).",
            "currency",
        )
    return charge


def _check_source_left(app: SandboxApp, charge: dict[str, Any], amount: int) -> None:
    """A transfer takes at most what is left of its charge (less refunds and other transfers)."""
    used = sum(
        t["amount"] - t["amount_reversed"]
        for t in app.store.all("transfers")
        if t["source_transaction"] == charge["id"]
    )
    left = charge["amount"] - charge["amount_refunded"] - used
    if amount > left:
        raise failed(
            f"Transfer amount ({amount}) exceeds the amount still available from "
            f"source_transaction {charge['id']} ({left}).",
            "amount",
            "amount_too_large",
        )


def _transfer_object(
    params: dict[str, Any],
    *,
    amount: int,
    currency: str,
    metadata: dict[str, str],
    destination_id: str,
    source_id: str | None,
) -> dict[str, Any]:
    """A new transfer as Stripe shows it."""
    transfer_id = new_id("tr")
    transfer = {
        "id": transfer_id,
        "object": "transfer",
        "amount": amount,
        "amount_reversed": 0,
        "balance_transaction": new_id("txn"),
        "created": int(time.time()),
        "currency": currency,
        "description": str_param(params, "description"),
        "destination": destination_id,
        "destination_payment": new_id("py"),
        "livemode": False,
        "metadata": metadata,
        "reversals": {
            "object": "list",
            "data": [],
            "has_more": False,
            "total_count": 0,
            "url": f"/v1/transfers/{transfer_id}/reversals",
        },
        "reversed": False,
        "source_transaction": source_id,
        "source_type": "card",
        "transfer_group": str_param(params, "transfer_group"),
    }
    return transfer


def create_transfer(
    app: SandboxApp, ctx: Ctx, params: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """POST /v1/transfers: move available funds to an onboarded account.

    With ``source_transaction`` the amount is also capped by what is left of that charge.
    """
    store = app.store
    allowed = {"amount", "currency", "destination", "transfer_group", "source_transaction",
               "metadata", "description", "source_type"}  # fmt: skip
    check_params(params, allowed)
    amount = int_param(params, "amount", True) or 0
    currency = currency_param(params)
    metadata = metadata_param(params)
    destination_id = str_param(params, "destination", True) or ""
    destination = store.get("accounts", destination_id)
    if destination is None:
        raise invalid(f"No such destination: '{destination_id}'", "destination", "resource_missing")
    source_id = str_param(params, "source_transaction")
    charge = _source_charge(app, ctx, source_id, currency) if source_id else None
    if (
        not destination["payouts_enabled"]
        or destination["capabilities"].get("transfers") != "active"
    ):
        raise failed(
            "Your destination account needs to have at least one of the following "
            "capabilities enabled: transfers, crypto_transfers, legacy_payments",
            "destination",
            "insufficient_capabilities_for_transfer",
        )
    if charge is not None:
        _check_source_left(app, charge, amount)
    if amount > store.available(ctx.account, currency):
        raise failed(BALANCE_MESSAGE, None, "balance_insufficient")
    transfer = _transfer_object(
        params,
        amount=amount,
        currency=currency,
        metadata=metadata,
        destination_id=destination_id,
        source_id=source_id,
    )
    store.credit(ctx.account, currency, -amount)
    store.credit(destination_id, currency, amount)
    store.put("transfers", transfer, ctx.account)
    app.emit("transfer.created", transfer, ctx)
    return 200, transfer


def list_transfers(app: SandboxApp, ctx: Ctx, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """GET /v1/transfers (newest first; filters transfer_group, destination, created[gte])."""
    store = app.store
    check_params(params, {"transfer_group", "destination", "limit", "starting_after", "created"})
    created = params.get("created")
    since = None
    if isinstance(created, dict):
        check_params(created, {"gte"})
        since = int_param(created, "gte")
    elif created is not None:
        raise invalid("created must be a dictionary such as created[gte]=...", "created")
    limit = int_param(params, "limit") or 10
    if limit > 100:
        raise invalid("This value must be less than or equal to 100.", "limit")
    group, destination = str_param(params, "transfer_group"), str_param(params, "destination")
    items = [
        t
        for t in reversed(store.all("transfers"))
        if store.owner_of(t["id"]) == ctx.account
        and (group is None or t["transfer_group"] == group)
        and (destination is None or t["destination"] == destination)
        and (since is None or t["created"] >= since)
    ]
    after = str_param(params, "starting_after")
    if after:
        ids = [t["id"] for t in items]
        if after not in ids:
            raise invalid(f"No such transfer: '{after}'", "starting_after", "resource_missing")
        items = items[ids.index(after) + 1 :]
    return 200, {
        "object": "list",
        "data": items[:limit],
        "has_more": len(items) > limit,
        "url": "/v1/transfers",
    }


def create_reversal(
    app: SandboxApp, ctx: Ctx, params: dict[str, Any], transfer_id: str
) -> tuple[int, dict[str, Any]]:
    """POST /v1/transfers/{id}/reversals: take funds back from the destination account."""
    store = app.store
    allowed = {"amount", "metadata", "description", "refund_application_fee"}
    check_params(params, allowed)
    transfer = store.fetch("transfers", transfer_id, ctx.account)
    amount, metadata = int_param(params, "amount"), metadata_param(params)
    remaining = transfer["amount"] - transfer["amount_reversed"]
    if remaining <= 0:
        raise failed(f"Transfer {transfer_id} has already been fully reversed.", "amount")
    amount = remaining if amount is None else amount
    if amount > remaining:
        raise failed(
            f"Reversal amount ({amount}) is greater than the amount left on the transfer "
            f"({remaining}).",
            "amount",
            "amount_too_large",
        )
    currency, destination = transfer["currency"], transfer["destination"]
    if store.available(destination, currency) < amount:
        raise failed(
            "The destination account has insufficient funds to cover the reversal.",
            None,
            "balance_insufficient",
        )
    reversal = new_object(
        "trr",
        "transfer_reversal",
        amount=amount,
        balance_transaction=new_id("txn"),
        currency=currency,
        destination_payment_refund=new_id("pyr"),
        metadata=metadata,
        transfer=transfer_id,
    )
    transfer["amount_reversed"] += amount
    transfer["reversed"] = transfer["amount_reversed"] >= transfer["amount"]
    transfer["reversals"]["data"].insert(0, copy.deepcopy(reversal))
    transfer["reversals"]["total_count"] += 1
    store.update("transfers", transfer)
    store.credit(destination, currency, -amount)
    store.credit(store.owner_of(transfer_id), currency, amount)
    store.put("transfer_reversals", reversal, ctx.account)
    app.emit("transfer.reversed", transfer, ctx)
    return 200, reversal


ROUTES = (
    route("POST", r"/v1/transfers", create_transfer),
    route("GET", r"/v1/transfers", list_transfers),
    route("GET", r"/v1/transfers/([^/]+)", retriever("transfers")),
    route("POST", r"/v1/transfers/([^/]+)/reversals", create_reversal),
)
