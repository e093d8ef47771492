"""`make prod`: the production processes without Docker.

Reads the environment (and `.env`, which the environment overrides), fills in what a local
production run needs (a generated SECRET_KEY kept in RUN_DIR, local hosts, no TLS redirect, the
local Stripe sandbox when no STRIPE_SECRET_KEY is set), migrates, collects static files, then
runs the Procfile's processes with honcho: gunicorn, the Celery worker and beat (and the
sandbox). Ctrl-C (or SIGTERM) stops them all.

    python deploy/prod.py [process ...]      # default: web worker beat (+ sandbox)
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ("web", "worker", "beat")


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments, blank lines and `export ` allowed)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def fill(env: dict[str, str], name: str, value: str) -> str:
    """Set `name` unless it has a (non-blank) value already; return its value."""
    if not env.get(name, "").strip():
        env[name] = value
    return env[name]


def production_env(base: dict[str, str]) -> dict[str, str]:
    """The environment of every process: `base` plus the local production defaults."""
    env = {**read_env_file(ROOT / ".env"), **base}
    missing = [name for name in ("DATABASE_URL", "CELERY_BROKER_URL") if not env.get(name)]
    if missing:
        sys.exit(
            f"make prod needs {' and '.join(missing)} (PostgreSQL and Redis), e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/reelmatch "
            "CELERY_BROKER_URL=redis://127.0.0.1:6379/0 make prod"
        )
    run_dir = Path(fill(env, "RUN_DIR", str(ROOT / ".run")))
    run_dir.mkdir(parents=True, exist_ok=True)
    if not env.get("SECRET_KEY"):
        key_file = run_dir / "secret-key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(64))
            key_file.chmod(0o600)
        env["SECRET_KEY"] = key_file.read_text().strip()
    port = fill(env, "PORT", "8000")
    fill(env, "DJANGO_SETTINGS_MODULE", "marketplace.settings.production")
    fill(env, "ALLOWED_HOSTS", "127.0.0.1,localhost")
    fill(env, "FRONTEND_URL", f"http://127.0.0.1:{port}")
    # Plain HTTP on this machine; behind a TLS proxy leave it at its default (on).
    fill(env, "SECURE_SSL_REDIRECT", "0")
    fill(env, "LOG_FORMAT", "json")
    # This machine only: no proxy in front, so no X-Forwarded-For is trusted.
    fill(env, "NUM_PROXIES", "0")
    fill(env, "GUNICORN_HOST", "127.0.0.1")
    # honcho gives each process its own PORT: pin what the others must know about web's.
    fill(env, "SANDBOX_WEBHOOK_BASE", f"http://127.0.0.1:{port}")
    if not env.get("STRIPE_SECRET_KEY", "").strip():
        env["STRIPE_SANDBOX"] = "1"
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def honcho_kill_wait(env: dict[str, str]) -> int:
    """Seconds honcho waits for the processes to stop before it kills them (honcho's own is a
    fixed 5 s): gunicorn's graceful stop (GRACEFUL_STOP_SECONDS) and then some."""
    return int(env.get("GRACEFUL_STOP_SECONDS", "").strip() or "25") + 5


def main(argv: list[str]) -> int:
    env = production_env(dict(os.environ))
    processes = argv or [*PROCESSES, *(["sandbox"] if env.get("STRIPE_SANDBOX") else [])]
    # Migrations log JSON lines like every process (role "migrate").
    subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "start.py"), "migrate"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**env, "PROCESS_ROLE": "migrate"},
        check=True,
    )
    if shutil.which("honcho", path=env["PATH"]) is None:
        sys.exit("honcho is not installed: make install")
    print(
        f"make prod: {', '.join(processes)} on http://127.0.0.1:{env['PORT']}/ "
        f"({env['DJANGO_SETTINGS_MODULE']}"
        + (", Stripe sandbox" if env.get("STRIPE_SANDBOX") else "")
        + ")",
        flush=True,
    )
    # honcho reads no .env of its own: the environment above already has it, with the
    # process environment taking precedence. No prefix: every line is JSON with its role.
    command = [
        sys.executable, str(ROOT / "deploy" / "honcho_run.py"), str(honcho_kill_wait(env)),
        "--env", os.devnull, "--no-colour", "--no-prefix", "start", *processes,
    ]  # fmt: skip
    child = subprocess.Popen(command, cwd=ROOT, env=env)

    def forward(signum: int, frame: object) -> None:
        child.send_signal(signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
