from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"

    def ready(self) -> None:
        # Register the e-mail tasks in every process, so notifications can start them by name
        # (eagerly, in process, when there is no broker).
        from . import tasks  # noqa: F401
        from .blank_null import install

        # Empty optional text answers `null` on every resource (docs/API.md).
        install()
