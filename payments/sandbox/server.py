"""A small Stripe-compatible HTTP server for local development and tests.

Speaks enough of Stripe's v1 wire format (form-encoded bodies with bracket notation, JSON
responses, Stripe-style errors, idempotency keys, signed webhooks) for the official ``stripe``
SDK to be pointed at it unchanged.  Pure standard library; ``stripe`` is only used to sign
webhook payloads.  All mutable state is guarded by one lock.
"""

from __future__ import annotations

import base64
import copy
import heapq
import html
import json
import logging
import re
import secrets
import string
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import stripe

logger = logging.getLogger("payments.sandbox")

API_VERSION: str = stripe.api_version
KINDS = ("accounts", "payment_intents", "charges", "refunds", "transfers", "transfer_reversals")
PREFIX_KIND = {
    "acct": "accounts",
    "pi": "payment_intents",
    "ch": "charges",
    "re": "refunds",
    "tr": "transfers",
    "trr": "transfer_reversals",
}
LABELS = {
    "accounts": "account",
    "payment_intents": "payment_intent",
    "charges": "charge",
    "refunds": "refund",
    "transfers": "transfer",
    "transfer_reversals": "transfer_reversal",
}
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
COUNTRY_CURRENCY = {"US": "usd", "GB": "gbp", "CA": "cad", "AU": "aud", "JP": "jpy", "CH": "chf"}
EURO_COUNTRIES = {"AT", "BE", "DE", "ES", "FI", "FR", "GR", "IE", "IT", "LU", "NL", "PT"}
ONBOARDING_DUE = ["business_profile.url", "external_account", "tos_acceptance.date"]
BALANCE_MESSAGE = (
    "You have insufficient available funds in your Stripe account. Try adding funds directly "
    "to your available balance by creating Charges using the 4000000000000077 test card."
)
IDEMPOTENCY_MESSAGE = (
    "Keys for idempotent requests can only be used with the same parameters they were first "
    "used with. Try using a key other than '{key}' if you meant to execute a different request."
)
WEBHOOK_RETRY_DELAYS = (0.2, 0.5, 1.0)  # seconds before attempts 2, 3 and 4
_ALPHABET = string.ascii_letters + string.digits
_BRACKETS = re.compile(r"\[([^\]]*)\]")


def new_id(prefix: str, length: int = 24) -> str:
    """Return a random Stripe-looking id such as ``pi_3Xb...``."""
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def parse_params(raw: str) -> dict[str, Any]:
    """Parse a Stripe form body/query (``a[b][c]=1``, ``expand[]=x``, ``l[0]=y``) to nested data.

    Dicts whose keys are all digits become lists (except under ``metadata``).
    """
    root: dict[str, Any] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        base, _, rest = key.partition("[")
        parts = [base] + (_BRACKETS.findall("[" + rest) if rest else [])
        node = root
        for index, part in enumerate(parts):
            if part == "":
                part = str(len(node))
            if index == len(parts) - 1:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
    return _listify(root, "")


def _listify(node: Any, key: str) -> Any:
    if not isinstance(node, dict):
        return node
    out = {k: _listify(v, k) for k, v in node.items()}
    if out and key != "metadata" and all(k.isdigit() for k in out):
        return [out[k] for k in sorted(out, key=int)]
    return out


def _new(prefix: str, object_name: str, **fields: Any) -> dict[str, Any]:
    """A fresh API object with id, object, created and livemode set."""
    obj = {"id": new_id(prefix), "object": object_name, "created": int(time.time())}
    return {**obj, "livemode": False, **fields}


def _dump(obj: Any) -> bytes:
    return json.dumps(obj, indent=2).encode("utf-8")


class ApiError(Exception):
    """A Stripe-style API error.  ``store`` says whether an idempotent result is saved for it."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        store: bool = True,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.type, self.code, self.param = status, type_, code, param
        self.store = store
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        """The JSON error envelope Stripe sends."""
        error = {"type": self.type, "code": self.code, "message": str(self), "param": self.param}
        error.update(self.extra)
        return {"error": error}


def _invalid(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    """A parameter validation error (not stored for idempotency, like Stripe)."""
    return ApiError(400, message, code=code, param=param, store=False)


def _failed(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    """A business-rule error raised after execution began (stored for idempotency)."""
    return ApiError(400, message, code=code, param=param, store=True)


def _check_params(params: dict[str, Any], allowed: set[str]) -> None:
    for name in params:
        if name not in allowed and name != "expand":
            raise _invalid(f"Received unknown parameter: {name}", name, "parameter_unknown")


def _str(params: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise _invalid(f"Missing required param: {name}.", name, "parameter_missing")
        return None
    if not isinstance(value, str):
        raise _invalid(f"Invalid string: {name} must be a string.", name)
    return value


def _int(params: dict[str, Any], name: str, required: bool = False) -> int | None:
    raw = _str(params, name, required)
    if raw is None:
        return None
    if not re.fullmatch(r"-?[0-9]+", raw):
        raise _invalid(f"Invalid integer: {raw}", name, "parameter_invalid_integer")
    value = int(raw)
    if value < 1:
        raise _invalid(
            "This value must be greater than or equal to 1.", name, "parameter_invalid_integer"
        )
    return value


def _bool(params: dict[str, Any], name: str) -> bool:
    raw = params.get(name)
    if raw in (None, "", "false"):
        return False
    if raw == "true":
        return True
    raise _invalid(f"Invalid boolean: {raw}", name)


def _currency(params: dict[str, Any]) -> str:
    raw = _str(params, "currency", True) or ""
    if not re.fullmatch(r"[A-Za-z]{3}", raw):
        raise _invalid(f"Invalid currency: {raw}.", "currency", "invalid_currency")
    return raw.lower()


def _metadata(params: dict[str, Any]) -> dict[str, str]:
    raw = params.get("metadata")
    if raw is None or raw == "":
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise _invalid("Invalid hash: metadata must be a hash of string values.", "metadata")
    return dict(raw)


def _expand_paths(params: dict[str, Any]) -> list[str]:
    raw = params.get("expand")
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return raw
    raise _invalid("Invalid array: expand must be a list of strings.", "expand")


@dataclass
class Ctx:
    """Who is calling: ``account`` is the Stripe-Account header (None = platform)."""

    account: str | None
    request_id: str | None
    idempotency_key: str | None
    base_url: str


RouteHandler = Callable[..., tuple[int, dict[str, Any]]]


class SandboxState:
    """All objects, balances, idempotency records, events and logs, behind ``self.lock``."""

    def __init__(self, webhooks: dict[str, dict[str, str] | None] | None = None) -> None:
        self.lock = threading.Lock()
        self.initial_webhooks = copy.deepcopy(webhooks or {"platform": None, "connect": None})
        self.generation = 0
        self.dispatcher = WebhookDispatcher(self)
        self.routes: list[tuple[str, re.Pattern[str], RouteHandler]] = [
            ("POST", re.compile(r"/v1/accounts"), self.create_account),
            ("GET", re.compile(r"/v1/accounts/([^/]+)"), self._retriever("accounts")),
            ("POST", re.compile(r"/v1/account_links"), self.create_account_link),
            ("POST", re.compile(r"/v1/payment_intents"), self.create_payment_intent),
            ("GET", re.compile(r"/v1/payment_intents/([^/]+)"), self._retriever("payment_intents")),
            ("POST", re.compile(r"/v1/payment_intents/([^/]+)/confirm"), self.confirm_intent),
            ("GET", re.compile(r"/v1/charges/([^/]+)"), self._retriever("charges")),
            ("POST", re.compile(r"/v1/refunds"), self.create_refund),
            ("POST", re.compile(r"/v1/transfers"), self.create_transfer),
            ("GET", re.compile(r"/v1/transfers"), self.list_transfers),
            ("GET", re.compile(r"/v1/transfers/([^/]+)"), self._retriever("transfers")),
            ("POST", re.compile(r"/v1/transfers/([^/]+)/reversals"), self.create_reversal),
            ("GET", re.compile(r"/v1/balance"), self.get_balance),
        ]
        with self.lock:
            self._clear()

    # ---- bookkeeping (call with the lock held) -------------------------------------------
    def _clear(self) -> None:
        self.objects: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in KINDS}
        self.owner: dict[str, str | None] = {}
        self.balances: dict[str | None, dict[str, int]] = {}
        self.idempotency: dict[tuple[str, str], dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.faults: list[dict[str, Any]] = []
        self.request_log: list[dict[str, Any]] = []
        self.deliveries: list[dict[str, Any]] = []
        self.webhooks = copy.deepcopy(self.initial_webhooks)
        self.generation += 1
        self.dispatcher.jobs.clear()

    def reset(self) -> None:
        """Forget everything and restore the webhook endpoints given at start-up."""
        with self.lock:
            self._clear()

    def _store(self, kind: str, obj: dict[str, Any], ctx: Ctx) -> None:
        self.objects[kind][obj["id"]] = obj
        self.owner[obj["id"]] = ctx.account

    def _get(self, kind: str, obj_id: str, ctx: Ctx, param: str = "id") -> dict[str, Any]:
        obj = self.objects[kind].get(obj_id)
        visible = obj is not None and (
            self.owner[obj_id] == ctx.account or (kind == "accounts" and obj_id == ctx.account)
        )
        if not visible:
            raise ApiError(
                404 if param == "id" else 400,
                f"No such {LABELS[kind]}: '{obj_id}'",
                code="resource_missing",
                param=param,
                store=False,
            )
        assert obj is not None
        return obj

    def _lookup(self, obj_id: str) -> dict[str, Any] | None:
        kind = PREFIX_KIND.get(obj_id.split("_", 1)[0])
        return self.objects[kind].get(obj_id) if kind else None

    def _credit(self, owner: str | None, currency: str, amount: int) -> None:
        balance = self.balances.setdefault(owner, {})
        balance[currency] = balance.get(currency, 0) + amount

    def _available(self, owner: str | None, currency: str) -> int:
        return self.balances.get(owner, {}).get(currency, 0)

    def _emit(
        self,
        type_: str,
        obj: dict[str, Any],
        ctx: Ctx | None,
        account: str | None = None,
        previous: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        account = account or (ctx.account if ctx else None)
        endpoint = "connect" if account else "platform"
        target = self.webhooks.get(endpoint)
        event: dict[str, Any] = {"id": new_id("evt"), "object": "event"}
        if account:
            event["account"] = account
        data: dict[str, Any] = {"object": copy.deepcopy(obj)}
        if previous is not None:
            data["previous_attributes"] = previous
        event.update(
            api_version=API_VERSION,
            created=int(time.time()),
            data=data,
            livemode=False,
            pending_webhooks=1 if target and target.get("url") else 0,
            request={
                "id": ctx.request_id if ctx else None,
                "idempotency_key": ctx.idempotency_key if ctx else None,
            },
            type=type_,
        )
        self.events.append(event)
        self._deliver(event)
        return event

    def _deliver(self, event: dict[str, Any]) -> bool:
        endpoint = "connect" if event.get("account") else "platform"
        target = self.webhooks.get(endpoint)
        if not target or not target.get("url"):
            return False
        self.dispatcher.enqueue(event, endpoint, target["url"], target.get("secret") or "")
        return True

    def _expand(self, obj: dict[str, Any], paths: list[str]) -> dict[str, Any]:
        if not paths:
            return obj
        result = copy.deepcopy(obj)
        for path in paths:
            parts = path.split(".")
            if result.get("object") == "list" and parts[0] == "data":
                targets, parts = result["data"], parts[1:]
            else:
                targets = [result]
            for target in targets:
                self._expand_path(target, parts)
        return result

    def _expand_path(self, node: Any, parts: list[str]) -> None:
        if not parts or not isinstance(node, dict):
            return
        value = node.get(parts[0])
        if isinstance(value, str):
            found = self._lookup(value)
            if found is None:
                return
            value = node[parts[0]] = copy.deepcopy(found)
        self._expand_path(value, parts[1:])

    # ---- request execution ---------------------------------------------------------------
    def execute(
        self,
        method: str,
        path: str,
        params: dict[str, Any],
        headers: dict[str, str],
        ctx: Ctx,
    ) -> tuple[int, bytes, dict[str, str]]:
        """Authenticate, apply idempotency and run one API request; return (status, body, hdrs)."""
        with self.lock:
            try:
                self._authenticate(headers, ctx)
            except ApiError as exc:
                return exc.status, _dump(exc.body()), {}
            key = ctx.idempotency_key if method == "POST" else None
            scope = (ctx.account or "", key or "")
            fingerprint = [method, path, params]
            if key:
                entry = self.idempotency.get(scope)
                if entry is not None and entry["fingerprint"] != fingerprint:
                    exc = ApiError(
                        400, IDEMPOTENCY_MESSAGE.format(key=key), type_="idempotency_error"
                    )
                    return 400, _dump(exc.body()), {}
                if entry is not None:
                    replayed = {"Idempotent-Replayed": "true"}
                    replayed["Original-Request"] = entry["request_id"]
                    return entry["status"], entry["body"], replayed
            store = True
            try:
                status, obj = self._route(method, path, params, ctx)
                body = _dump(obj)
            except ApiError as exc:
                status, body, store = exc.status, _dump(exc.body()), exc.store
            except Exception:  # a sandbox bug: answer like Stripe's 500 and do not store it
                logger.exception("sandbox error handling %s %s", method, path)
                exc = ApiError(500, "An unknown error occurred.", type_="api_error")
                status, body, store = 500, _dump(exc.body()), False
            if key and store:
                self.idempotency[scope] = {
                    "fingerprint": fingerprint,
                    "status": status,
                    "body": body,
                    "request_id": ctx.request_id,
                }
            return status, body, {}

    def _authenticate(self, headers: dict[str, str], ctx: Ctx) -> None:
        auth = headers.get("authorization", "")
        if not auth:
            raise ApiError(
                401,
                "You did not provide an API key. Provide it in the Authorization header "
                "(e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
                type_="authentication_error",
            )
        key = auth[7:] if auth.startswith("Bearer ") else auth
        if auth.startswith("Basic "):  # curl -u sk_test_...:
            try:
                key = base64.b64decode(auth[6:]).decode("utf-8", "replace").partition(":")[0]
            except ValueError:
                key = ""
        if not key.startswith("sk_test_"):
            raise ApiError(
                401, f"Invalid API Key provided: {key[:12]}***", type_="authentication_error"
            )
        if ctx.account is not None and ctx.account not in self.objects["accounts"]:
            raise ApiError(
                403,
                f"The provided key '{key[:12]}***' does not have access to account "
                f"'{ctx.account}' (or that account does not exist).",
                code="account_invalid",
            )

    def _route(
        self, method: str, path: str, params: dict[str, Any], ctx: Ctx
    ) -> tuple[int, dict[str, Any]]:
        for route_method, pattern, handler in self.routes:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                expand = _expand_paths(params)  # validate before any state changes
                status, obj = handler(ctx, params, *match.groups())
                return status, self._expand(obj, expand)
        raise ApiError(
            404,
            f"Unrecognized request URL ({method}: {path}).",
            code="resource_missing",
            store=False,
        )

    def _retriever(self, kind: str) -> RouteHandler:
        def retrieve(ctx: Ctx, params: dict[str, Any], obj_id: str) -> tuple[int, dict[str, Any]]:
            _check_params(params, set())
            return 200, self._get(kind, obj_id, ctx)

        return retrieve

    # ---- accounts ------------------------------------------------------------------------
    def create_account(self, ctx: Ctx, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST /v1/accounts."""
        allowed = {"type", "country", "email", "capabilities", "metadata", "business_type",
                   "business_profile", "company", "individual", "settings", "tos_acceptance",
                   "default_currency", "controller", "external_account"}  # fmt: skip
        _check_params(params, allowed)
        account_type = _str(params, "type") or "express"
        if account_type not in ("express", "standard", "custom"):
            raise _invalid(f"Invalid type: {account_type}", "type")
        requested = params.get("capabilities") or {}
        if not isinstance(requested, dict):
            raise _invalid("Invalid hash: capabilities", "capabilities")
        capabilities = {"transfers": "inactive"}
        for name, spec in requested.items():
            if isinstance(spec, dict) and spec.get("requested") == "true":
                capabilities[name] = "inactive"
        country = (_str(params, "country") or "US").upper()
        default_currency = "eur" if country in EURO_COUNTRIES else COUNTRY_CURRENCY.get(country)
        account = {
            "id": new_id("acct", 16),
            "object": "account",
            "business_type": _str(params, "business_type"),
            "capabilities": capabilities,
            "charges_enabled": False,
            "country": country,
            "created": int(time.time()),
            "default_currency": _str(params, "default_currency") or default_currency or "usd",
            "details_submitted": False,
            "email": _str(params, "email"),
            "livemode": False,
            "metadata": _metadata(params),
            "payouts_enabled": False,
            "requirements": {
                "currently_due": list(ONBOARDING_DUE),
                "disabled_reason": "requirements.past_due",
                "past_due": list(ONBOARDING_DUE),
            },
            "type": account_type,
        }
        self._store("accounts", account, ctx)
        return 200, account

    def complete_onboarding(self, account_id: str) -> dict[str, Any] | None:
        """Mark an account fully onboarded and emit ``account.updated``; None if unknown."""
        with self.lock:
            account = self.objects["accounts"].get(account_id)
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
            if previous:
                self._emit("account.updated", account, None, account=account_id, previous=previous)
            return copy.deepcopy(account)

    def create_account_link(self, ctx: Ctx, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST /v1/account_links."""
        allowed = {"account", "refresh_url", "return_url", "type", "collect", "collection_options"}
        _check_params(params, allowed)
        account_id = _str(params, "account", True) or ""
        link_type = _str(params, "type", True)
        if link_type not in ("account_onboarding", "account_update"):
            raise _invalid(f"Invalid type: {link_type}", "type")
        self._get("accounts", account_id, Ctx(None, None, None, ""), param="account")
        query = {k: params[k] for k in ("refresh_url", "return_url") if _str(params, k)}
        now = int(time.time())
        url = f"{ctx.base_url}/_sandbox/onboard/{account_id}"
        return 200, {
            "object": "account_link",
            "created": now,
            "expires_at": now + 300,
            "url": url + ("?" + urlencode(query) if query else ""),
        }

    # ---- payment intents -----------------------------------------------------------------
    def create_payment_intent(self, ctx: Ctx, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST /v1/payment_intents (``confirm=true`` confirms immediately)."""
        allowed = {"amount", "currency", "transfer_group", "metadata", "description",
                   "payment_method", "confirm", "capture_method", "automatic_payment_methods",
                   "payment_method_types", "customer", "receipt_email", "statement_descriptor",
                   "statement_descriptor_suffix", "return_url", "off_session"}  # fmt: skip
        _check_params(params, allowed)
        amount = _int(params, "amount", True) or 0
        currency = _currency(params)
        minimum = 30 if currency == "gbp" else 50
        if amount < minimum:
            raise _invalid(
                f"Amount must be at least {minimum} (smallest currency unit).",
                "amount",
                "amount_too_small",
            )
        capture_method = _str(params, "capture_method") or "automatic"
        if capture_method not in ("automatic", "automatic_async"):
            raise _invalid("The sandbox only supports automatic capture.", "capture_method")
        payment_method = _str(params, "payment_method")
        if payment_method:
            self._check_payment_method(payment_method)
        confirm = _bool(params, "confirm")
        if confirm and not payment_method:
            raise _invalid(
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
            "customer": _str(params, "customer"),
            "description": _str(params, "description"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": _metadata(params),
            "payment_method": payment_method,
            "payment_method_types": params.get("payment_method_types") or ["card"],
            "status": "requires_confirmation" if payment_method else "requires_payment_method",
            "transfer_group": _str(params, "transfer_group"),
        }
        self._store("payment_intents", intent, ctx)
        self._emit("payment_intent.created", intent, ctx)
        if confirm and payment_method:
            return self._confirm(ctx, intent, payment_method)
        return 200, intent

    def confirm_intent(
        self, ctx: Ctx, params: dict[str, Any], intent_id: str
    ) -> tuple[int, dict[str, Any]]:
        """POST /v1/payment_intents/{id}/confirm."""
        _check_params(params, {"payment_method", "return_url", "off_session", "receipt_email"})
        intent = self._get("payment_intents", intent_id, ctx)
        payment_method = _str(params, "payment_method")
        if payment_method:
            self._check_payment_method(payment_method)
        if intent["status"] not in ("requires_payment_method", "requires_confirmation"):
            error = _failed(
                "You cannot confirm this PaymentIntent because it has already succeeded "
                "after being previously confirmed.",
                None,
                "payment_intent_unexpected_state",
            )
            error.extra["payment_intent"] = copy.deepcopy(intent)
            raise error
        payment_method = payment_method or intent["payment_method"]
        if not payment_method:
            raise _invalid(
                "You cannot confirm this PaymentIntent because it's missing a payment method.",
                "payment_method",
                "payment_intent_unexpected_state",
            )
        return self._confirm(ctx, intent, payment_method)

    @staticmethod
    def _check_payment_method(payment_method: str) -> None:
        if not payment_method.startswith("pm_"):
            raise _invalid(
                f"No such PaymentMethod: '{payment_method}'", "payment_method", "resource_missing"
            )

    def _confirm(
        self, ctx: Ctx, intent: dict[str, Any], payment_method: str
    ) -> tuple[int, dict[str, Any]]:
        pm_object = {"id": payment_method, "object": "payment_method", "type": "card"}
        decline = DECLINES.get(payment_method)
        if decline:
            code, decline_code, message = decline
            intent.update(status="requires_payment_method", payment_method=None)
            intent["last_payment_error"] = {
                "type": "card_error",
                "code": code,
                "decline_code": decline_code,
                "message": message,
                "payment_method": pm_object,
            }
            self._emit("payment_intent.payment_failed", intent, ctx)
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
        charge = _new(
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
        self._store("charges", charge, ctx)
        self._credit(ctx.account, intent["currency"], intent["amount"])
        intent.update(
            status="succeeded",
            amount_received=intent["amount"],
            latest_charge=charge["id"],
            last_payment_error=None,
            payment_method=payment_method,
        )
        self._emit("charge.succeeded", charge, ctx)
        self._emit("payment_intent.succeeded", intent, ctx)
        return 200, intent

    # ---- refunds -------------------------------------------------------------------------
    def create_refund(self, ctx: Ctx, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST /v1/refunds."""
        _check_params(params, {"payment_intent", "charge", "amount", "metadata", "reason"})
        intent_id, charge_id = _str(params, "payment_intent"), _str(params, "charge")
        amount, metadata, reason = _int(params, "amount"), _metadata(params), _str(params, "reason")
        if reason not in (None, "duplicate", "fraudulent", "requested_by_customer"):
            raise _invalid(f"Invalid reason: {reason}", "reason")
        if not intent_id and not charge_id:
            raise _invalid(
                "One of the following params should be provided for this request: "
                "payment_intent or charge.",
                None,
                "parameter_missing",
            )
        if intent_id:
            intent = self._get("payment_intents", intent_id, ctx, param="payment_intent")
            if not intent["latest_charge"] or intent["status"] != "succeeded":
                raise _failed(
                    f"This PaymentIntent ({intent_id}) does not have a successful charge to "
                    "refund.",
                    "payment_intent",
                )
            charge_id = charge_id or intent["latest_charge"]
            if charge_id != intent["latest_charge"]:
                raise _invalid("The charge does not belong to this PaymentIntent.", "charge")
        charge = self._get("charges", charge_id or "", ctx, param="charge")
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise _failed(
                f"Charge {charge['id']} has already been refunded.", None, "charge_already_refunded"
            )
        amount = remaining if amount is None else amount
        if amount > remaining:
            raise _failed(
                f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                f"({remaining}).",
                "amount",
                "amount_too_large",
            )
        refund = _new(
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
        self._credit(self.owner[charge["id"]], charge["currency"], -amount)
        self._store("refunds", refund, ctx)
        self._emit("charge.refunded", charge, ctx)
        self._emit("refund.created", refund, ctx)
        return 200, refund

    # ---- transfers -----------------------------------------------------------------------
    def create_transfer(self, ctx: Ctx, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST /v1/transfers."""
        allowed = {"amount", "currency", "destination", "transfer_group", "source_transaction",
                   "metadata", "description", "source_type"}  # fmt: skip
        _check_params(params, allowed)
        amount = _int(params, "amount", True) or 0
        currency = _currency(params)
        metadata = _metadata(params)
        destination_id = _str(params, "destination", True) or ""
        destination = self.objects["accounts"].get(destination_id)
        if destination is None:
            raise _invalid(
                f"No such destination: '{destination_id}'", "destination", "resource_missing"
            )
        source_id = _str(params, "source_transaction")
        charge = None
        if source_id:
            charge = self._get("charges", source_id, ctx, param="source_transaction")
            if charge["currency"] != currency:
                raise _invalid(
                    f"The currency of source_transaction ({charge['currency']}) must match "
                    f"the transfer currency ({currency}).",
                    "currency",
                )
        if (
            not destination["payouts_enabled"]
            or destination["capabilities"].get("transfers") != "active"
        ):
            raise _failed(
                "Your destination account needs to have at least one of the following "
                "capabilities enabled: transfers, crypto_transfers, legacy_payments",
                "destination",
                "insufficient_capabilities_for_transfer",
            )
        if charge is not None:
            used = sum(
                t["amount"] - t["amount_reversed"]
                for t in self.objects["transfers"].values()
                if t["source_transaction"] == charge["id"]
            )
            left = charge["amount"] - charge["amount_refunded"] - used
            if amount > left:
                raise _failed(
                    f"Transfer amount ({amount}) exceeds the amount still available from "
                    f"source_transaction {charge['id']} ({left}).",
                    "amount",
                    "amount_too_large",
                )
        if amount > self._available(ctx.account, currency):
            raise _failed(BALANCE_MESSAGE, None, "balance_insufficient")
        transfer_id = new_id("tr")
        transfer = {
            "id": transfer_id,
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "balance_transaction": new_id("txn"),
            "created": int(time.time()),
            "currency": currency,
            "description": _str(params, "description"),
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
            "transfer_group": _str(params, "transfer_group"),
        }
        self._credit(ctx.account, currency, -amount)
        self._credit(destination_id, currency, amount)
        self._store("transfers", transfer, ctx)
        self._emit("transfer.created", transfer, ctx)
        return 200, transfer

    def list_transfers(self, ctx: Ctx, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """GET /v1/transfers (newest first; filters transfer_group, destination)."""
        _check_params(params, {"transfer_group", "destination", "limit", "starting_after"})
        limit = _int(params, "limit") or 10
        if limit > 100:
            raise _invalid("This value must be less than or equal to 100.", "limit")
        group, destination = _str(params, "transfer_group"), _str(params, "destination")
        items = [
            t
            for t in reversed(self.objects["transfers"].values())
            if self.owner[t["id"]] == ctx.account
            and (group is None or t["transfer_group"] == group)
            and (destination is None or t["destination"] == destination)
        ]
        after = _str(params, "starting_after")
        if after:
            ids = [t["id"] for t in items]
            if after not in ids:
                raise _invalid(f"No such transfer: '{after}'", "starting_after", "resource_missing")
            items = items[ids.index(after) + 1 :]
        return 200, {
            "object": "list",
            "data": items[:limit],
            "has_more": len(items) > limit,
            "url": "/v1/transfers",
        }

    def create_reversal(
        self, ctx: Ctx, params: dict[str, Any], transfer_id: str
    ) -> tuple[int, dict[str, Any]]:
        """POST /v1/transfers/{id}/reversals."""
        allowed = {"amount", "metadata", "description", "refund_application_fee"}
        _check_params(params, allowed)
        transfer = self._get("transfers", transfer_id, ctx)
        amount, metadata = _int(params, "amount"), _metadata(params)
        remaining = transfer["amount"] - transfer["amount_reversed"]
        if remaining <= 0:
            raise _failed(f"Transfer {transfer_id} has already been fully reversed.", "amount")
        amount = remaining if amount is None else amount
        if amount > remaining:
            raise _failed(
                f"Reversal amount ({amount}) is greater than the amount left on the transfer "
                f"({remaining}).",
                "amount",
                "amount_too_large",
            )
        currency, destination = transfer["currency"], transfer["destination"]
        if self._available(destination, currency) < amount:
            raise _failed(
                "The destination account has insufficient funds to cover the reversal.",
                None,
                "balance_insufficient",
            )
        reversal = _new(
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
        self._credit(destination, currency, -amount)
        self._credit(self.owner[transfer_id], currency, amount)
        self._store("transfer_reversals", reversal, ctx)
        self._emit("transfer.reversed", transfer, ctx)
        return 200, reversal

    def get_balance(self, ctx: Ctx, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """GET /v1/balance for the platform, or for the Stripe-Account given."""
        _check_params(params, set())
        balance = dict(self.balances.get(ctx.account, {}))
        if not balance:
            account = self.objects["accounts"].get(ctx.account or "")
            balance = {account["default_currency"] if account else "usd": 0}
        available = [
            {"amount": amount, "currency": currency, "source_types": {"card": amount}}
            for currency, amount in sorted(balance.items())
        ]
        return 200, {"object": "balance", "available": available, "livemode": False, "pending": []}

    # ---- test controls -------------------------------------------------------------------
    def add_fault(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Arm a fault: the next ``count`` matching API requests fail as ``status``."""
        status = spec.get("status")
        valid = status in (429, "drop", "drop_after") or (
            isinstance(status, int) and 500 <= status <= 599
        )
        count = spec.get("count", 1)
        if not valid or not isinstance(count, int) or count < 1:
            raise ValueError("status must be 429, 5xx, 'drop' or 'drop_after'; count >= 1")
        method = spec.get("method")
        fault = {
            "status": status,
            "count": count,
            "path": spec.get("path"),
            "method": method.upper() if method else None,
        }
        with self.lock:
            self.faults.append(fault)
        return fault

    def take_fault(self, method: str, path: str) -> int | str | None:
        """Consume one matching fault, if any, and return its status."""
        with self.lock:
            for fault in self.faults:
                if fault["count"] <= 0:
                    continue
                if fault["method"] and fault["method"] != method:
                    continue
                if fault["path"] and not path.startswith(fault["path"]):
                    continue
                fault["count"] -= 1
                return fault["status"]
            return None

    def set_webhooks(self, config: dict[str, Any]) -> None:
        """Replace the platform and/or connect endpoint (``{"url", "secret"}`` or None)."""
        with self.lock:
            for name in ("platform", "connect"):
                if name in config:
                    value = config[name]
                    if value is not None and not (isinstance(value, dict) and value.get("url")):
                        raise ValueError(f"{name} must be null or {{'url': ..., 'secret': ...}}")
                    self.webhooks[name] = dict(value) if value else None

    def resend(self, event_id: str) -> bool | None:
        """Queue an event for delivery again; None if unknown, False if no endpoint."""
        with self.lock:
            for event in self.events:
                if event["id"] == event_id:
                    return self._deliver(event)
            return None

    def snapshot(self, what: str, **filters: str | None) -> list[dict[str, Any]] | None:
        """A deep copy of events / requests / deliveries / objects of one kind."""
        with self.lock:
            if what == "events":
                items = self.events
                if filters.get("after"):
                    ids = [e["id"] for e in items]
                    after = filters["after"]
                    items = items[ids.index(after) + 1 :] if after in ids else []
                if filters.get("type"):
                    items = [e for e in items if e["type"] == filters["type"]]
            elif what == "requests":
                items = self.request_log
            elif what == "deliveries":
                items = self.deliveries
            elif what in self.objects:
                items = list(self.objects[what].values())
            else:
                return None
            return copy.deepcopy(items)

    def log_request(self, entry: dict[str, Any]) -> None:
        """Append one API request to the request log."""
        with self.lock:
            self.request_log.append(entry)


class WebhookDispatcher:
    """Delivers events from a background thread, retrying failures with short backoff."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.cond = threading.Condition(state.lock)
        self.jobs: list[tuple[float, int, dict[str, Any]]] = []
        self.seq = 0
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self.thread.start()

    def enqueue(self, event: dict[str, Any], endpoint: str, url: str, secret: str) -> None:
        """Queue a first delivery attempt (call with the state lock held)."""
        job = {
            "event": event["id"],
            "type": event["type"],
            "endpoint": endpoint,
            "url": url,
            "secret": secret,
            "payload": json.dumps(event, indent=2),
            "attempt": 1,
            "generation": self.state.generation,
        }
        self._push(time.monotonic(), job)

    def _push(self, due: float, job: dict[str, Any]) -> None:
        self.seq += 1
        heapq.heappush(self.jobs, (due, self.seq, job))
        self.cond.notify()

    def stop(self) -> None:
        """Stop the delivery thread (pending deliveries are dropped)."""
        with self.cond:
            self.stopped = True
            self.cond.notify_all()

    def _next_job(self) -> dict[str, Any] | None:
        while not self.stopped:
            if not self.jobs:
                self.cond.wait()
                continue
            wait = self.jobs[0][0] - time.monotonic()
            if wait <= 0:
                return heapq.heappop(self.jobs)[2]
            self.cond.wait(wait)
        return None

    def _run(self) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            with self.cond:
                job = self._next_job()
            if job is None:
                return
            status, error = self._post(opener, job)
            with self.cond:
                if job["generation"] != self.state.generation:
                    continue
                ok = status is not None and 200 <= status < 300
                self.state.deliveries.append(
                    {
                        "event": job["event"],
                        "type": job["type"],
                        "endpoint": job["endpoint"],
                        "url": job["url"],
                        "attempt": job["attempt"],
                        "status": status,
                        "error": error,
                        "ok": ok,
                        "at": time.time(),
                    }
                )
                if not ok and job["attempt"] <= len(WEBHOOK_RETRY_DELAYS):
                    delay = WEBHOOK_RETRY_DELAYS[job["attempt"] - 1]
                    self._push(time.monotonic() + delay, dict(job, attempt=job["attempt"] + 1))

    @staticmethod
    def _post(
        opener: urllib.request.OpenerDirector, job: dict[str, Any]
    ) -> tuple[int | None, str | None]:
        payload: str = job["payload"]
        signature = stripe.WebhookSignature.generate_signature_header(payload, job["secret"])
        request = urllib.request.Request(
            job["url"],
            data=payload.encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": signature,
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        try:
            with opener.open(request, timeout=10) as response:
                response.read()
                return response.status, None
        except urllib.error.HTTPError as exc:
            return exc.code, None
        except (OSError, ValueError) as exc:
            return None, str(exc)


class ControlError(Exception):
    """An error answered by the /_sandbox/ control API."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class SandboxHandler(BaseHTTPRequestHandler):
    """Routes /v1/* to the Stripe emulation and /_sandbox/* to the test controls."""

    server: SandboxServer
    server_version = "stripe-sandbox/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Log through ``logging`` only when the server is verbose."""
        if self.server.verbose:
            logger.info("%s - %s", self.address_string(), format % args)

    def _send(
        self,
        status: int,
        body: bytes,
        request_id: str,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Request-Id", request_id)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _dispatch(self) -> None:
        request_id = new_id("req", 14)
        split = urlsplit(self.path)
        path = split.path.rstrip("/") or "/"
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        if path.startswith("/_sandbox/"):
            try:
                status, result, ctype = self._control(path, split.query, raw)
            except ControlError as exc:
                status, ctype = exc.status, "application/json"
                result = _dump({"error": {"message": str(exc)}})
            self._send(status, result, request_id, content_type=ctype)
            return
        self._api(path, split.query, raw, request_id)

    do_GET = do_POST = do_DELETE = _dispatch

    def _api(self, path: str, query: str, raw: bytes, request_id: str) -> None:
        state, method = self.server.state, self.command
        account = self.headers.get("Stripe-Account") or None
        key = self.headers.get("Idempotency-Key") or None
        entry: dict[str, Any] = {
            "request_id": request_id,
            "method": method,
            "path": path,
            "query": query,
            "idempotency_key": key,
            "stripe_account": account,
            "status": None,
            "replayed": False,
            "fault": None,
            "at": time.time(),
        }
        fault = state.take_fault(method, path)
        entry["fault"] = fault
        if fault == "drop":
            state.log_request(entry)
            self.close_connection = True
            return
        if isinstance(fault, int):
            if fault == 429:
                error = ApiError(
                    429,
                    "Too many requests hit the API too quickly (sandbox fault injection).",
                    code="rate_limit",
                )
            else:
                error = ApiError(
                    fault, "An unknown error occurred (sandbox fault injection).", type_="api_error"
                )
            entry["status"] = fault
            state.log_request(entry)
            self._send(fault, _dump(error.body()), request_id)
            return
        source = raw.decode("utf-8", "replace") if method == "POST" else query
        params = parse_params(source)
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        ctx = Ctx(account, request_id, key, f"http://{host}")
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, body, extra = state.execute(method, path, params, headers, ctx)
        entry["status"] = status
        entry["replayed"] = "Idempotent-Replayed" in extra
        state.log_request(entry)
        if fault == "drop_after":
            self.close_connection = True
            return
        self._send(status, body, request_id, extra)

    def _control(self, path: str, query: str, raw: bytes) -> tuple[int, bytes, str]:
        state, method = self.server.state, self.command
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
                    state.reset()
                    result = {"reset": True}
                case "POST", ["faults"]:
                    result = state.add_fault(payload)
                case "DELETE", ["faults"]:
                    with state.lock:
                        state.faults.clear()
                    result = {"cleared": True}
                case "POST", ["webhooks"]:
                    state.set_webhooks(payload)
                    with state.lock:
                        result = copy.deepcopy(state.webhooks)
                case "GET", ["events" | "requests" | "deliveries" as what]:
                    result = _list(state.snapshot(what, **args) or [], path)
                case "GET", ["objects", kind]:
                    items = state.snapshot(kind)
                    if items is None or kind in ("events", "requests", "deliveries"):
                        raise ControlError(404, f"unknown kind {kind!r}; one of {KINDS}")
                    result = _list(items, path)
                case "POST", ["events", event_id, "resend"]:
                    queued = state.resend(event_id)
                    if queued is None:
                        raise ControlError(404, f"no such event {event_id}")
                    result = {"id": event_id, "queued": queued}
                case "POST", ["accounts", account_id, "complete_onboarding"]:
                    result = state.complete_onboarding(account_id)
                    if result is None:
                        raise ControlError(404, f"no such account {account_id}")
                case "GET", ["onboard", account_id]:
                    return 200, self._onboard_page(account_id, args), "text/html; charset=utf-8"
                case _:
                    raise ControlError(404, f"unknown control endpoint {method} {path}")
        except (ValueError, TypeError, AttributeError) as exc:
            raise ControlError(400, f"bad control request: {exc}") from exc
        return 200, _dump(result), "application/json"

    def _onboard_page(self, account_id: str, args: dict[str, str]) -> bytes:
        if self.server.state.complete_onboarding(account_id) is None:
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


def _list(items: list[dict[str, Any]], url: str) -> dict[str, Any]:
    return {"object": "list", "data": items, "has_more": False, "url": url}


class SandboxServer(ThreadingHTTPServer):
    """The HTTP server; ``state`` holds everything, ``url`` is the base URL."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        webhooks: dict[str, dict[str, str] | None] | None = None,
        verbose: bool = False,
    ) -> None:
        super().__init__(address, SandboxHandler)
        self.state = SandboxState(webhooks)
        self.verbose = verbose

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:12111``."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def server_close(self) -> None:
        """Close the socket and stop the webhook thread."""
        super().server_close()
        self.state.dispatcher.stop()


def make_server(
    host: str = "127.0.0.1",
    port: int = 12111,
    *,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    connect_webhook_url: str | None = None,
    connect_webhook_secret: str | None = None,
    verbose: bool = False,
) -> SandboxServer:
    """Create (but do not start) a sandbox server bound to ``host:port``."""
    webhooks: dict[str, dict[str, str] | None] = {
        "platform": {"url": webhook_url, "secret": webhook_secret or ""} if webhook_url else None,
        "connect": (
            {"url": connect_webhook_url, "secret": connect_webhook_secret or ""}
            if connect_webhook_url
            else None
        ),
    }
    return SandboxServer((host, port), webhooks, verbose=verbose)
