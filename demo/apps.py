from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo tooling: `seed_demo` (demo data) and `serve` (the API with its local helpers)."""

    name = "demo"
    verbose_name = "Demo"
