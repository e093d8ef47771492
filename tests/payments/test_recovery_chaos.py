"""Approval → paid, measured in production mode under Stripe faults and worker kills.

Runs deploy/smoke.py's chaos mode: gunicorn, Celery on Redis, beat and the Stripe sandbox as
`make prod` starts them, several journeys at once while 20% of Stripe's money calls fail and
the worker is SIGKILLed every few seconds. Nothing may be lost or paid twice (one transfer per
contract in Stripe, reconcile clean), and payouts must come back in seconds, not the minutes
the 300 s beat sweep used to take. Needs PostgreSQL and Redis (SMOKE_BROKER_URL, default
redis://127.0.0.1:6379/15)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import redis
from django.db import connection

from tests import resources

ROOT = Path(__file__).resolve().parents[2]
BROKER = resources.SMOKE_BROKER_URL  # flushed: tests/resources.py


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.skipif(
    not os.environ.get("CHAOS"),
    reason="a timing run (worker kills, 20% Stripe faults) that flakes on a loaded machine; "
    "run it by hand: CHAOS=1 DATABASE_URL=postgres://… pytest <this file>",
)
def test_payouts_recover_in_seconds_under_faults_and_worker_kills(tmp_path):
    try:
        redis.Redis.from_url(BROKER, socket_timeout=2).flushdb()
    except redis.RedisError:
        pytest.skip(f"no Redis at {BROKER}")
    params = connection.settings_dict
    name = f"{params['NAME']}_chaos"
    admin = psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    user = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/{name}",
        "CELERY_BROKER_URL": BROKER,
    }
    report = tmp_path / "report.json"
    try:
        result = subprocess.run(
            [
                sys.executable,
                "deploy/smoke.py",
                "--journeys",
                "10",
                "--fault-rate",
                "0.2",
                "--kill-every",
                # Short enough that the worker dies while payouts are in flight, however fast
                # the machine walks the journeys.
                "2-4",
                "--visibility-timeout",
                "20",
                "--paid-timeout",
                "240",
                "--report",
                str(report),
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    measured = json.loads(report.read_text())
    print(result.stdout)
    assert measured["journeys"] == 10
    assert measured["kills"] >= 1
    # Before: p90 236 s, up to 330 s (only the 300 s beat sweep recovered). Now a retry with
    # backoff or a redelivery after the visibility timeout brings each payout back.
    assert measured["p90"] < 90, measured
