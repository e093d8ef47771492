"""Stripe-compatible sandbox server for local development and tests (no Django imports)."""

from payments.sandbox.server import SandboxServer, make_server

__all__ = ["SandboxServer", "make_server"]
