from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        # Register the Celery tasks in every process, so payments.queue can start them by name
        # (eagerly, in process, when there is no broker).
        from . import tasks  # noqa: F401
