"""The running sandbox: one store and the webhook sender that reads it, shared by every handler."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from payments.sandbox.state import Endpoints, Store
from payments.sandbox.webhooks import Webhooks
from payments.sandbox.wire import Ctx


class SandboxApp:
    """What a resource handler works on: ``store`` (under ``store.lock``) and ``emit``."""

    def __init__(
        self,
        webhooks: Endpoints | None = None,
        state_path: str | Path | None = None,
        reset: bool = False,
    ) -> None:
        self.store = Store(webhooks, path=state_path, reset=reset)
        self.webhooks = Webhooks(self.store)
        # Events saved before a restart whose webhook never got through go out again (our
        # endpoint ignores a duplicate, as it must with Stripe).
        with self.store.lock:
            for event_id in self.store.undelivered:
                event = self.store.event(event_id)
                if event is not None:
                    self.webhooks.deliver(event)
            self.store.undelivered.clear()

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
        """Stop the webhook thread and close the state file."""
        self.webhooks.stop()
        self.webhooks.thread.join(timeout=2)  # let a delivery in flight record its answer
        self.store.close()
