"""The running sandbox: one store and the webhook sender that reads it, shared by every handler."""

from __future__ import annotations

from typing import Any

from payments.sandbox.state import Endpoints, Store
from payments.sandbox.webhooks import Webhooks
from payments.sandbox.wire import Ctx


class SandboxApp:
    """What a resource handler works on: ``store`` (under ``store.lock``) and ``emit``."""

    def __init__(self, webhooks: Endpoints | None = None) -> None:
        self.store = Store(webhooks)
        self.webhooks = Webhooks(self.store)

    def emit(
        self,
        type_: str,
        obj: dict[str, Any],
        ctx: Ctx | None,
        account: str | None = None,
        previous: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Record and send an event about ``obj`` (store lock held)."""
        return self.webhooks.emit(type_, obj, ctx, account=account, previous=previous)

    def reset(self) -> None:
        """Forget everything and restore the webhook endpoints given at start-up."""
        with self.store.lock:
            self.store.clear()
            self.webhooks.drop_pending()

    def close(self) -> None:
        """Stop the webhook thread."""
        self.webhooks.stop()
