"""The admin login lockout counts failed admin logins only (django-axes, shared cache)."""

from typing import Any

from axes.handlers.cache import AxesCacheHandler


class AdminLoginHandler(AxesCacheHandler):
    """django-axes' cache handler, deaf to failures outside the admin.

    With `AXES_ONLY_ADMIN_SITE` axes checks lockouts on the admin only but still counts every
    failed `authenticate()`, API token requests included; those have their own throttle, and
    counting them would let users who mistype at the API lock staff out of the admin.
    """

    def user_login_failed(  # type: ignore[override]
        self, sender: Any, credentials: dict, request: Any = None, **kwargs: Any
    ) -> None:
        if request is None or not self.is_admin_request(request):
            return None
        return super().user_login_failed(sender, credentials, request, **kwargs)
