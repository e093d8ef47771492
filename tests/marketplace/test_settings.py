"""Production settings refuse to start without their secrets and pass `check --deploy`."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "SECRET_KEY": "q8Zr-2Lw!Kp7v$Tn0Xe4Yb6Jm1Hd9Gs3Fa5Uc8Ri2Oz7Nl4Wy6Qt0Pk3Mj5Vh1Bg9",
    "ALLOWED_HOSTS": "api.reelmatch.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/reelmatch_check",
    "STRIPE_SECRET_KEY": "sk_test_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "STRIPE_CONNECT_WEBHOOK_SECRET": "whsec_y",
    "FRONTEND_URL": "https://reelmatch.example",
    "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
}


CHECK = ("check", "--deploy", "--fail-level", "WARNING")


def run_check(
    env_overrides: dict[str, str | None], command: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in GOOD and k != "STRIPE_SANDBOX"}
    env.update(GOOD)
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *(command or CHECK)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_with_required_variables():
    result = run_check({})
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_each_required_variable():
    for name in (
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "STRIPE_CONNECT_WEBHOOK_SECRET",
        "FRONTEND_URL",
    ):
        result = run_check({name: None})
        assert result.returncode != 0, name
        assert name in result.stderr


def test_production_refuses_sqlite():
    result = run_check({"DATABASE_URL": "sqlite:///tmp/x.db"})
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def settings_value(env: dict[str, str | None], expression: str) -> str:
    """Print one expression over django.conf.settings under `env` (production by default)."""
    code = f"from django.conf import settings; print(repr(({expression})))"
    result = run_check(env, ("shell", "--no-imports", "-c", code))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_runs_on_the_sandbox_only_when_told():
    # `make prod` without a Stripe key: STRIPE_SANDBOX=1 lets the processes use the sandbox.
    env = {
        "STRIPE_SECRET_KEY": None,
        "STRIPE_WEBHOOK_SECRET": None,
        "STRIPE_CONNECT_WEBHOOK_SECRET": None,
        "STRIPE_SANDBOX": "1",
        "SANDBOX_PORT": "12345",
    }
    value = settings_value(env, "settings.STRIPE_API_BASE, settings.STRIPE_TEST_MODE")
    assert value == "('http://127.0.0.1:12345', True)"


def test_one_source_for_where_the_sandbox_is():
    # serve, reconcile, the worker and beat all read STRIPE_API_BASE from SANDBOX_HOST/PORT.
    env = {
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
        "STRIPE_SECRET_KEY": None,
        "SANDBOX_PORT": "12999",
        "PORT": "8123",
        "FRONTEND_URL": None,
    }
    value = settings_value(
        env, "settings.STRIPE_API_BASE, settings.SANDBOX_WEBHOOK_BASE, settings.FRONTEND_URL"
    )
    assert value == "('http://127.0.0.1:12999', 'http://127.0.0.1:8123', 'http://127.0.0.1:8123')"


def test_run_time_files_stay_out_of_the_checkout():
    env = {"DJANGO_SETTINGS_MODULE": "marketplace.settings.base", "RUN_DIR": "/tmp/rm-run"}
    value = settings_value(env, "settings.CELERY_BEAT_SCHEDULE_FILENAME, settings.SANDBOX_STATE")
    assert value == "('/tmp/rm-run/celerybeat-schedule', '/tmp/rm-run/stripe-sandbox.sqlite3')"


def test_production_logs_are_json_lines_with_a_request_id():
    code = (
        "import logging; logging.getLogger('payments.gateway').warning('hello', "
        "extra={'request_id': 'abc'})"
    )
    result = run_check({}, ("shell", "--no-imports", "-c", code))
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["message"], line["level"], line["request_id"]) == ("hello", "WARNING", "abc")
    assert line["logger"] == "payments.gateway" and "time" in line


def test_sentry_is_initialised_when_a_dsn_is_set():
    dsn = "https://public@sentry.example/1"
    code = "import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    shell = ("shell", "--no-imports", "-c", code)
    assert run_check({"SENTRY_DSN": dsn}, shell).stdout.strip() == "True"
    assert run_check({}, shell).stdout.strip() == "False"


def test_health_checks_over_plain_http_are_not_redirected():
    value = settings_value({}, "settings.SECURE_SSL_REDIRECT, settings.SECURE_REDIRECT_EXEMPT")
    assert value == "(True, ['^healthz/$', '^readyz/$', '^livez/$'])"
