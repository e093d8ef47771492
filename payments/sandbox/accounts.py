"""Connected accounts and account links: ``/v1/accounts``, ``/v1/account_links`` and the
onboarding that the sandbox's link (or a test control) completes."""

from __future__ import annotations

import copy
import time
from typing import Any
from urllib.parse import urlencode

from payments.sandbox.api import retriever, route
from payments.sandbox.app import SandboxApp
from payments.sandbox.state import new_id
from payments.sandbox.wire import Ctx, check_params, invalid, metadata_param, str_param

COUNTRY_CURRENCY = {"US": "usd", "GB": "gbp", "CA": "cad", "AU": "aud", "JP": "jpy", "CH": "chf"}
EURO_COUNTRIES = {"AT", "BE", "DE", "ES", "FI", "FR", "GR", "IE", "IT", "LU", "NL", "PT"}
ONBOARDING_DUE = ["business_profile.url", "external_account", "tos_acceptance.date"]


def create_account(app: SandboxApp, ctx: Ctx, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST /v1/accounts."""
    allowed = {"type", "country", "email", "capabilities", "metadata", "business_type",
               "business_profile", "company", "individual", "settings", "tos_acceptance",
               "default_currency", "controller", "external_account"}  # fmt: skip
    check_params(params, allowed)
    account_type = str_param(params, "type") or "express"
    if account_type not in ("express", "standard", "custom"):
        raise invalid(f"Invalid type: {account_type}", "type")
    requested = params.get("capabilities") or {}
    if not isinstance(requested, dict):
        raise invalid("Invalid hash: capabilities", "capabilities")
    capabilities = {"transfers": "inactive"}
    for name, spec in requested.items():
        if isinstance(spec, dict) and spec.get("requested") == "true":
            capabilities[name] = "inactive"
    country = (str_param(params, "country") or "US").upper()
    default_currency = "eur" if country in EURO_COUNTRIES else COUNTRY_CURRENCY.get(country)
    account = {
        "id": new_id("acct", 16),
        "object": "account",
        "business_type": str_param(params, "business_type"),
        "capabilities": capabilities,
        "charges_enabled": False,
        "country": country,
        "created": int(time.time()),
        "default_currency": str_param(params, "default_currency") or default_currency or "usd",
        "details_submitted": False,
        "email": str_param(params, "email"),
        "livemode": False,
        "metadata": metadata_param(params),
        "payouts_enabled": False,
        "requirements": {
            "currently_due": list(ONBOARDING_DUE),
            "disabled_reason": "requirements.past_due",
            "past_due": list(ONBOARDING_DUE),
        },
        "type": account_type,
    }
    app.store.put("accounts", account, ctx.account)
    return 200, account


def complete_onboarding(app: SandboxApp, account_id: str) -> dict[str, Any] | None:
    """Mark an account fully onboarded and emit ``account.updated``; None if unknown.

    Takes the store lock (called by the test controls, outside any API request).
    """
    store = app.store
    with store.lock:
        account = store.get("accounts", account_id)
        if account is None:
            return None
        previous: dict[str, Any] = {}
        for field in ("charges_enabled", "payouts_enabled", "details_submitted"):
            if not account[field]:
                previous[field] = False
                account[field] = True
        capabilities = dict(account["capabilities"])
        capabilities.setdefault("card_payments", "inactive")
        active = {name: "active" for name in capabilities}
        if active != account["capabilities"]:
            previous["capabilities"] = copy.deepcopy(account["capabilities"])
            account["capabilities"] = active
        if account["requirements"]["currently_due"]:
            previous["requirements"] = copy.deepcopy(account["requirements"])
            account["requirements"] = {
                "currently_due": [],
                "disabled_reason": None,
                "past_due": [],
            }
        store.update("accounts", account)
        if previous:
            app.emit("account.updated", account, None, account=account_id, previous=previous)
        return copy.deepcopy(account)


def create_account_link(
    app: SandboxApp, ctx: Ctx, params: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """POST /v1/account_links: a link to the sandbox's own onboarding page."""
    allowed = {"account", "refresh_url", "return_url", "type", "collect", "collection_options"}
    check_params(params, allowed)
    account_id = str_param(params, "account", True) or ""
    link_type = str_param(params, "type", True)
    if link_type not in ("account_onboarding", "account_update"):
        raise invalid(f"Invalid type: {link_type}", "type")
    app.store.fetch("accounts", account_id, None, param="account")
    query = {k: params[k] for k in ("refresh_url", "return_url") if str_param(params, k)}
    now = int(time.time())
    url = f"{ctx.base_url}/_sandbox/onboard/{account_id}"
    return 200, {
        "object": "account_link",
        "created": now,
        "expires_at": now + 300,
        "url": url + ("?" + urlencode(query) if query else ""),
    }


ROUTES = (
    route("POST", r"/v1/accounts", create_account),
    route("GET", r"/v1/accounts/([^/]+)", retriever("accounts")),
    route("POST", r"/v1/account_links", create_account_link),
)
