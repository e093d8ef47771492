"""Settings shared by every environment; everything configurable comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get(
    "SECRET_KEY", "dev-only-key-not-for-production-0123456789-abcdefghijklmnop"
)
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "marketplace",
    "creators",
    "campaigns",
    "payments",
    "accounts",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
ASGI_APPLICATION = "marketplace.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file in the project when it is unset.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL)
    if DATABASE_URL
    else {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        # One writer at a time: take the write lock when a transaction starts (no failed
        # upgrades under concurrent requests) and let readers run beside it (WAL).
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_POOL", True
):
    # psycopg 3's connection pool; Django requires persistent connections off with it.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
        "max_size": int(os.environ.get("DATABASE_POOL_MAX", "10")),
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "marketplace.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")

# Cache: Redis when CACHE_URL (or REDIS_URL) is set, shared by every process; otherwise memory
# per process (fine for one process; several processes then invalidate only their own pages).
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Public lists (marketplace/pagination.py, marketplace/listcache.py): counts stop at the cap;
# anonymous pages are cached this many seconds (0: off) and invalidated by the services. Off
# by default without a shared cache: one process could not tell the others of a change.
LIST_COUNT_CAP = int(os.environ.get("LIST_COUNT_CAP", "1000"))
LIST_CACHE_SECONDS = int(os.environ.get("LIST_CACHE_SECONDS", "30" if CACHE_URL else "0"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "marketplace.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "marketplace.schema.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["marketplace.permissions.WriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "auth": os.environ.get("THROTTLE_AUTH", "20/min"),
        "writes": os.environ.get("THROTTLE_WRITES", "120/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=int(os.environ.get("JWT_ACCESS_MINUTES", "30"))),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=int(os.environ.get("JWT_REFRESH_DAYS", "7"))),
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Reelmatch API",
    "DESCRIPTION": "Marketplace where brands meet creators of AI-generated video.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ReviewStatusEnum": "creators.models.Moderation"},
    # drf-spectacular's enum hook, then the shared error responses (marketplace/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "marketplace.schema.add_error_responses",
    ],
}

# Celery: with no broker configured, tasks run in process (eagerly).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "close-expired-briefs": {"task": "campaigns.tasks.close_expired_briefs", "schedule": 60.0},
    "auto-approve-deliveries": {
        "task": "payments.tasks.auto_approve_deliveries",
        "schedule": 300.0,
    },
    "retry-stripe-events": {"task": "payments.tasks.retry_stripe_events", "schedule": 120.0},
    "release-waiting-payouts": {
        "task": "payments.tasks.release_waiting_payouts",
        "schedule": 300.0,
    },
}

# Stripe: with no secret key, `make run` starts the local sandbox (payments/sandbox).
# With no STRIPE_SECRET_KEY the embedded default is the local sandbox: `manage.py serve`
# (make run) starts it at STRIPE_API_BASE, and every command talks to it there.
STRIPE_SANDBOX = not os.environ.get("STRIPE_SECRET_KEY")
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY") or "sk_test_sandbox"
STRIPE_API_BASE = os.environ.get(
    "STRIPE_API_BASE", "http://127.0.0.1:12111" if STRIPE_SANDBOX else ""
)
STRIPE_WEBHOOK_SECRET = os.environ.get(
    "STRIPE_WEBHOOK_SECRET", "whsec_sandbox_platform" if STRIPE_SANDBOX else ""
)
STRIPE_CONNECT_WEBHOOK_SECRET = os.environ.get(
    "STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_sandbox_connect" if STRIPE_SANDBOX else ""
)
STRIPE_MAX_NETWORK_RETRIES = int(os.environ.get("STRIPE_MAX_NETWORK_RETRIES", "2"))
STRIPE_TEST_MODE = env_bool("STRIPE_TEST_MODE", True)
STRIPE_WEBHOOK_TOLERANCE = 300
FRONTEND_URL = os.environ.get("FRONTEND_URL", "http://127.0.0.1:8000")

# Marketplace rules.
CURRENCIES = env_list("CURRENCIES", "USD,EUR,GBP,JPY,CNY")
PLATFORM_FEE_BPS = {"standard": 1500, "partner": 1000, "elite": 800}
MAX_REVISIONS = int(os.environ.get("MAX_REVISIONS", "2"))
AUTO_APPROVE_AFTER = timedelta(days=int(os.environ.get("AUTO_APPROVE_DAYS", "7")))
# Static FX table: units of USD per one unit of the currency (major units), for matching only.
FX_TO_USD = {"USD": "1", "EUR": "1.08", "GBP": "1.27", "JPY": "0.0067", "CNY": "0.14"}
MATCH_WEIGHTS = {
    "style": 0.30,
    "tools": 0.15,
    "budget": 0.15,
    "quality": 0.15,
    "reliability": 0.10,
    "language": 0.10,
    "recency": 0.05,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The SDK logs every request at INFO; our gateway logs what matters.
    "loggers": {"stripe": {"level": "WARNING"}},
}

# Matching and generation cost (issue 5).
# Decimal places of each currency's minor unit (ISO 4217); JPY amounts are whole yen.
CURRENCY_EXPONENTS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "CNY": 2}
# Recency factor: 1 when last active within the first window (days), 0.5 within the second.
MATCH_RECENCY_DAYS = (30, 90)
# What generating one second of video costs with a model: a price in major units of `currency`,
# as a decimal string (never a float). Sources: Kling 2.1 at ¥0.7/s; the Kling API at about
# $0.084/s (standard) and $0.112/s (pro).
GENERATION_COST_PER_SECOND = {
    "kling-2.1": {"currency": "CNY", "per_second": "0.7"},
    "kling-2.1-std": {"currency": "USD", "per_second": "0.084"},
    "kling-2.1-pro": {"currency": "USD", "per_second": "0.112"},
}
# How many generations it takes on average to get one usable take.
EXPECTED_REROLLS = int(os.environ.get("EXPECTED_REROLLS", "4"))
