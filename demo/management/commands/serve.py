"""Serve the API for local use: the Stripe sandbox and the periodic jobs run in process when no
Stripe key or broker is configured, then Django's development server."""

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from marketplace.jobs import run_periodic_jobs
from payments.sandbox.server import make_server

logger = logging.getLogger(__name__)


def _periodic_jobs(interval: float) -> None:
    """Run the beat schedule's jobs in a loop (they are safe to run twice)."""
    while True:
        time.sleep(interval)
        try:
            run_periodic_jobs()
        except Exception:  # noqa: BLE001 - a failing job must not stop the loop
            logger.exception("periodic jobs failed")


class Command(BaseCommand):
    help = "Serve the API; starts the Stripe sandbox and in-process jobs when needed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=None, help="default: PORT (8000)")
        parser.add_argument("--jobs-interval", type=float, default=60.0)
        parser.add_argument(
            "--reset-sandbox",
            action="store_true",
            help="start the local Stripe sandbox with an empty state file",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int | None,
        jobs_interval: float,
        reset_sandbox: bool,
        **options: Any,
    ) -> None:
        port = port or settings.PORT
        if settings.STRIPE_SANDBOX:
            # Where it listens and where its state lives come from the settings (SANDBOX_HOST,
            # SANDBOX_PORT, SANDBOX_STATE), which reconcile, the worker and beat read too.
            base = f"http://{host}:{port}/api/v1/payments/webhooks"
            sandbox = make_server(
                settings.SANDBOX_HOST,
                settings.SANDBOX_PORT,
                webhook_url=f"{base}/stripe/",
                webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
                connect_webhook_url=f"{base}/stripe-connect/",
                connect_webhook_secret=settings.STRIPE_CONNECT_WEBHOOK_SECRET,
                state_path=settings.SANDBOX_STATE,
                reset=reset_sandbox,
            )
            threading.Thread(
                target=sandbox.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="stripe-sandbox",
                daemon=True,
            ).start()
            self.stdout.write(
                f"  Stripe   local sandbox at {sandbox.url} (no STRIPE_SECRET_KEY), "
                f"state in {settings.SANDBOX_STATE}"
            )
        if not settings.CELERY_BROKER_URL:
            threading.Thread(target=_periodic_jobs, args=(jobs_interval,), daemon=True).start()
            self.stdout.write(
                f"  Jobs     in process every {jobs_interval}s (no CELERY_BROKER_URL)"
            )
        call_command("runserver", f"{host}:{port}", use_reloader=False)
