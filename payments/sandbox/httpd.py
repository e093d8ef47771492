"""The HTTP transport: read a request, apply an armed fault, hand ``/v1/*`` to the API layer with
the caller's context (Stripe-Account, Idempotency-Key, form or query parameters) and
``/_sandbox/*`` to the test controls, log it, and write the answer."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from payments.sandbox.api import Api, Route
from payments.sandbox.app import SandboxApp
from payments.sandbox.controls import JSON, ControlError, control
from payments.sandbox.state import Endpoints, new_id
from payments.sandbox.wire import ApiError, Ctx, dump, parse_params

logger = logging.getLogger("payments.sandbox")


class SandboxHandler(BaseHTTPRequestHandler):
    """Routes /v1/* to the Stripe emulation and /_sandbox/* to the test controls."""

    server: HttpServer
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
        content_type: str = JSON,
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
                status, result, ctype = control(
                    self.server.app, self.command, path, split.query, raw
                )
            except ControlError as exc:
                status, ctype = exc.status, JSON
                result = dump({"error": {"message": str(exc)}})
            self._send(status, result, request_id, content_type=ctype)
            return
        self._api(path, split.query, raw, request_id)

    do_GET = do_POST = do_DELETE = _dispatch

    def _api(self, path: str, query: str, raw: bytes, request_id: str) -> None:
        store, method = self.server.app.store, self.command
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
        fault = store.take_fault(method, path)
        entry["fault"] = fault
        if fault == "drop":
            store.log_request(entry)
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
            store.log_request(entry)
            self._send(fault, dump(error.body()), request_id)
            return
        source = raw.decode("utf-8", "replace") if method == "POST" else query
        params = parse_params(source)
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        ctx = Ctx(account, request_id, key, f"http://{host}")
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, body, extra = self.server.api.execute(method, path, params, headers, ctx)
        entry["status"] = status
        entry["replayed"] = "Idempotent-Replayed" in extra
        store.log_request(entry)
        if fault == "drop_after":
            self.close_connection = True
            return
        self._send(status, body, request_id, extra)


class HttpServer(ThreadingHTTPServer):
    """The threaded HTTP server: ``app`` holds the state, ``api`` runs ``routes`` against it."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        webhooks: Endpoints | None,
        routes: Iterable[Route],
        verbose: bool = False,
        state_path: str | Path | None = None,
        reset: bool = False,
    ) -> None:
        super().__init__(address, SandboxHandler)
        self.app = SandboxApp(webhooks, state_path=state_path, reset=reset)
        self.api = Api(self.app, routes)
        self.verbose = verbose

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:12111``."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def server_close(self) -> None:
        """Close the socket and stop the webhook thread."""
        super().server_close()
        # A failed bind closes the socket before __init__ has built the app.
        if hasattr(self, "app"):
            self.app.close()
