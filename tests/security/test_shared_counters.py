"""Throttles and the admin lockout count across processes: gunicorn with two workers, over HTTP.

Each test starts a real gunicorn (two sync workers) on a migrated SQLite file, once with the
database cache (the default when no Redis is configured) and once with Redis (when one
answers at `TEST_REDIS_URL`). A gunicorn hook logs which worker served each request; the test
keeps one worker busy with an unfinished request while it sends the first half of its
requests, then the other, so both processes answer and the counts must still be exact;
every request carries a different `X-Forwarded-For`, which with `NUM_PROXIES` unset must
change nothing.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from tests import resources

ROOT = Path(__file__).resolve().parents[2]
AUTH_LIMIT = 5
ADMIN_LIMIT = 3
STAFF_EMAIL = "staff@example.com"
STAFF_PASSWORD = "Right-horse-battery-42"
# TEST_REDIS_URL and TEST_PORTS: tests/resources.py (keys under a unique prefix, never flushed).
TEST_REDIS_URL = resources.TEST_REDIS_URL
HOOKS = """
def post_request(worker, req, environ, resp):
    with open({log!r}, "a") as f:
        f.write(f"{{worker.pid}} {{req.path}}\\n")
"""


def _server_env(tmp: Path, cache_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.base",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        DEBUG="0",
        THROTTLE_AUTH=f"{AUTH_LIMIT}/min",
        ADMIN_LOGIN_FAILURE_LIMIT=str(ADMIN_LIMIT),
        CACHE_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
        LOG_LEVEL="WARNING",
    )
    env.pop("NUM_PROXIES", None)
    if cache_url:
        env["CACHE_URL"] = cache_url
    return env


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file with a staff user, copied for each server."""
    tmp = tmp_path_factory.mktemp("shared-counters")
    env = _server_env(tmp, "")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    create = (
        "from marketplace.models import User; "
        f"User.objects.create_superuser(email={STAFF_EMAIL!r}, password={STAFF_PASSWORD!r})"
    )
    subprocess.run([*manage, "shell", "-c", create], env=env, cwd=ROOT, check=True)
    return tmp / "db.sqlite3"


def _free_port() -> int:
    return resources.free_port()


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means no Redis here
        return False


@pytest.fixture(params=["database", "redis"])
def server(
    request: pytest.FixtureRequest, migrated_db: Path, tmp_path: Path
) -> Iterator[tuple[str, Path]]:
    """gunicorn with two workers sharing the cache named by the parameter; yields its URL."""
    if request.param == "redis" and not _redis_up():
        pytest.skip(f"no Redis answers at {TEST_REDIS_URL}")
    shutil.copy(migrated_db, tmp_path / "db.sqlite3")
    served = tmp_path / "served.log"
    hooks = tmp_path / "hooks.py"
    hooks.write_text(HOOKS.format(log=str(served)))
    env = _server_env(tmp_path, TEST_REDIS_URL if request.param == "redis" else "")
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "marketplace.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--config",
            str(hooks),
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
        served.write_text("")  # count only the test's requests
        yield url, served
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


class _Holder:
    """An unfinished `GET /healthz/` that keeps the sync worker that accepted it busy."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)))
        self.sock.sendall(b"GET /healthz/ HTTP/1.1\r\nHost: test\r\n")
        time.sleep(0.5)  # let a worker accept it and block reading the rest

    def release(self) -> None:
        self.sock.sendall(b"Connection: close\r\n\r\n")
        self.sock.settimeout(10)
        while self.sock.recv(65536):
            pass
        self.sock.close()


def across_workers(url: str, calls: list) -> list:  # type: ignore[type-arg]
    """Run the first half of `calls` while one worker is held, the second half on the other."""
    half = len(calls) // 2
    first = _Holder(url)
    results = [call() for call in calls[:half]]
    second = _Holder(url)  # the worker that served the first half is the only one free
    first.release()
    results += [call() for call in calls[half:]]
    second.release()
    return results


def _workers(served: Path, path: str) -> set[str]:
    return {line.split()[0] for line in served.read_text().splitlines() if line.endswith(path)}


def _fresh_post(url: str, n: int, **kwargs) -> requests.Response:  # type: ignore[no-untyped-def]
    """One request on a new connection, so either worker may accept it."""
    headers = {"X-Forwarded-For": f"203.0.113.{n % 250}", "Connection": "close"}
    return requests.post(url, headers=headers, timeout=10, **kwargs)


def test_auth_throttle_counts_across_workers_and_ignores_forwarded_for(server):
    url, served = server
    refresh = f"{url}/api/v1/auth/token/refresh/"
    calls = [
        lambda n=n: _fresh_post(refresh, n, json={"refresh": "nope"}).status_code
        for n in range(4 * AUTH_LIMIT)
    ]
    statuses = across_workers(url, calls)
    assert statuses[:AUTH_LIMIT] == [401] * AUTH_LIMIT
    assert statuses[AUTH_LIMIT:] == [429] * (3 * AUTH_LIMIT)
    assert len(_workers(served, "/api/v1/auth/token/refresh/")) == 2


def test_admin_login_locks_out_across_workers(server):
    url, served = server
    login = f"{url}/admin/login/?next=/admin/"

    def attempt(n: int, password: str) -> requests.Response:
        session = requests.Session()
        page = session.get(login, headers={"Connection": "close"}, timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[:500]
        return session.post(
            login,
            data={
                "username": STAFF_EMAIL,
                "password": password,
                "csrfmiddlewaretoken": token.group(1),
            },
            headers={"X-Forwarded-For": f"198.51.100.{n}", "Connection": "close"},
            allow_redirects=False,
            timeout=10,
        )

    calls = [lambda n=n: attempt(n, "wrong-password").status_code for n in range(ADMIN_LIMIT + 3)]
    wrong = across_workers(url, calls)
    # Django answers a failed login with the form again (200); axes refuses from the limit on.
    assert wrong[: ADMIN_LIMIT - 1] == [200] * (ADMIN_LIMIT - 1)
    assert wrong[ADMIN_LIMIT - 1 :] == [429] * 4
    right = attempt(99, STAFF_PASSWORD)
    assert right.status_code == 429, "the right password must not get in while locked out"
    assert len(_workers(served, "/admin/login/")) == 2
