"""Test settings: fast hashing, in-process tasks, no pool (threads open their own connections)."""

import os

os.environ.setdefault("DATABASE_POOL", "0")

from .base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
DEBUG = False
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"auth": "10000/min", "writes": "10000/min"},
}
STRIPE_SANDBOX = True
STRIPE_SECRET_KEY = "sk_test_sandbox"
STRIPE_API_BASE = "http://127.0.0.1:9"  # tests that talk to Stripe start the sandbox
STRIPE_WEBHOOK_SECRET = "whsec_test_platform"
STRIPE_CONNECT_WEBHOOK_SECRET = "whsec_test_connect"
STRIPE_TEST_MODE = True
# Each test process keeps its own cache unless CACHE_URL/REDIS_URL names a shared one (the
# multi-process tests start their servers with the production choice: Redis or the database).
if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests change rows with factories, behind the services' backs: pages are not cached unless a
# test turns it on (tests/marketplace/test_list_cache.py).
LIST_CACHE_SECONDS = 0

# The migration linter (a development dependency): `manage.py lintmigrations`, run by CI on
# PostgreSQL; its options and historical exceptions: pyproject.toml, [tool.django_migration_linter].
INSTALLED_APPS = [*INSTALLED_APPS, "django_migration_linter"]  # noqa: F405
# The replica alias mirrors the primary (Django's TEST MIRROR), so the router can be tested;
# it routes nothing unless a test sets READ_REPLICA = "replica" (tests/marketplace/test_replica.py).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
