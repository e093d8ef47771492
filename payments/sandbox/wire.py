"""Stripe's wire format: form decoding, parameter checks, error envelopes and JSON bodies.

The lowest sandbox module: every other one may import it, it imports none of them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

_BRACKETS = re.compile(r"\[([^\]]*)\]")


@dataclass
class Ctx:
    """Who is calling: ``account`` is the Stripe-Account header (None = platform)."""

    account: str | None
    request_id: str | None
    idempotency_key: str | None
    base_url: str


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


def dump(obj: Any) -> bytes:
    """A response body: JSON indented like Stripe's."""
    return json.dumps(obj, indent=2).encode("utf-8")


def list_of(items: list[dict[str, Any]], url: str) -> dict[str, Any]:
    """A Stripe list envelope holding every item (no paging)."""
    return {"object": "list", "data": items, "has_more": False, "url": url}


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


def invalid(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    """A parameter validation error (not stored for idempotency, like Stripe)."""
    return ApiError(400, message, code=code, param=param, store=False)


def failed(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    """A business-rule error raised after execution began (stored for idempotency)."""
    return ApiError(400, message, code=code, param=param, store=True)


def check_params(params: dict[str, Any], allowed: set[str]) -> None:
    """Refuse any parameter outside ``allowed`` (``expand`` is always allowed)."""
    for name in params:
        if name not in allowed and name != "expand":
            raise invalid(f"Received unknown parameter: {name}", name, "parameter_unknown")


def str_param(params: dict[str, Any], name: str, required: bool = False) -> str | None:
    """A string parameter; empty counts as missing."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise invalid(f"Missing required param: {name}.", name, "parameter_missing")
        return None
    if not isinstance(value, str):
        raise invalid(f"Invalid string: {name} must be a string.", name)
    return value


def int_param(params: dict[str, Any], name: str, required: bool = False) -> int | None:
    """A positive integer parameter."""
    raw = str_param(params, name, required)
    if raw is None:
        return None
    if not re.fullmatch(r"-?[0-9]+", raw):
        raise invalid(f"Invalid integer: {raw}", name, "parameter_invalid_integer")
    value = int(raw)
    if value < 1:
        raise invalid(
            "This value must be greater than or equal to 1.", name, "parameter_invalid_integer"
        )
    return value


def bool_param(params: dict[str, Any], name: str) -> bool:
    """A ``true``/``false`` parameter; missing is false."""
    raw = params.get(name)
    if raw in (None, "", "false"):
        return False
    if raw == "true":
        return True
    raise invalid(f"Invalid boolean: {raw}", name)


def currency_param(params: dict[str, Any]) -> str:
    """The required three-letter ``currency``, lower-cased."""
    raw = str_param(params, "currency", True) or ""
    if not re.fullmatch(r"[A-Za-z]{3}", raw):
        raise invalid(f"Invalid currency: {raw}.", "currency", "invalid_currency")
    return raw.lower()


def metadata_param(params: dict[str, Any]) -> dict[str, str]:
    """The ``metadata`` hash of strings (empty when absent)."""
    raw = params.get("metadata")
    if raw is None or raw == "":
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise invalid("Invalid hash: metadata must be a hash of string values.", "metadata")
    return dict(raw)


def expand_param(params: dict[str, Any]) -> list[str]:
    """The ``expand`` paths asked for."""
    raw = params.get("expand")
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return raw
    raise invalid("Invalid array: expand must be a list of strings.", "expand")
