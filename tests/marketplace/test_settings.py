"""Production settings refuse to start without their secrets and pass `check --deploy`."""

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
    "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
}


def run_check(env_overrides: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in GOOD}
    env.update(GOOD)
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
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
    ):
        result = run_check({name: None})
        assert result.returncode != 0, name
        assert name in result.stderr


def test_production_refuses_sqlite():
    result = run_check({"DATABASE_URL": "sqlite:///tmp/x.db"})
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr
