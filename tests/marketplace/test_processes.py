"""How the processes start and stop: every setting from the environment (deploy/start.py), web
on 127.0.0.1 with one control socket per run directory, stop times that agree between gunicorn,
`make prod` (honcho) and compose, HSTS from the environment, and one JSON log format (ISO 8601
UTC time, request id, role) for every process, migrate's output included."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import yaml

from tests import resources
from tests.marketplace.test_settings import settings_value

ROOT = Path(__file__).resolve().parents[2]


def load(path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(Path(path).stem.replace(".", "_"), ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_worker_takes_its_concurrency_pool_and_level_from_the_environment(monkeypatch):
    start = load("deploy/start.py")
    monkeypatch.setenv("CELERY_CONCURRENCY", "7")
    monkeypatch.setenv("CELERY_POOL", "threads")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    worker = start.command("worker")
    assert worker[worker.index("--concurrency") + 1] == "7"
    assert worker[worker.index("--pool") + 1] == "threads"
    assert worker[worker.index("--loglevel") + 1] == "WARNING"
    assert "--quiet" in worker  # no plain-text banner: Celery logs through our JSON logging
    assert "--quiet" in start.command("beat")


def test_gunicorn_listens_locally_trusts_only_localhost_and_has_its_own_control_socket(
    monkeypatch, tmp_path
):
    for name in ("GUNICORN_HOST", "FORWARDED_ALLOW_IPS", "GRACEFUL_STOP_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RUN_DIR", str(tmp_path))
    monkeypatch.setenv("PORT", "18450")
    conf = load("deploy/gunicorn.conf.py")
    assert conf.bind == "127.0.0.1:18450"
    assert conf.forwarded_allow_ips == "127.0.0.1"
    assert conf.control_socket == str(tmp_path / "gunicorn.ctl")


def test_stop_times_agree_between_gunicorn_honcho_and_compose(monkeypatch, tmp_path):
    monkeypatch.setenv("RUN_DIR", str(tmp_path))
    monkeypatch.setenv("GRACEFUL_STOP_SECONDS", "25")
    conf = load("deploy/gunicorn.conf.py")
    prod = load("deploy/prod.py")
    assert conf.graceful_timeout == 25
    assert prod.honcho_kill_wait(dict(os.environ)) > conf.graceful_timeout
    web = yaml.safe_load((ROOT / "deploy/compose.yaml").read_text())["services"]["web"]
    assert int(web["stop_grace_period"].removesuffix("s")) > conf.graceful_timeout
    assert "--no-prefix" in (ROOT / "deploy/prod.py").read_text()


def test_hsts_comes_from_the_environment():
    assert settings_value({}, "settings.SECURE_HSTS_PRELOAD") == "False"
    assert settings_value({}, "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS") == "False"
    given = {"SECURE_HSTS_PRELOAD": "1", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1"}
    value = "settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS"
    assert settings_value(given, value) == "(True, True)"


def test_migrate_logs_json_lines_with_time_role_and_request_id(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        LOG_FORMAT="json",
    )
    done = subprocess.run(
        [sys.executable, "deploy/start.py", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is JSON, nothing plain
    applied = [r for r in records if r["logger"] == "migrate" and "Applying" in r["message"]]
    assert applied
    for record in records:
        assert record["role"] == "migrate"
        assert record["time"].endswith("Z") and record["time"][10] == "T"
        assert "request_id" in record and "level" in record


def test_test_ports_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TEST_PORTS", "18450-18459")
    assert resources.port_range() == range(18450, 18460)
    assert 18450 <= resources.free_port() <= 18459
    monkeypatch.delenv("TEST_PORTS")
    assert resources.port_range() == range(18200, 18300)


def test_smoke_takes_its_ports_and_run_directory_from_the_environment_and_cleans_up():
    text = (ROOT / "deploy/smoke.py").read_text()
    for name in ("SMOKE_PORT", "SMOKE_SANDBOX_PORT", "SMOKE_TMPDIR", "SMOKE_KEEP"):
        assert f'"{name}"' in text
    assert "shutil.rmtree(run_dir" in text
