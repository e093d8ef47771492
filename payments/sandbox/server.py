"""A small Stripe-compatible HTTP server for local development and tests.

Speaks enough of Stripe's v1 wire format (form-encoded bodies with bracket notation, JSON
responses, Stripe-style errors, idempotency keys, signed webhooks) for the official ``stripe``
SDK to be pointed at it unchanged.  Pure standard library; ``stripe`` is only used to sign
webhook payloads.  All mutable state is guarded by one lock.

This module puts the pieces together:
  wire.py      form decoding, parameter checks, error envelopes (imports no sandbox module)
  state.py     the store: objects, balances, idempotency, events, faults, logs; ids
  webhooks.py  events, signing and delivery with retries
  app.py       the store and the webhook sender, as handlers see them
  api.py       route registry, authentication, idempotent replay, ``expand``
  accounts.py, payment_intents.py, refunds.py, transfers.py, balance.py: one per resource
  controls.py  the /_sandbox/ test controls
  httpd.py     the HTTP handler and server
"""

from __future__ import annotations

from pathlib import Path

from payments.sandbox import accounts, balance, payment_intents, refunds, transfers
from payments.sandbox.api import Route
from payments.sandbox.httpd import HttpServer
from payments.sandbox.state import Endpoints

__all__ = ["ROUTES", "SandboxServer", "make_server"]

ROUTES: tuple[Route, ...] = (
    *accounts.ROUTES,
    *payment_intents.ROUTES,
    *refunds.ROUTES,
    *transfers.ROUTES,
    *balance.ROUTES,
)


class SandboxServer(HttpServer):
    """The sandbox HTTP server; ``app`` holds everything, ``url`` is the base URL."""

    def __init__(
        self,
        address: tuple[str, int],
        webhooks: Endpoints | None = None,
        verbose: bool = False,
        state_path: str | Path | None = None,
        reset: bool = False,
    ) -> None:
        super().__init__(
            address, webhooks, ROUTES, verbose=verbose, state_path=state_path, reset=reset
        )


def make_server(
    host: str = "127.0.0.1",
    port: int = 12111,
    *,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    connect_webhook_url: str | None = None,
    connect_webhook_secret: str | None = None,
    verbose: bool = False,
    state_path: str | Path | None = None,
    reset: bool = False,
) -> SandboxServer:
    """Create (but do not start) a sandbox server bound to ``host:port``.

    ``state_path`` is the SQLite file that keeps its state across restarts (None: memory
    only); ``reset`` empties it first."""
    webhooks: Endpoints = {
        "platform": {"url": webhook_url, "secret": webhook_secret or ""} if webhook_url else None,
        "connect": (
            {"url": connect_webhook_url, "secret": connect_webhook_secret or ""}
            if connect_webhook_url
            else None
        ),
    }
    return SandboxServer(
        (host, port), webhooks, verbose=verbose, state_path=state_path, reset=reset
    )
