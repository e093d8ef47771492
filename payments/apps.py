from django.apps import AppConfig
from django.conf import settings


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        # Register the Celery tasks in every process, so payments.queue can start them by name
        # (eagerly, in process, when there is no broker), and Stripe's reachability as a
        # /healthz/ check (cached; a Stripe outage marks health degraded, not down).
        from marketplace import health

        from . import gateway, tasks  # noqa: F401

        health.register("stripe", gateway.ping, ttl=lambda: settings.STRIPE_HEALTH_CACHE_SECONDS)
