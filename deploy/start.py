"""Start one Reelmatch process by its role, every setting from the environment:

    python deploy/start.py web        # gunicorn (deploy/gunicorn.conf.py: PORT, WEB_CONCURRENCY…)
    python deploy/start.py worker     # Celery worker: CELERY_CONCURRENCY, CELERY_POOL, LOG_LEVEL
    python deploy/start.py beat       # Celery beat (its heartbeat scheduler)
    python deploy/start.py migrate    # migrations, their output as JSON log lines
    python deploy/start.py sandbox    # the local Stripe sandbox (make prod without a key)

The Procfile (`make prod`) and deploy/compose.yaml both start processes through this script, so
the two run the same commands. It sets PROCESS_ROLE (every log line carries it) and replaces
itself with the process (signals reach it directly). Celery's banners are off (`--quiet`): its
log lines come through our logging as JSON like everyone else's."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROLES = ("web", "worker", "beat", "migrate", "sandbox")


def env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def command(role: str) -> list[str]:
    """The command line of `role`, from the environment."""
    level = env("LOG_LEVEL", "INFO")
    if role == "web":
        return ["gunicorn", "--config", "deploy/gunicorn.conf.py", "marketplace.wsgi"]
    if role == "worker":
        return [
            "celery", "--quiet", "--app", "marketplace", "worker",
            "--loglevel", level,
            "--concurrency", env("CELERY_CONCURRENCY", "4"),
            "--pool", env("CELERY_POOL", "prefork"),
        ]  # fmt: skip
    if role == "beat":
        return ["celery", "--quiet", "--app", "marketplace", "beat", "--loglevel", level]
    if role == "sandbox":
        return [sys.executable, str(ROOT / "manage.py"), "stripe_sandbox"]
    raise ValueError(role)


class _LogLines:
    """A file-like stdout for a management command: each line becomes a log record."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self.buffer = ""

    def write(self, text: str) -> int:
        self.buffer += text
        *lines, self.buffer = self.buffer.split("\n")
        for line in lines:
            if line.strip():
                self.logger.info(line.strip())
        return len(text)

    def flush(self) -> None:
        if self.buffer.strip():
            self.logger.info(self.buffer.strip())
        self.buffer = ""


def migrate() -> int:
    """`manage.py migrate --noinput`, each line of its output a JSON log line (role migrate)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.production")
    import django
    from django.core.management import call_command

    django.setup()
    out = _LogLines(logging.getLogger("migrate"))
    call_command("migrate", interactive=False, stdout=out, stderr=out)
    out.flush()
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in ROLES:
        print(f"usage: start.py {{{'|'.join(ROLES)}}}", file=sys.stderr)
        return 2
    role = argv[0]
    os.environ["PROCESS_ROLE"] = role
    if role == "migrate":
        return migrate()
    args = command(role)
    os.chdir(ROOT)
    os.execvp(args[0], args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
