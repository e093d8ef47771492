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
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))

import smoke  # noqa: E402  (deploy/smoke.py: the production harness this run builds on)
from money_chaos_stats import STATS_SQL  # noqa: E402
from smoke import (  # noqa: E402
    PASSWORD,
    STAFF,
    VIDEO,
    Api,
    Deployment,
    SmokeError,
    control,
    login,
    register,
    wait_until,
)

PM = {"payment_method": "pm_card_visa"}


def log(message: str) -> None:
    print(f"chaos: {message}", flush=True)


class Stats:
    """What the journeys saw, shared by the threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.approved: dict[int, float] = {}  # milestone id -> when approved (monotonic)
        self.paid: dict[int, float] = {}
        self.during_beat_off: set[int] = set()
        self.refused_before_start = 0
        self.unbookable_refunds = 0
        self.extensions_paid = 0
        self.errors: list[str] = []


def fund(brand: Api, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """Fund, asking again after a Stripe fault (the same idempotency keys make it safe)."""
    deadline = time.monotonic() + 180
    while True:
        answer = brand.call("POST", path, body, expect=(200, 402, 409, 503))
        if isinstance(answer, dict) and "payment" in answer:
            return answer
        code = answer.get("error", {}).get("code") if isinstance(answer, dict) else None
        if code not in ("service_unavailable", "payment_provider_rejected", None):
            return answer
        if time.monotonic() > deadline:
            raise SmokeError(f"funding {path} still failing: {answer!r}")
        time.sleep(1)


def confirm_in_browser(sandbox: str, intent_id: str) -> None:
    """What Stripe.js does with a client secret: confirm the intent at Stripe directly."""
    data = urllib.parse.urlencode({"payment_method": "pm_card_visa"}).encode()
    request = urllib.request.Request(
        f"{sandbox}/v1/payment_intents/{intent_id}/confirm", data=data, method="POST"
    )
    request.add_header("Authorization", "Bearer sk_test_chaos")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    for _ in range(30):
        try:
            with opener.open(request, timeout=30):
                return
        except OSError:
            time.sleep(1)
    raise SmokeError(f"could not confirm {intent_id} at the sandbox")


def journey(
    api: Api, staff: Api, sandbox: str, n: int, stats: Stats, beat_off: threading.Event
) -> None:
    """A brand with a licensed IP and a creator: a 12-month brief, a two-milestone contract, a
    rights extension (and, on some journeys, one past the licence, refused; or one cancelled
    after its charge was opened, then paid in the browser: refunded)."""
    tag = f"{os.getpid()}-{n}-{random.randrange(10**6)}"
    answer = api.post(
        "/auth/register/",
        {
            "password": PASSWORD,
            "email": f"b-{tag}@chaos.test",
            "role": "brand",
            "brand_name": f"Chaos {tag}",
        },
    )
    brand = Api(api.base, answer["access"])
    brand_id = answer["user"]["brands"][0]["id"]
    creator = register(
        api,
        {"email": f"c-{tag}@chaos.test", "role": "creator", "handle": f"ch{tag.replace('-', '')}"},
    )
    ip = brand.post(
        "/ips/",
        {
            "brand": brand_id,
            "name": f"Hero {tag}",
            "held": "licensed",
            "licence_end": (date.today() + timedelta(days=548)).isoformat(),
            "territories": ["US"],
            "channels": ["social"],
            "ai_generation_allowed": True,
        },
    )
    now = datetime.now(UTC)
    brief = brand.post(
        "/briefs/",
        {
            "title": f"Chaos teaser {n}",
            "description": "A 15 second vertical teaser.",
            "tags": ["anime"],
            "languages": ["en"],
            "ip": ip["id"],
            "deliverables": [
                {"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "1080p"}
            ],
            "budget_min": 50_000,
            "budget_max": 150_000,
            "currency": "USD",
            "bid_deadline": (now + timedelta(days=7)).isoformat(),
            "delivery_deadline": (now + timedelta(days=30)).isoformat(),
            "usage_rights": {
                "territories": ["US"],
                "channels": ["social"],
                "term_months": 12,
                "exclusive": False,
            },
        },
    )
    brand.post(f"/briefs/{brief['id']}/submit/")
    staff.post(f"/briefs/{brief['id']}/approve/")
    due = now + timedelta(days=20)
    bid = creator.post(
        f"/briefs/{brief['id']}/bids/",
        {
            "amount": 90_000,
            "pitch": "On it",
            "milestones": [
                {"title": "Storyboard", "amount": 30_000, "due_date": due.isoformat()},
                {
                    "title": "Final",
                    "amount": 60_000,
                    "due_date": (due + timedelta(days=5)).isoformat(),
                },
            ],
        },
    )
    contract = brand.post(f"/bids/{bid['id']}/accept/")["contract"]
    cid, milestones = contract["id"], [m["id"] for m in contract["milestones"]]
    onboard_late = n % 4 == 0  # the payout waits for the account
    if not onboard_late:
        onboard(creator)
    fund(brand, f"/contracts/{cid}/fund/", {"milestones": milestones, **PM})
    extension = {
        "kind": "rights_extension",
        "amount": 20_000,
        "due_date": (now + timedelta(days=5)).isoformat(),
        "description": "Five more months on social.",
    }
    if n % 3 == 0:
        # 12 + 12 months from the earliest start run past a licence ending in 548 days.
        refused = brand.call(
            "POST",
            f"/contracts/{cid}/change-orders/",
            {**extension, "extension_months": 12},
            expect=(409,),
        )
        if refused["error"]["code"] != "rights_outside_ip_licence":
            stats.errors.append(f"contract {cid}: {refused!r}")
        with stats.lock:
            stats.refused_before_start += 1
    order = brand.post(f"/contracts/{cid}/change-orders/", {**extension, "extension_months": 5})
    ext = creator.post(f"/change-orders/{order['id']}/accept/")["milestone"]
    for milestone in milestones:
        creator.post(f"/milestones/{milestone}/deliveries/", {"note": "cut", "videos": [VIDEO]})
        brand.post(f"/milestones/{milestone}/approve/")
        with stats.lock:
            stats.approved[milestone] = time.monotonic()
            if beat_off.is_set():
                stats.during_beat_off.add(milestone)
    if n % 5 == 0:
        # The brand opens the payment form, cancels, then its browser pays anyway.
        opened = fund(brand, f"/milestones/{ext}/fund/", {})
        brand.post(f"/milestones/{ext}/cancel/")
        confirm_in_browser(sandbox, opened["payment"]["stripe_payment_intent_id"])
        with stats.lock:
            stats.unbookable_refunds += 1
    else:
        answer = fund(brand, f"/milestones/{ext}/fund/", PM)
        if "payment" not in answer:
            stats.errors.append(f"extension {ext} of contract {cid}: {answer!r}")
        else:
            with stats.lock:
                stats.approved[ext] = time.monotonic()
                stats.extensions_paid += 1
    if onboard_late:
        onboard(creator)


def onboard(creator: Api) -> None:
    link = creator.post("/payments/onboarding/")["url"]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(link, timeout=30):
        pass


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


def run(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        if not env.get(name):
            log(f"{name} must be set (PostgreSQL and Redis)")
            return 2
    run_dir = Path(tempfile.mkdtemp(prefix="reelmatch-chaos-"))
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
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    log_path = run_dir / "processes.log"
    log(f"starting web and sandbox on :{args.port}; logs in {log_path}")
    deployment = Deployment(env, ["web", "sandbox"], log_path)
    beat_log = log_path.open("ab")
    beat: subprocess.Popen[bytes] | None = None
    api = Api(f"http://127.0.0.1:{args.port}/api/v1")
    sandbox = f"http://127.0.0.1:{args.sandbox_port or args.port + 1}"
    stop = threading.Event()
    beat_off = threading.Event()
    stats = Stats()
    kills = [0]
    window: dict[str, str] = {}
    try:
        # Up and serving: the worker and beat (started below) are not beating yet.
        wait_until(
            "/readyz/",
            lambda: Api(f"http://127.0.0.1:{args.port}").get("/readyz/")["status"] != "error",
            timeout=120,
            every=0.5,
        )
        made = deployment.manage("createsuperuser", "--noinput", "--email", STAFF)
        if made.returncode != 0 and "already taken" not in made.stderr:
            raise SmokeError(f"createsuperuser failed: {made.stderr}")
        staff = login(api, STAFF)
        deployment.start_worker()
        beat = start_beat(env, run_dir, beat_log)
        if args.fault_rate > 0:
            for path in ("/v1/transfers", "/v1/refunds", "/v1/payment_intents"):
                control(
                    sandbox,
                    "POST",
                    "/_sandbox/faults",
                    {"status": 500, "rate": args.fault_rate, "path": path},
                )

        def chaos() -> None:
            nonlocal beat
            started = time.monotonic()
            low, high = args.kill_every or (0, 0)
            next_kill = started + (random.uniform(low, high) if high else 1e12)
            while not stop.wait(1):
                now = time.monotonic()
                if not beat_off.is_set() and beat is not None and now - started > args.beat_off_at:
                    if now - started < args.beat_off_at + args.beat_off:
                        os.killpg(beat.pid, signal.SIGKILL)
                        beat.wait()
                        beat_off.set()
                        window["off"] = datetime.now(UTC).isoformat()
                        log(f"beat SIGKILLed for {args.beat_off} s")
                if beat_off.is_set() and now - started > args.beat_off_at + args.beat_off:
                    beat_off.clear()
                    window["on"] = datetime.now(UTC).isoformat()
                    beat = start_beat(env, run_dir, beat_log)
                    args.beat_off_at = 1e12  # once
                    log("beat restarted")
                if now >= next_kill:
                    deployment.kill_worker()
                    deployment.start_worker()
                    kills[0] += 1
                    next_kill = now + random.uniform(low, high)

        threading.Thread(target=chaos, daemon=True).start()
        walked = time.monotonic()
        failures = 0
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            futures = [
                pool.submit(journey, api, staff, sandbox, n, stats, beat_off)
                for n in range(args.journeys)
            ]
            for done, future in enumerate(futures, start=1):
                try:
                    future.result()
                except (SmokeError, OSError, KeyError) as exc:
                    failures += 1
                    stats.errors.append(str(exc)[:300])
                if done % 10 == 0:
                    log(f"{done} journeys done after {time.monotonic() - walked:.0f} s")
        log(
            f"{args.journeys} journeys walked in {time.monotonic() - walked:.0f} s "
            f"({failures} failed)"
        )

        def all_paid() -> bool:
            for milestone in list(stats.approved):
                if milestone in stats.paid:
                    continue
                status = staff.get(f"/milestones/{milestone}/")["status"]
                if status == "paid":
                    stats.paid[milestone] = time.monotonic() - stats.approved[milestone]
            return len(stats.paid) == len(stats.approved)

        wait_until("every approved milestone paid", all_paid, timeout=args.paid_timeout, every=2)
        wait_until(
            "no refund pending",
            lambda: db_stats(deployment, window)["refunds_pending"] == 0,
            timeout=args.paid_timeout,
            every=5,
        )
        stop.set()
        control(sandbox, "DELETE", "/_sandbox/faults")
        # Beat is alive again by now: give the sweeps and the poll a minute, then reconcile.
        result = wait_until(
            "reconcile clean", lambda: smoke.reconciled(deployment), timeout=300, every=10
        )
        measured = db_stats(deployment, window)
        report = {
            "journeys": args.journeys,
            "failed_journeys": failures,
            "worker_kills": kills[0],
            "fault_rate": args.fault_rate,
            "beat_off_seconds": args.beat_off,
            "refused_before_start": stats.refused_before_start,
            "charged_after_cancel_refunded": stats.unbookable_refunds,
            "extensions_paid": stats.extensions_paid,
            "beat_window": window,
            **measured,
            "reconcile": result,
            "errors": stats.errors[:20],
        }
        print(json.dumps(report, indent=2), flush=True)
        if args.report:
            Path(args.report).write_text(json.dumps(report, indent=2))
        return 0 if not failures else 1
    except SmokeError as exc:
        log(f"FAILED: {exc}; errors: {stats.errors[:10]}")
        return 1
    finally:
        stop.set()
        if beat is not None and beat.poll() is None:
            os.killpg(beat.pid, signal.SIGKILL)
            beat.wait()
        beat_log.close()
        deployment.stop()


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
