"""Run the local Stripe sandbox as its own process, where the settings say it is."""

import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from payments.sandbox.server import make_server
from payments.sandbox.state import Store


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = (
        "Serve the local Stripe sandbox at SANDBOX_HOST:SANDBOX_PORT with its state in "
        "SANDBOX_STATE, sending webhooks to SANDBOX_WEBHOOK_BASE (make prod's `sandbox`)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--reset", action="store_true", help="start with an empty state")
        parser.add_argument(
            "--reset-only", action="store_true", help="empty the state file and exit"
        )

    def handle(self, *args: Any, reset: bool, reset_only: bool, **options: Any) -> None:
        if not settings.STRIPE_SANDBOX:
            raise CommandError("STRIPE_SECRET_KEY is set: this deployment talks to Stripe")
        if reset_only:
            Store(path=settings.SANDBOX_STATE, reset=True).close()
            self.stdout.write(f"Stripe sandbox state emptied: {settings.SANDBOX_STATE}")
            return
        base = settings.SANDBOX_WEBHOOK_BASE.rstrip("/") + "/api/v1/payments/webhooks"
        server = make_server(
            settings.SANDBOX_HOST,
            settings.SANDBOX_PORT,
            webhook_url=f"{base}/stripe/",
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
            connect_webhook_url=f"{base}/stripe-connect/",
            connect_webhook_secret=settings.STRIPE_CONNECT_WEBHOOK_SECRET,
            state_path=settings.SANDBOX_STATE,
            reset=reset,
        )
        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(
            f"Stripe sandbox listening on {server.url}, state in {settings.SANDBOX_STATE}"
        )
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
