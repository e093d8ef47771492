"""The smoke journey's HTTP client and waiting helpers (standard library only)."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from typing import Any


class SmokeError(Exception):
    """A step of the journey did not answer as it should."""


class FatalError(SmokeError):
    """Nothing to wait for any more (a process died)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message: str) -> None:
    print(f"smoke: {message}", flush=True)


class Api:
    """A tiny JSON client for the API (standard library only, no proxies)."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base.rstrip("/")
        self.token = token
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(
        self, method: str, path: str, body: Any = None, expect: tuple[int, ...] = (200, 201)
    ) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with self.opener.open(request, timeout=30) as response:
                status, raw, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as exc:
            status, raw, headers = exc.code, exc.read(), exc.headers
        self.last_headers = headers
        if status not in expect:
            raise SmokeError(f"{method} {path} answered {status}: {raw[:500]!r}")
        return json.loads(raw) if raw and raw.lstrip()[:1] in (b"{", b"[") else raw

    def get(self, path: str, **kw: Any) -> Any:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call("POST", path, body if body is not None else {}, **kw)


def wait_until(what: str, check: Any, timeout: float, every: float = 0.25) -> Any:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except FatalError:
            raise
        except (SmokeError, OSError) as exc:
            last = exc
        time.sleep(every)
    raise SmokeError(f"timed out after {timeout:.0f} s waiting for {what} ({last})")
