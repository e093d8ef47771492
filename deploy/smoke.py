"""The production smoke journey (CI runs it from .ci/run; `make smoke` by hand).

Starts `deploy/prod.py` (gunicorn, Celery worker and beat on Redis, the Stripe sandbox as its
own process) on free ports with the production settings, against DATABASE_URL (PostgreSQL) and
CELERY_BROKER_URL (Redis); walks brief → bid → contract → fund → deliver → approve → paid over
HTTP; checks `manage.py reconcile`; stops everything. The exit code says whether it all worked.

Chaos mode measures how fast payouts recover: `--journeys N` walks N
contracts at once while `--fault-rate` of Stripe's money calls fail and the Celery worker is
SIGKILLed every `--kill-every` seconds (the harness runs the worker itself and restarts it),
then prints approval → paid percentiles and checks that nothing was lost or paid twice.

    DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://… python deploy/smoke.py

SMOKE_PORT and SMOKE_SANDBOX_PORT choose the ports (default: free ones the system hands out),
SMOKE_TMPDIR where the run directory goes (default the system's temp dir); it is removed at the
end (SMOKE_KEEP=1 keeps it, with its logs and secret key).
    … python deploy/smoke.py --journeys 40 --fault-rate 0.2 --kill-every 15-30
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from smoke_http import Api, FatalError, SmokeError, free_port, log, wait_until

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Smoke-test-pass-2026"
STAFF = "staff@smoke.test"
VIDEO = {
    "provider": "kling",
    "model": "kling-2.1-pro",
    "video_url": "https://cdn.example.com/smoke.mp4",
    "duration_s": 15,
    "width": 1080,
    "height": 1920,
    "fps": 24,
}


class Deployment:
    """`deploy/prod.py` running in its own process group, plus (chaos mode) a worker of ours."""

    def __init__(self, env: dict[str, str], processes: list[str], log_path: Path) -> None:
        self.env = env
        self.log_file = log_path.open("ab")
        self.prod = subprocess.Popen(
            [sys.executable, str(ROOT / "deploy" / "prod.py"), *processes],
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.worker: subprocess.Popen[bytes] | None = None

    def start_worker(self) -> None:
        """Run a Celery worker ourselves (chaos mode kills and restarts it)."""
        self.worker = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "--app",
                "marketplace",
                "worker",
                "--loglevel",
                "INFO",
                "--pool",
                "threads",
                "--concurrency",
                "8",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill_worker(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait()

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def stop(self) -> None:
        self.kill_worker()
        if self.prod.poll() is None:
            self.prod.send_signal(signal.SIGTERM)  # prod.py hands it to honcho
            try:
                self.prod.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.prod.pid, signal.SIGKILL)  # anything of ours still there
        except ProcessLookupError:
            pass
        self.prod.wait()
        self.log_file.close()


def register(api: Api, body: dict[str, Any]) -> Api:
    answer = api.post("/auth/register/", {"password": PASSWORD, **body})
    return Api(api.base, answer["access"])


def login(api: Api, email: str) -> Api:
    return Api(api.base, api.post("/auth/token/", {"email": email, "password": PASSWORD})["access"])


def open_brief(brand: Api, staff: Api, n: int) -> int:
    now = datetime.now(UTC)
    brief = brand.post(
        "/briefs/",
        {
            "title": f"Smoke teaser {n}",
            "description": "A 15 second vertical teaser.",
            "tags": ["anime"],
            "languages": ["en"],
            "deliverables": [
                {"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "1080p"}
            ],
            "budget_min": 50_000,
            "budget_max": 150_000,
            "currency": "USD",
            "bid_deadline": (now + timedelta(days=7)).isoformat(),
            "delivery_deadline": (now + timedelta(days=30)).isoformat(),
        },
    )
    brand.post(f"/briefs/{brief['id']}/submit/")
    if staff.post(f"/briefs/{brief['id']}/approve/")["status"] != "open":
        raise SmokeError("the approved brief is not open")
    return brief["id"]


def journey(api: Api, staff: Api, n: int, approved_at: dict[int, float]) -> int:
    """One brand and one creator from registration to paid; returns the contract id."""
    tag = f"{os.getpid()}-{n}-{random.randrange(10**6)}"
    brand = register(
        api,
        {"email": f"brand-{tag}@smoke.test", "role": "brand", "brand_name": f"Smoke Brand {tag}"},
    )
    creator = register(
        api,
        {
            "email": f"creator-{tag}@smoke.test",
            "role": "creator",
            "handle": f"smoke{tag.replace('-', '')}",
        },
    )
    brief = open_brief(brand, staff, n)
    bid = creator.post(f"/briefs/{brief}/bids/", {"amount": 90_000, "pitch": "On it"})
    contract = brand.post(f"/bids/{bid['id']}/accept/")["contract"]["id"]

    link = creator.post("/payments/onboarding/")["url"]
    # The sandbox's account link completes onboarding when opened; account.updated follows.
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(link, timeout=30):
        pass
    wait_until(
        "payouts enabled",
        lambda: creator.get("/payments/account/")["payouts_enabled"],
        timeout=180,
        every=1,
    )
    funded = brand.post(
        f"/contracts/{contract}/fund/", {"payment_method": "pm_card_visa"}, expect=(200, 201, 503)
    )
    if isinstance(funded, dict) and funded.get("contract_status") != "funded":
        # A Stripe fault: funding is safe to ask again (same idempotency keys).
        wait_until(
            "contract funded",
            lambda: (
                brand.post(
                    f"/contracts/{contract}/fund/",
                    {"payment_method": "pm_card_visa"},
                    expect=(200, 201, 409, 503),
                ).get("contract_status")
                == "funded"
                or brand.get(f"/contracts/{contract}/")["status"] == "funded"
            ),
            timeout=120,
            every=1,
        )
    creator.post(f"/contracts/{contract}/deliveries/", {"note": "final cut", "videos": [VIDEO]})
    brand.post(f"/contracts/{contract}/approve/")
    approved_at[contract] = time.monotonic()
    return contract


def check_platform(api: Api) -> None:
    root = api.get("/")
    for name in ("briefs", "bids", "contracts", "payments/onboarding"):
        if name not in root["resources"]:
            raise SmokeError(f"GET /api/v1/ does not list {name}")
    missing = api.get("/no-such-thing/", expect=(404,))
    if not isinstance(missing, dict) or missing["error"]["code"] != "not_found":
        raise SmokeError(f"unknown /api/ path did not answer the JSON 404: {missing!r}")
    api.get("/briefs/")
    if not api.last_headers.get("X-Request-ID"):
        raise SmokeError("no X-Request-ID on the answer")


def run(args: argparse.Namespace) -> int:
    """Start `make prod`, walk the journeys (under chaos when asked), check every contract is
    paid exactly once and `reconcile` is clean; 0 when all holds, 1 on a failure, 2 when the
    environment lacks PostgreSQL or Redis."""
    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        if not os.environ.get(name):
            log(f"{name} must be set (PostgreSQL and Redis)")
            return 2
    # Shared resources from the environment (docs/DEPLOY.md): the ports, and where the run
    # directory (secret key, sandbox state, logs) goes; it is removed afterwards.
    scratch = os.environ.get("SMOKE_TMPDIR", "").strip() or None
    run_dir = Path(tempfile.mkdtemp(prefix="reelmatch-smoke-", dir=scratch))
    port = int(os.environ.get("SMOKE_PORT", "").strip() or free_port())
    sandbox_port = int(os.environ.get("SMOKE_SANDBOX_PORT", "").strip() or free_port())
    env = smoke_env(args, run_dir=run_dir, port=port, sandbox_port=sandbox_port)
    chaos = args.fault_rate > 0 or args.kill_every is not None
    log_path = run_dir / "processes.log"
    log(f"starting make prod on :{port} (sandbox :{sandbox_port}); logs in {log_path}")
    started = time.monotonic()
    deployment = Deployment(env, ["web", "beat", "sandbox"] if chaos else [], log_path)
    stop_chaos = threading.Event()
    try:
        api, staff = serve(deployment, args, env=env, port=port, started=started)
        metrics = walk(
            deployment,
            args,
            api,
            staff,
            sandbox=f"http://127.0.0.1:{sandbox_port}",
            stop=stop_chaos,
        )
        if not chaos:
            wait_until("readiness ok (beat and worker heartbeats)", lambda: ready(port), 90, 1)
            log("readiness ok: database, cache, broker, Stripe, beat and worker heartbeats")
        log(f"passed in {time.monotonic() - started:.1f} s")
        if args.report:
            Path(args.report).write_text(json.dumps(metrics))
        return 0
    except SmokeError as exc:
        log(f"FAILED: {exc}")
        tail = log_path.read_text(errors="replace").splitlines()[-60:] if log_path.exists() else []
        print("\n".join(tail), flush=True)
        return 1
    finally:
        stop_chaos.set()
        deployment.stop()
        if os.environ.get("SMOKE_KEEP", "").strip() in ("", "0"):
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            log(f"kept {run_dir} (SMOKE_KEEP): it holds a secret key, remove it")


def smoke_env(
    args: argparse.Namespace, *, run_dir: Path, port: int, sandbox_port: int
) -> dict[str, str]:
    """The deployment's environment: this machine's, without the secrets and endpoints the
    deployment makes for itself, with the run's ports, directory and limits."""
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
        PORT=str(port),
        SANDBOX_PORT=str(sandbox_port),
        RUN_DIR=str(run_dir),
        WEB_CONCURRENCY=str(args.web_workers),
        CELERY_CONCURRENCY="4",
        CELERY_VISIBILITY_TIMEOUT=str(args.visibility_timeout),
        STRIPE_MAX_NETWORK_RETRIES="2",
        THROTTLE_AUTH="100000/min",
        THROTTLE_WRITES="100000/min",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    return env


def serve(
    deployment: Deployment, args: argparse.Namespace, *, env: dict, port: int, started: float
) -> tuple[Api, Api]:
    """Wait until the deployment serves, run the container health check, make the staff user;
    answers the API and the staff's session."""
    api = Api(f"http://127.0.0.1:{port}/api/v1")

    def healthy() -> bool:
        if deployment.prod.poll() is not None:
            raise FatalError(f"make prod exited with {deployment.prod.returncode}")
        try:
            # Ready (200): "degraded" while beat and the worker have not beaten yet.
            return Api(f"http://127.0.0.1:{port}").get("/readyz/")["status"] != "error"
        except OSError:
            return False

    wait_until("/healthz/", healthy, timeout=args.start_timeout, every=0.5)
    log(f"serving after {time.monotonic() - started:.1f} s")
    probe = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "healthcheck.py")], env=env, timeout=30
    )
    if probe.returncode != 0:
        raise SmokeError("deploy/healthcheck.py (the container health check) failed")
    made = deployment.manage("createsuperuser", "--noinput", "--email", STAFF)
    if made.returncode != 0:
        raise SmokeError(f"createsuperuser failed: {made.stderr}")
    staff = login(api, STAFF)
    check_platform(api)
    return api, staff


def walk(
    deployment: Deployment,
    args: argparse.Namespace,
    api: Api,
    staff: Api,
    *,
    sandbox: str,
    stop: threading.Event,
) -> dict:
    """Walk the journeys in parallel (with the chaos loop when asked), wait until every
    contract is paid, check each was paid once and reconcile is clean; answers the metrics."""
    kills = [0]
    if args.fault_rate > 0 or args.kill_every is not None:
        deployment.start_worker()
        threading.Thread(
            target=chaos_loop, args=(deployment, args, stop, sandbox, kills), daemon=True
        ).start()
    approved_at: dict[int, float] = {}
    walked = time.monotonic()
    with ThreadPoolExecutor(max_workers=min(args.journeys, 8)) as pool:
        contracts = list(
            pool.map(lambda n: journey(api, staff, n, approved_at), range(args.journeys))
        )
    paid_after: dict[int, float] = {}

    def all_paid() -> bool:
        for contract in contracts:
            if contract in paid_after:
                continue
            if staff.get(f"/contracts/{contract}/")["status"] == "paid":
                paid_after[contract] = time.monotonic() - approved_at[contract]
        return len(paid_after) == len(contracts)

    wait_until("every contract paid", all_paid, timeout=args.paid_timeout, every=0.5)
    stop.set()
    control(sandbox, "DELETE", "/_sandbox/faults")
    log(f"{len(contracts)} journey(s) paid in {time.monotonic() - walked:.1f} s")
    metrics = report_latency(list(paid_after.values()))
    metrics["kills"] = kills[0]
    check_once(sandbox, contracts)
    log(wait_until("reconcile clean", lambda: reconciled(deployment), timeout=60, every=2))
    return metrics


def ready(port: int) -> bool:
    answer = Api(f"http://127.0.0.1:{port}").get("/readyz/")
    if answer["status"] != "ok":
        log(f"readiness: {answer}")
    return answer["status"] == "ok"


def reconciled(deployment: Deployment) -> str | None:
    result = deployment.manage("reconcile")
    if result.returncode == 0 and "reconcile: clean" in result.stdout:
        return result.stdout.strip().splitlines()[-1]
    log(f"reconcile not clean yet: {result.stdout.strip()} {result.stderr.strip()}")
    return None


def control(sandbox: str, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(sandbox + path, data=data, method=method)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def chaos_loop(
    deployment: Deployment,
    args: argparse.Namespace,
    stop: threading.Event,
    sandbox: str,
    kills: list[int],
) -> None:
    """Stripe faults on money calls, and the worker SIGKILLed and restarted now and then."""
    if args.fault_rate > 0:
        for path in ("/v1/transfers", "/v1/refunds", "/v1/payment_intents"):
            control(
                sandbox,
                "POST",
                "/_sandbox/faults",
                {"status": 500, "rate": args.fault_rate, "path": path},
            )
    low, high = args.kill_every or (0, 0)
    while not stop.is_set():
        if not high:
            stop.wait(1)
            continue
        if stop.wait(random.uniform(low, high)):
            break
        deployment.kill_worker()
        kills[0] += 1
        log(f"worker SIGKILLed ({kills[0]})")
        deployment.start_worker()


def report_latency(seconds: list[float]) -> dict[str, Any]:
    seconds.sort()
    p90 = seconds[min(len(seconds) - 1, int(0.9 * len(seconds)))]
    median = statistics.median(seconds)
    log(
        f"approval → paid over {len(seconds)} contract(s): median {median:.1f} s, "
        f"p90 {p90:.1f} s, max {seconds[-1]:.1f} s"
    )
    return {"journeys": len(seconds), "median": median, "p90": p90, "max": seconds[-1]}


def check_once(sandbox: str, contracts: list[int]) -> None:
    """Stripe holds exactly one transfer per contract: nothing lost, nothing paid twice."""
    transfers = control(sandbox, "GET", "/_sandbox/objects/transfers")["data"]
    groups = [t["transfer_group"] for t in transfers]
    for contract in contracts:
        count = groups.count(f"contract-{contract}")
        if count != 1:
            raise SmokeError(f"contract {contract} has {count} transfers in Stripe")
    log(f"one transfer per contract in Stripe ({len(contracts)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=1)
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=0.0,
        help="share of Stripe money calls that fail with 500 (chaos)",
    )
    parser.add_argument(
        "--kill-every",
        type=lambda v: tuple(float(x) for x in v.split("-")),
        default=None,
        help="SIGKILL the worker every A-B seconds (chaos)",
    )
    parser.add_argument("--visibility-timeout", type=int, default=60)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--start-timeout", type=float, default=90)
    parser.add_argument("--paid-timeout", type=float, default=120)
    parser.add_argument("--report", help="write the measurements to this JSON file")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
