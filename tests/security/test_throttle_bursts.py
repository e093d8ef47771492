"""A burst of simultaneous logins cannot pass the throttle's limit: 60 at once at a limit of
20 let at most 21 through (the counter is atomic: `marketplace.counters`), on Redis and on the
database cache, against gunicorn with two workers of 16 threads each, over HTTP."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from tests.security.test_shared_counters import ROOT, _server_env, migrated_db  # noqa: F401

LIMIT = 20
BURST = 60
REDIS_URL = os.environ.get("TEST_THROTTLE_REDIS_URL", "redis://127.0.0.1:6379/4")


def _port() -> int:
    for port in range(18460, 18470):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18460-18469")


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means no Redis here
        return False


@pytest.fixture(params=["database", "redis"])
def threaded_server(
    request: pytest.FixtureRequest,
    migrated_db: Path,  # noqa: F811
    tmp_path: Path,
) -> Iterator[str]:
    if request.param == "redis" and not _redis_up():
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    import shutil

    shutil.copy(migrated_db, tmp_path / "db.sqlite3")
    env = _server_env(tmp_path, REDIS_URL if request.param == "redis" else "")
    env["THROTTLE_AUTH"] = f"{LIMIT}/min"
    env["CACHE_KEY_PREFIX"] = f"burst-{uuid.uuid4().hex}"
    port = _port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "marketplace.wsgi",
            "--workers",
            "2",
            "--threads",
            "16",
            "--worker-class",
            "gthread",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{url}/healthz/", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.1)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def test_a_burst_of_60_logins_at_a_limit_of_20_lets_at_most_21_through(threaded_server):
    url = f"{threaded_server}/api/v1/auth/token/"
    start = threading.Barrier(BURST)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        body = {"email": f"guess{n}@example.com", "password": "wrong-password"}
        start.wait()
        status = requests.post(url, json=body, headers={"Connection": "close"}, timeout=30)
        with lock:
            statuses.append(status.status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    passed = [s for s in statuses if s != 429]
    assert len(statuses) == BURST
    assert set(passed) <= {401}, statuses  # no 5xx: every one either tried or was throttled
    assert len(passed) <= LIMIT + 1, f"{len(passed)} of {BURST} got through"
    assert len(passed) >= LIMIT // 2  # the throttle still lets the allowed ones in
    print(f"burst: {len(passed)} of {BURST} through at a limit of {LIMIT}")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_counter_loses_no_hit_under_threads(settings):
    """PostgreSQL: 40 threads adding at once to one database counter leave it at exactly 40
    and each saw a different value."""
    from django.db import connection

    from marketplace.counters import counter_add

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "reelmatch_cache",
        }
    }
    start = threading.Barrier(40)
    seen: list[int] = []

    def hit() -> None:
        start.wait()
        try:
            seen.append(counter_add("burst-test", 1, ttl_s=60))
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 41))
