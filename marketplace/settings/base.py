"""Settings shared by every environment; everything configurable comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from .environment import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent


SECRET_KEY = env("SECRET_KEY", "dev-only-key-not-for-production-0123456789-abcdefghijklmnop")
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
    "axes",
    "marketplace",
    "creators",
    "campaigns",
    "payments",
    "accounts",
    "demo",
]

MIDDLEWARE = [
    "marketplace.request_id.RequestIdMiddleware",
    # Before anything reads the body: over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, unread.
    "marketplace.middleware.BodySizeLimitMiddleware",
    "marketplace.middleware.ApiNotFoundMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Anonymous GETs of a public list: a still-valid conditional one is a 304, a plain one of a
    # page already answered in full comes from its kept SQL, before sessions, auth and DRF.
    "marketplace.middleware.PublicListMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A POST retried with the same Idempotency-Key replays the first answer.
    "marketplace.idempotency.IdempotencyMiddleware",
    # With a read replica: public lists and matching read from it (read-your-writes kept).
    "marketplace.dbrouter.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes must come last: it turns a locked-out admin login into a 429.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed admin logins and refuses a locked-out address or account (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
DATABASE_URL = env("DATABASE_URL", "")
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
        "min_size": int(env("DATABASE_POOL_MIN", "2")),
        "max_size": int(env("DATABASE_POOL_MAX", "10")),
        "timeout": 10,
    }
    # Django turns psycopg's prepared statements off (for PgBouncer); the ORM binds on the
    # client and never prepares anyway. Only the kept page SQL of the public lists binds on
    # the server (marketplace/pagesql.py): a connection prepares it once it has run it this
    # often, and PostgreSQL stops planning it on every request.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
# A read replica (DATABASE_REPLICA_URL, same options as the primary): the public lists and
# matching read from it, and a user who has just written reads the primary for
# READ_YOUR_WRITES_SECONDS (marketplace/dbrouter.py). Tests mirror it onto the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", "")
READ_REPLICA = "replica" if DATABASE_REPLICA_URL else ""
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["marketplace.dbrouter.ReplicaRouter"]
READ_YOUR_WRITES_SECONDS = int(env("READ_YOUR_WRITES_SECONDS", "10"))
REPLICA_READ_VIEWS = [
    "creator-list",
    "reel-list",
    "brief-list",
    "brief-matches",
    "creator-recommended-briefs",
]

# Cache: throttle counters and the admin lockout live here, so every web process must share it.
# REDIS_URL (or CACHE_URL, redis:// or rediss://) selects Redis; otherwise the database's
# cache table (created by the marketplace migrations, or `manage.py createcachetable`).
CACHE_URL = env("CACHE_URL") or env("REDIS_URL")
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", "reelmatch")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        # An unreachable Redis fails fast (a health check, a throttled request), never hangs.
        "OPTIONS": {"socket_connect_timeout": 2},
    }
    if CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "reelmatch_cache",
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "OPTIONS": {"MAX_ENTRIES": 50000},
    }
}

# Client addresses. NUM_PROXIES is how many proxies we run in front of the app (a load balancer
# is 1): the address is taken that many hops from the right of X-Forwarded-For. 0 (the default)
# ignores the header and uses the socket's address: a client can write any X-Forwarded-For.
NUM_PROXIES = int(env("NUM_PROXIES", "0"))

# The admin login lockout (django-axes): failures counted per address and per account in the
# shared cache; either one over the limit is refused with a 429 until the cool-off ends.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = "marketplace.admin_lockout.AdminLoginHandler"
AXES_CACHE = "default"
AXES_FAILURE_LIMIT = int(env("ADMIN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("ADMIN_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "marketplace.net.client_ip"
AXES_USERNAME_FORM_FIELD = "username"

# Request limits (Django's own settings), answered as JSON 413/400 with a code.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(env("DATA_UPLOAD_MAX_NUMBER_FIELDS", "1000"))
# JSON bodies nested deeper than this are refused (400 `json_too_deep`) before parsing recurses.
JSON_MAX_DEPTH = int(env("JSON_MAX_DEPTH", "32"))
# `search=`: at most this many terms and characters (400 `search_too_long`).
SEARCH_MAX_TERMS = int(env("SEARCH_MAX_TERMS", "8"))
SEARCH_MAX_LENGTH = int(env("SEARCH_MAX_LENGTH", "200"))

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

# Public lists (marketplace/pagination.py, marketplace/listcache.py): counts stop at the cap;
# anonymous pages are cached this many seconds (0: off) and invalidated by the services. On by
# default only with Redis (CACHE_URL above): the database cache would cost what it saves.
LIST_COUNT_CAP = int(env("LIST_COUNT_CAP", "1000"))
LIST_CACHE_SECONDS = int(env("LIST_CACHE_SECONDS", "30" if CACHE_URL else "0"))
# Conditional GETs are answered from the list versions: a version read from the database cache
# is trusted this long per process; a change behind the services shows within this bound.
LIST_VERSION_MEMO_SECONDS = float(env("LIST_VERSION_MEMO_SECONDS", "2"))
LIST_STALE_SECONDS = int(env("LIST_STALE_SECONDS", "60"))

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
        "marketplace.filters.BoundedSearchFilter",
        "marketplace.filters.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "marketplace.schema.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["marketplace.permissions.WriteThrottle"],
    # JSON only: the API has no file fields, and a form or multipart body is a 415 unread.
    "DEFAULT_PARSER_CLASSES": ["marketplace.parsers.BoundedJSONParser"],
    "DEFAULT_METADATA_CLASS": "marketplace.metadata.Metadata",
    "DEFAULT_RENDERER_CLASSES": [
        "marketplace.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "auth": env("THROTTLE_AUTH", "20/min"),
        "writes": env("THROTTLE_WRITES", "120/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=int(env("JWT_ACCESS_MINUTES", "30"))),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=int(env("JWT_REFRESH_DAYS", "7"))),
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
    # drf-spectacular's enum hook, the shared error responses (marketplace/schema.py), then the
    # recorded examples of the main journeys (marketplace/schema_examples.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "marketplace.schema.add_error_responses",
        "marketplace.schema.integer_path_ids",
        "marketplace.schema_examples.add_examples",
    ],
}

# Where this deployment's web process listens (make run, make prod, gunicorn in deploy/).
PORT = int(env("PORT", "8000"))
# Files the processes write at run time (the sandbox's state, beat's schedule): never the checkout.
RUN_DIR = Path(env("RUN_DIR", str(BASE_DIR / ".run")))

# Celery: with no broker configured, tasks run in process (eagerly).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task taken by a worker that dies is handed to another one after this many seconds (Redis
# keeps it unacknowledged until then; the default hour left payouts stuck). Keep it above the
# longest task and the longest retry countdown (PAYMENTS_RETRY_BACKOFF_MAX).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "60")),
}
# Our LOGGING (JSON lines in production) applies in the worker too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(RUN_DIR / "celerybeat-schedule")
)
# The periodic jobs: marketplace/settings/schedule.py (every one safe to run twice).
from .schedule import CELERY_BEAT_SCHEDULE  # noqa: E402, F401, I001

# The outbox sweep sends rows at least this many seconds old (younger ones are being sent by
# the request that wrote them).
OUTBOX_SWEEP_AGE = int(env("OUTBOX_SWEEP_AGE", "30"))
CELERY_BEAT_SCHEDULER = "marketplace.heartbeat:HeartbeatScheduler"
# Beat wakes at least this often (its heartbeat's period).
CELERY_BEAT_MAX_LOOP_INTERVAL = 30
# /readyz/ reports a background process whose heartbeat is older than this as "stale"
# (degraded); the beat container's health check fails on it.
HEARTBEAT_MAX_AGE_SECONDS = int(env("HEARTBEAT_MAX_AGE_SECONDS", "120"))
# A broker outage answers 503 (take the web process out of rotation) when on; off: only
# "degraded" (requests still commit: their tasks wait in the outbox).
HEALTH_BROKER_REQUIRED = env_bool("HEALTH_BROKER_REQUIRED", True)
# A payout or refund that meets a Stripe outage is retried by its task with exponential backoff
# (1, 2, 4 … seconds, at most PAYMENTS_RETRY_BACKOFF_MAX) up to PAYMENTS_RETRY_MAX times, with
# the same idempotency keys; the beat job above sweeps whatever is left.
PAYMENTS_RETRY_MAX = int(env("PAYMENTS_RETRY_MAX", "8"))
PAYMENTS_RETRY_BACKOFF_MAX = int(env("PAYMENTS_RETRY_BACKOFF_MAX", "30"))
# `reconcile` lists a transfer Stripe holds that the database has not recorded yet as in
# flight; it is a violation only once it is older than this.
RECONCILE_GRACE_SECONDS = int(env("RECONCILE_GRACE_SECONDS", "900"))
# The poll job asks Stripe about a payment, a payout account or a stored event still waiting
# for its webhook after this many seconds (payments opened within PAYMENTS_POLL_WINDOW).
PAYMENTS_POLL_AFTER_SECONDS = int(env("PAYMENTS_POLL_AFTER_SECONDS", "90"))
PAYMENTS_POLL_WINDOW_SECONDS = int(env("PAYMENTS_POLL_WINDOW_SECONDS", str(2 * 24 * 3600)))
# A sweep that finds money work older than this opens a staff work item (once per item).
PAYMENTS_STALE_ALERT_SECONDS = int(env("PAYMENTS_STALE_ALERT_SECONDS", "600"))

# Stripe. With no STRIPE_SECRET_KEY the local sandbox (payments/sandbox) plays Stripe: `make run`
# starts it in process, `make prod` as its own process (`manage.py stripe_sandbox`), both at
# SANDBOX_HOST:SANDBOX_PORT, and every process (web, worker, beat, reconcile) talks to it there.
STRIPE_SANDBOX = env_bool("STRIPE_SANDBOX", not env("STRIPE_SECRET_KEY"))
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", "sk_test_sandbox")
SANDBOX_HOST = env("SANDBOX_HOST", "127.0.0.1")
SANDBOX_PORT = int(env("SANDBOX_PORT", "12111"))
# The sandbox's accounts, balances and idempotency keys survive restarts in this SQLite file.
SANDBOX_STATE = env("SANDBOX_STATE", str(RUN_DIR / "stripe-sandbox.sqlite3"))
# Where the sandbox sends its webhooks: this deployment's web process.
SANDBOX_WEBHOOK_BASE = env("SANDBOX_WEBHOOK_BASE", f"http://127.0.0.1:{PORT}")
STRIPE_API_BASE = env(
    "STRIPE_API_BASE", f"http://{SANDBOX_HOST}:{SANDBOX_PORT}" if STRIPE_SANDBOX else ""
)
STRIPE_WEBHOOK_SECRET = env(
    "STRIPE_WEBHOOK_SECRET", "whsec_sandbox_platform" if STRIPE_SANDBOX else ""
)
STRIPE_CONNECT_WEBHOOK_SECRET = env(
    "STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_sandbox_connect" if STRIPE_SANDBOX else ""
)
STRIPE_MAX_NETWORK_RETRIES = int(env("STRIPE_MAX_NETWORK_RETRIES", "2"))
STRIPE_TEST_MODE = env_bool("STRIPE_TEST_MODE", True)
STRIPE_WEBHOOK_TOLERANCE = 300
# /healthz/ asks Stripe whether it answers at most once per this many seconds per process.
STRIPE_HEALTH_CACHE_SECONDS = int(env("STRIPE_HEALTH_CACHE_SECONDS", "60"))
# The public address of the site: onboarding return and refresh links point here.
FRONTEND_URL = env("FRONTEND_URL", f"http://127.0.0.1:{PORT}")
# E-mail verification: the link sent is this URL followed by the signed token (a front end
# that posts it to /api/v1/auth/verify-email/confirm/, or that endpoint itself, which also
# answers GET ?token=); it works this many hours.
EMAIL_VERIFY_URL = env(
    "EMAIL_VERIFY_URL", f"{FRONTEND_URL}/api/v1/auth/verify-email/confirm/?token="
)
EMAIL_VERIFY_MAX_AGE_HOURS = int(env("EMAIL_VERIFY_MAX_AGE_HOURS", "48"))

# Marketplace rules.
CURRENCIES = env_list("CURRENCIES", "USD,EUR,GBP,JPY,CNY")
PLATFORM_FEE_BPS = {"standard": 1500, "partner": 1000, "elite": 800}
# A brief's bid and delivery deadlines lie at most this many days ahead (400 `deadline_invalid`).
DEADLINE_HORIZON_DAYS = int(env("DEADLINE_HORIZON_DAYS", "730"))
MAX_REVISIONS = int(env("MAX_REVISIONS", "2"))
# The usage term a brief gets when it states neither term_months nor perpetual.
DEFAULT_USAGE_TERM_MONTHS = int(env("DEFAULT_USAGE_TERM_MONTHS", "12"))
AUTO_APPROVE_AFTER = timedelta(days=int(env("AUTO_APPROVE_DAYS", "7")))
# Static FX table: units of USD per one unit of the currency (major units), for matching only.
FX_TO_USD = {"USD": "1", "EUR": "1.08", "GBP": "1.27", "JPY": "0.0067", "CNY": "0.14"}
# Matching v3 factor weights; a brief's unasked factors are left out and these renormalised (a
# brief naming no style gives the style's weight to relevance). Style (diluted, deduplicated,
# saturated, hard to stuff) carries the ranking; relevance matters less where brands write in
# their own voice; format, tools and budget, which every stuffing creator can show, weigh
# little. Chosen on the tuning worlds of the benchmark family, see docs/BENCHMARKS.md.
MATCH_WEIGHTS = {
    "style": 0.50,
    "relevance": 0.15,
    "tools": 0.06,
    "format": 0.02,
    "budget": 0.08,
    "quality": 0.08,
    "reliability": 0.03,
    "language": 0.15,
    "recency": 0.01,
}
# Taken off a score times the share of the brief's deliverables in an aspect ratio the creator
# never showed ("formats"), and of its preferred models with no evidence ("models"), when the
# brief does not require them (a required constraint missed costs a whole point: below everyone
# meeting it). A deliverable format never shown costs 0.1 per share; preferred models are
# preferences (no penalty: on the tuning worlds one cost more than it helped).
MATCH_PENALTIES = {"formats": 0.1, "models": 0.0}
# Exploration: the best creator without completed contracts takes place `slot` of a list when
# everyone above has contracts and their score is within `margin` of the creator there.
MATCH_EXPLORATION = {"slot": 10, "margin": 0.1}

# Logs: JSON lines (LOG_FORMAT=json, the production default) or text, each with the request id
# that follows a request into its Celery tasks and Stripe calls (marketplace/request_id.py).
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOG_FORMAT = env("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "marketplace.request_id.RequestIdFilter"}},
    # marketplace/logs.py: ISO 8601 UTC times, the request id and the process role
    # (PROCESS_ROLE) on every line, in both formats.
    "formatters": {
        "text": {"()": "marketplace.logs.TextFormatter"},
        "json": {"()": "marketplace.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # The SDK logs every request at INFO; our gateway logs what matters.
    "loggers": {"stripe": {"level": "WARNING"}},
}

# Error tracking: Sentry when SENTRY_DSN is set (Django and Celery integrations, no PII).
SENTRY_DSN = env("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", "production")
SENTRY_TRACES_SAMPLE_RATE = float(env("SENTRY_TRACES_SAMPLE_RATE", "0"))
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        release=env("SENTRY_RELEASE") or None,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )

# Matching and generation cost.
# Decimal places of each currency's minor unit (ISO 4217); JPY amounts are whole yen.
CURRENCY_EXPONENTS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "CNY": 2}
# Recency factor: 1 when last active within the first window (days), 0.5 within the second.
MATCH_RECENCY_DAYS = (30, 90)
# How the ranking finds its candidates on PostgreSQL: "auto" probes the evidence indexes when a
# sample says that reads much less than a scan (from 20k creators), "scan" always scans, "index"
# always probes (the tests force it on small worlds). The result is the same exact top N.
MATCHING_CANDIDATES = "auto"
# What generating one second of video costs with a model: a price in major units of `currency`,
# as a decimal string (never a float). Sources: Kling 2.1 at ¥0.7/s; the Kling API at about
# $0.084/s (standard) and $0.112/s (pro).
GENERATION_COST_PER_SECOND = {
    "kling-2.1": {"currency": "CNY", "per_second": "0.7"},
    "kling-2.1-std": {"currency": "USD", "per_second": "0.084"},
    "kling-2.1-pro": {"currency": "USD", "per_second": "0.112"},
}
# How many generations it takes on average to get one usable take.
EXPECTED_REROLLS = int(env("EXPECTED_REROLLS", "4"))

# Conversations (docs/CONVERSATIONS.md): a message may be edited or deleted this long after
# it was sent.
MESSAGE_EDIT_WINDOW = timedelta(minutes=int(env("MESSAGE_EDIT_MINUTES", "10")))

# E-mail: printed to the console locally; SMTP when EMAIL_HOST is set; any backend (an
# anymail provider such as "anymail.backends.postmark.EmailBackend", with its package
# installed) through EMAIL_BACKEND, its settings from ANYMAIL_* variables.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Reelmatch <no-reply@reelmatch.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_")
}
