"""Money chaos: many journeys through milestones and rights extensions against the production
processes (`deploy/prod.py`: gunicorn and the Stripe sandbox; a Celery worker and beat run by
this harness), with Stripe faults, the worker SIGKILLed now and then, and beat killed for a
long stretch. It checks what the money path promises:

* nothing charged and left unbooked (reconcile asks Stripe about every payment not booked);
* a rights extension past the IP licence is refused before the window starts (409), and one
  charged for a milestone cancelled meanwhile is booked and refunded in full;
* payouts recover through task retries, not beat: approval → paid percentiles over the whole
  run and over approvals made while beat was dead;
* `manage.py reconcile` clean at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reelmatch_money \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/9 \\
    python bench/money_chaos.py --journeys 500 --beat-off 600 --fault-rate 0.1 --kill-every 30-60
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))

import smoke  # noqa: E402  (deploy/smoke.py: the production harness this run builds on)
from money_chaos_journey import Stats, journey  # noqa: E402
from money_chaos_stats import STATS_SQL  # noqa: E402
from smoke import (  # noqa: E402
    PASSWORD,
    STAFF,
    Api,
    Deployment,
    SmokeError,
    control,
    login,
    wait_until,
)


def log(message: str) -> None:
    print(f"chaos: {message}", flush=True)


def start_beat(env: dict[str, str], run_dir: Path, log_file: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "--app",
            "marketplace",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(run_dir / "celerybeat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def db_stats(deployment: Deployment, window: dict[str, str]) -> dict[str, Any]:
    """Approval → paid from the database's own timestamps (not when this harness looked)."""
    code = STATS_SQL.replace("WINDOW", repr(json.dumps(window)))
    done = deployment.manage("shell", "-c", code)
    if done.returncode != 0:
        raise SmokeError(f"stats query failed: {done.stderr[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def chaos_env(args: argparse.Namespace, run_dir: Path) -> dict[str, str]:
    """The deployment's environment: ours, less anything that would point it elsewhere."""
    env = dict(os.environ)
    for name in (
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "STRIPE_CONNECT_WEBHOOK_SECRET",
        "STRIPE_API_BASE",
        "SECRET_KEY",
        "FRONTEND_URL",
        "DJANGO_SETTINGS_MODULE",
    ):
        env.pop(name, None)
    env.update(
        PORT=str(args.port),
        SANDBOX_PORT=str(args.sandbox_port or args.port + 1),
        RUN_DIR=str(run_dir),
        WEB_CONCURRENCY=str(args.web_workers),
        CELERY_VISIBILITY_TIMEOUT="60",
        STRIPE_MAX_NETWORK_RETRIES="2",
        THROTTLE_AUTH="100000/min",
        THROTTLE_WRITES="100000/min",
        # A run outlives the default 30-minute access token the harness's staff logged in with.
        JWT_ACCESS_MINUTES="720",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    return env


class ChaosRun:
    """One run: the deployment, our worker and beat, the chaos thread and the journeys."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.run_dir = Path(tempfile.mkdtemp(prefix="reelmatch-chaos-"))
        self.env = chaos_env(args, self.run_dir)
        log_path = self.run_dir / "processes.log"
        log(f"starting web and sandbox on :{args.port}; logs in {log_path}")
        self.deployment = Deployment(self.env, ["web", "sandbox"], log_path)
        self.beat_log = log_path.open("ab")
        self.beat: subprocess.Popen[bytes] | None = None
        self.api = Api(f"http://127.0.0.1:{args.port}/api/v1")
        self.sandbox = f"http://127.0.0.1:{args.sandbox_port or args.port + 1}"
        self.stop = threading.Event()
        self.beat_off = threading.Event()
        self.stats = Stats()
        self.kills = 0
        self.window: dict[str, str] = {}

    def start(self) -> Api:
        """Wait for the web, make staff, start our worker and beat, arm Stripe's faults."""
        # Up and serving: the worker and beat (started below) are not beating yet.
        wait_until(
            "/readyz/",
            lambda: Api(f"http://127.0.0.1:{self.args.port}").get("/readyz/")["status"] != "error",
            timeout=120,
            every=0.5,
        )
        made = self.deployment.manage("createsuperuser", "--noinput", "--email", STAFF)
        if made.returncode != 0 and "already taken" not in made.stderr:
            raise SmokeError(f"createsuperuser failed: {made.stderr}")
        staff = login(self.api, STAFF)
        self.deployment.start_worker()
        self.beat = start_beat(self.env, self.run_dir, self.beat_log)
        if self.args.fault_rate > 0:
            for path in ("/v1/transfers", "/v1/refunds", "/v1/payment_intents"):
                control(
                    self.sandbox,
                    "POST",
                    "/_sandbox/faults",
                    {"status": 500, "rate": self.args.fault_rate, "path": path},
                )
        threading.Thread(target=self.chaos, daemon=True).start()
        return staff

    def chaos(self) -> None:
        """Kill beat once for --beat-off seconds, and the worker every --kill-every seconds."""
        args, started = self.args, time.monotonic()
        low, high = args.kill_every or (0, 0)
        next_kill = started + (random.uniform(low, high) if high else 1e12)
        off_at, off_until = args.beat_off_at, args.beat_off_at + args.beat_off
        while not self.stop.wait(1):
            elapsed = time.monotonic() - started
            if not self.beat_off.is_set() and self.beat is not None and off_at < elapsed:
                if elapsed < off_until:
                    os.killpg(self.beat.pid, signal.SIGKILL)
                    self.beat.wait()
                    self.beat_off.set()
                    self.window["off"] = datetime.now(UTC).isoformat()
                    log(f"beat SIGKILLed for {args.beat_off} s")
            if self.beat_off.is_set() and elapsed > off_until:
                self.beat_off.clear()
                self.window["on"] = datetime.now(UTC).isoformat()
                self.beat = start_beat(self.env, self.run_dir, self.beat_log)
                off_at = off_until = 1e12  # once
                log("beat restarted")
            if time.monotonic() >= next_kill:
                self.deployment.kill_worker()
                self.deployment.start_worker()
                self.kills += 1
                next_kill = time.monotonic() + random.uniform(low, high)

    def walk(self, staff: Api) -> int:
        """Walk the journeys on --threads threads; answers how many failed."""
        walked, failures = time.monotonic(), 0
        with ThreadPoolExecutor(max_workers=self.args.threads) as pool:
            futures = [
                pool.submit(journey, self.api, staff, self.sandbox, n, self.stats, self.beat_off)
                for n in range(self.args.journeys)
            ]
            for done, future in enumerate(futures, start=1):
                try:
                    future.result()
                except (SmokeError, OSError, KeyError) as exc:
                    failures += 1
                    self.stats.errors.append(str(exc)[:300])
                if done % 10 == 0:
                    log(f"{done} journeys done after {time.monotonic() - walked:.0f} s")
        log(
            f"{self.args.journeys} journeys walked in {time.monotonic() - walked:.0f} s "
            f"({failures} failed)"
        )
        return failures

    def settle(self, staff: Api) -> str | None:
        """Wait until every approved milestone is paid and no refund is pending; then, with
        Stripe's faults off and beat alive again, until reconcile is clean."""
        stats = self.stats

        def all_paid() -> bool:
            for milestone in list(stats.approved):
                if milestone in stats.paid:
                    continue
                if staff.get(f"/milestones/{milestone}/")["status"] == "paid":
                    stats.paid[milestone] = time.monotonic() - stats.approved[milestone]
            return len(stats.paid) == len(stats.approved)

        timeout = self.args.paid_timeout
        wait_until("every approved milestone paid", all_paid, timeout=timeout, every=2)
        wait_until(
            "no refund pending",
            lambda: db_stats(self.deployment, self.window)["refunds_pending"] == 0,
            timeout=timeout,
            every=5,
        )
        self.stop.set()
        control(self.sandbox, "DELETE", "/_sandbox/faults")
        return wait_until(
            "reconcile clean", lambda: smoke.reconciled(self.deployment), timeout=300, every=10
        )

    def report(self, failures: int, reconciled: str | None) -> dict[str, Any]:
        stats = self.stats
        return {
            "journeys": self.args.journeys,
            "failed_journeys": failures,
            "worker_kills": self.kills,
            "fault_rate": self.args.fault_rate,
            "beat_off_seconds": self.args.beat_off,
            "refused_before_start": stats.refused_before_start,
            "charged_after_cancel_refunded": stats.unbookable_refunds,
            "extensions_paid": stats.extensions_paid,
            "beat_window": self.window,
            **db_stats(self.deployment, self.window),
            "reconcile": reconciled,
            "errors": stats.errors[:20],
        }

    def close(self) -> None:
        self.stop.set()
        if self.beat is not None and self.beat.poll() is None:
            os.killpg(self.beat.pid, signal.SIGKILL)
            self.beat.wait()
        self.beat_log.close()
        self.deployment.stop()


def run(args: argparse.Namespace) -> int:
    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        if not os.environ.get(name):
            log(f"{name} must be set (PostgreSQL and Redis)")
            return 2
    chaos = ChaosRun(args)
    try:
        staff = chaos.start()
        failures = chaos.walk(staff)
        report = chaos.report(failures, chaos.settle(staff))
        print(json.dumps(report, indent=2), flush=True)
        if args.report:
            Path(args.report).write_text(json.dumps(report, indent=2))
        return 0 if not failures else 1
    except SmokeError as exc:
        log(f"FAILED: {exc}; errors: {chaos.stats.errors[:10]}")
        return 1
    finally:
        chaos.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=20)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--port", type=int, default=18420, help="web")
    parser.add_argument("--sandbox-port", type=int, default=0, help="default: --port + 1")
    parser.add_argument("--fault-rate", type=float, default=0.1)
    parser.add_argument(
        "--kill-every",
        type=lambda v: tuple(float(x) for x in v.split("-")),
        default=None,
        help="SIGKILL the worker every A-B seconds",
    )
    parser.add_argument("--beat-off-at", type=float, default=20, help="seconds into the run")
    parser.add_argument("--beat-off", type=float, default=600, help="seconds beat stays dead")
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--paid-timeout", type=float, default=900)
    parser.add_argument("--report", help="write the measurements to this JSON file")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
