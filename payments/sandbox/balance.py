"""The balance: ``GET /v1/balance`` of the platform, or of the account in Stripe-Account."""

from __future__ import annotations

from typing import Any

from payments.sandbox.api import route
from payments.sandbox.app import SandboxApp
from payments.sandbox.wire import Ctx, check_params


def get_balance(app: SandboxApp, ctx: Ctx, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """GET /v1/balance; an account that never had money shows 0 in its default currency."""
    check_params(params, set())
    balance = app.store.balance(ctx.account)
    if not balance:
        account = app.store.get("accounts", ctx.account or "")
        balance = {account["default_currency"] if account else "usd": 0}
    available = [
        {"amount": amount, "currency": currency, "source_types": {"card": amount}}
        for currency, amount in sorted(balance.items())
    ]
    return 200, {"object": "balance", "available": available, "livemode": False, "pending": []}


ROUTES = (route("GET", r"/v1/balance", get_balance),)
