"""Production settings: refuse to start without the secrets and a real database."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool, env_list

# STRIPE_SANDBOX=1 runs the production processes against the local Stripe sandbox instead of
# Stripe (`make prod` and its CI smoke journey, with no STRIPE_SECRET_KEY): never on a real host.
_SANDBOX = env_bool("STRIPE_SANDBOX", False)
_REQUIRED = ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "FRONTEND_URL"]
if not _SANDBOX:
    _REQUIRED += ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_CONNECT_WEBHOOK_SECRET"]
for _name in _REQUIRED:
    if not env(_name):
        raise ImproperlyConfigured(f"{_name} must be set in production")

SECRET_KEY = env("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-"):
    raise ImproperlyConfigured("SECRET_KEY must be a long random value in production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
DEBUG = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    raise ImproperlyConfigured("production needs a PostgreSQL DATABASE_URL, not SQLite")
STRIPE_SANDBOX = _SANDBOX

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers and container health checks ask over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$", r"^livez/$"]
# HSTS: a year by default. Subdomains and the browsers' preload list are commitments for the
# whole domain (preload is hard to undo): opt in with SECURE_HSTS_INCLUDE_SUBDOMAINS=1 and
# SECURE_HSTS_PRELOAD=1 once every subdomain serves HTTPS.
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Leaving them off is the operator's documented choice, not an oversight: `check --deploy`
# would warn about it on every start, so those two warnings are silenced while they are off.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_RENDERER_CLASSES": ["marketplace.renderers.JSONRenderer"],
}
STRIPE_TEST_MODE = env_bool("STRIPE_TEST_MODE", _SANDBOX)
LOG_FORMAT = env("LOG_FORMAT", "json")
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_FORMAT == "json" else "text"  # noqa: F405
