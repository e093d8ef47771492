"""The Stripe API layer: the route registry, authentication, idempotent replay and ``expand``.

Resource modules declare their ``ROUTES`` (method + path pattern -> handler); ``Api`` runs one
request against them under the store lock and answers with Stripe's status, body and headers.
A handler is called as ``handler(app, ctx, params, *path_ids)`` and returns ``(status, object)``.
"""

from __future__ import annotations

import base64
import copy
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from payments.sandbox.app import SandboxApp
from payments.sandbox.wire import ApiError, Ctx, check_params, dump, expand_param

logger = logging.getLogger("payments.sandbox")

Handler = Callable[..., tuple[int, dict[str, Any]]]


@dataclass(frozen=True)
class Route:
    """One API endpoint: ``pattern`` must match the whole path; its groups are ids."""

    method: str
    pattern: re.Pattern[str]
    handler: Handler


def route(method: str, pattern: str, handler: Handler) -> Route:
    """Declare an endpoint, e.g. ``route("GET", r"/v1/charges/([^/]+)", retriever("charges"))``."""
    return Route(method, re.compile(pattern), handler)


def retriever(kind: str) -> Handler:
    """A ``GET /v1/<kind>/{id}`` handler: the object if the caller may see it."""

    def retrieve(
        app: SandboxApp, ctx: Ctx, params: dict[str, Any], obj_id: str
    ) -> tuple[int, dict[str, Any]]:
        check_params(params, set())
        return 200, app.store.fetch(kind, obj_id, ctx.account)

    return retrieve


class Api:
    """Runs API requests against ``routes``, in the order given."""

    def __init__(self, app: SandboxApp, routes: Iterable[Route]) -> None:
        self.app = app
        self.routes = list(routes)

    def execute(
        self,
        method: str,
        path: str,
        params: dict[str, Any],
        headers: dict[str, str],
        ctx: Ctx,
    ) -> tuple[int, bytes, dict[str, str]]:
        """Authenticate, apply idempotency and run one API request; return (status, body, hdrs)."""
        store = self.app.store
        with store.lock:
            try:
                self._authenticate(headers, ctx)
            except ApiError as exc:
                return exc.status, dump(exc.body()), {}
            key = ctx.idempotency_key if method == "POST" else None
            fingerprint = [method, path, params]
            if key:
                try:
                    entry = store.replay(ctx.account, key, fingerprint)
                except ApiError as exc:
                    return exc.status, dump(exc.body()), {}
                if entry is not None:
                    replayed = {"Idempotent-Replayed": "true"}
                    replayed["Original-Request"] = entry["request_id"]
                    return entry["status"], entry["body"], replayed
            save = True
            try:
                status, obj = self._route(method, path, params, ctx)
                body = dump(obj)
            except ApiError as exc:
                status, body, save = exc.status, dump(exc.body()), exc.store
            except Exception:  # a sandbox bug: answer like Stripe's 500 and do not store it
                logger.exception("sandbox error handling %s %s", method, path)
                exc = ApiError(500, "An unknown error occurred.", type_="api_error")
                status, body, save = 500, dump(exc.body()), False
            if key and save:
                store.remember(ctx.account, key, fingerprint, status, body, ctx.request_id)
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
        if ctx.account is not None and self.app.store.get("accounts", ctx.account) is None:
            raise ApiError(
                403,
                f"The provided key '{key[:12]}***' does not have access to account "
                f"'{ctx.account}' (or that account does not exist).",
                code="account_invalid",
            )

    def _route(
        self, method: str, path: str, params: dict[str, Any], ctx: Ctx
    ) -> tuple[int, dict[str, Any]]:
        for entry in self.routes:
            match = entry.pattern.fullmatch(path)
            if match and entry.method == method:
                expand = expand_param(params)  # validate before any state changes
                status, obj = entry.handler(self.app, ctx, params, *match.groups())
                return status, self._expand(obj, expand)
        raise ApiError(
            404,
            f"Unrecognized request URL ({method}: {path}).",
            code="resource_missing",
            store=False,
        )

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
            found = self.app.store.find(value)
            if found is None:
                return
            value = node[parts[0]] = copy.deepcopy(found)
        self._expand_path(value, parts[1:])
