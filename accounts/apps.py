from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Registration, tokens and `/me/`; the User model itself stays in marketplace."""

    name = "accounts"
    verbose_name = "Accounts"
