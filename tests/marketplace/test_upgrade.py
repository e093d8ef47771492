"""Expand/contract: this release's migrations keep the previous release's code working.

The previous release (its commit in `deploy/previous-release`) is exported from git; a fresh
PostgreSQL database is migrated with THIS release's migrations; then the previous release's own
smoke journey runs on it (its gunicorn, Celery worker and beat, its Stripe sandbox: register,
brief, bid, accept, onboard, fund, deliver, approve, paid, reconcile). Afterwards this release's
`backfill_milestones` attaches what the old code wrote, and this release's reconcile is clean.
Needs PostgreSQL, Redis (SMOKE_BROKER_URL, flushed) and the repository's history."""

import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
import redis

from tests import resources

ROOT = Path(__file__).resolve().parents[2]


def previous_releases() -> list[str]:
    """The commits in deploy/previous-release (one per line, `#` comments): the release this
    one replaces, and older ones still worth proving (the release before milestones)."""
    lines = (ROOT / "deploy" / "previous-release").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def export(commit: str, target: Path) -> None:
    """The tree of `commit` into `target` (git archive: no worktree bookkeeping to clean)."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True
    )
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("commit", previous_releases())
def test_previous_release_journey_passes_on_this_release_schema(commit):
    known = subprocess.run(
        ["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=ROOT, capture_output=True
    )
    if known.returncode != 0:
        message = f"the previous release {commit} is not in this clone's history"
        if os.environ.get("UPGRADE_TEST_REQUIRED"):
            pytest.fail(message + " (UPGRADE_TEST_REQUIRED is set: clone with full history)")
        pytest.skip(message)
    try:
        redis.Redis.from_url(resources.SMOKE_BROKER_URL, socket_timeout=2).flushdb()
    except redis.RedisError:
        pytest.skip(f"no Redis at {resources.SMOKE_BROKER_URL}")
    with (
        tempfile.TemporaryDirectory(prefix="reelmatch-upgrade-") as tmp,
        resources.scratch_database("prev") as database_url,
    ):
        old = Path(tmp) / "previous"
        export(commit, old)
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_SETTINGS_MODULE", "CACHE_URL", "REDIS_URL", "NUM_PROXIES"}
        }
        env.update(
            DATABASE_URL=database_url,
            CELERY_BROKER_URL=resources.SMOKE_BROKER_URL,
            TMPDIR=tmp,  # the old smoke's run directory (with its secret key) goes here
            LOG_LEVEL="WARNING",
        )

        def manage(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )

        migrated = manage("migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        journey = subprocess.run(
            [sys.executable, "deploy/smoke.py"],
            cwd=old,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert journey.returncode == 0, journey.stdout[-8000:] + journey.stderr[-3000:]
        assert "1 journey(s) paid" in journey.stdout
        assert "reconcile: clean" in journey.stdout

        backfilled = manage("backfill_milestones")
        assert backfilled.returncode == 0, backfilled.stderr[-3000:]
        with psycopg.connect(database_url) as db:
            (orphans,) = db.execute(
                "SELECT (SELECT count(*) FROM campaigns_contract c WHERE NOT EXISTS"
                " (SELECT 1 FROM campaigns_milestone m WHERE m.contract_id = c.id))"
                " + (SELECT count(*) FROM campaigns_delivery WHERE milestone_id IS NULL)"
                " + (SELECT count(*) FROM payments_transfer WHERE milestone_id IS NULL)"
            ).fetchone()
            (paid,) = db.execute(
                "SELECT count(*) FROM campaigns_milestone WHERE status = 'paid'"
            ).fetchone()
        assert (orphans, paid) == (0, 1)
        again = manage("backfill_milestones")
        assert "0 contracts, 0 deliveries, 0 disputes" in again.stdout
        reconciled = manage("reconcile", "--skip-stripe")
        assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr[-3000:]
        assert "reconcile: clean" in reconciled.stdout
