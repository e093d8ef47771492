"""The journeys of a money chaos run (bench/money_chaos.py, which puts deploy/ on the path for
`smoke`): a licensed IP, a 12-month brief, a two-milestone contract funded with one charge, a
rights extension (refused past the licence on some journeys, paid after a cancellation on
others), deliveries and approvals."""

from __future__ import annotations

import os
import random
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime, timedelta
from typing import Any

from smoke import PASSWORD, VIDEO, Api, SmokeError, register

PM = {"payment_method": "pm_card_visa"}


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
    brand, creator, cid, milestones = deal(api, staff, n)
    onboard_late = n % 4 == 0  # the payout waits for the account
    if not onboard_late:
        onboard(creator)
    fund(brand, f"/contracts/{cid}/fund/", {"milestones": milestones, **PM})
    ext = agree_extension(brand, creator, cid, n, stats)
    for milestone in milestones:
        creator.post(f"/milestones/{milestone}/deliveries/", {"note": "cut", "videos": [VIDEO]})
        brand.post(f"/milestones/{milestone}/approve/")
        with stats.lock:
            stats.approved[milestone] = time.monotonic()
            if beat_off.is_set():
                stats.during_beat_off.add(milestone)
    pay_extension(brand, sandbox, cid, ext, n, stats)
    if onboard_late:
        onboard(creator)


def deal(api: Api, staff: Api, n: int) -> tuple[Api, Api, int, list[int]]:
    """A new brand and creator, the brand's licensed IP (until today + 548 days), an approved
    12-month brief on it and the creator's accepted two-milestone bid: (brand, creator,
    contract id, milestone ids)."""
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
    creator = register(
        api,
        {"email": f"c-{tag}@chaos.test", "role": "creator", "handle": f"ch{tag.replace('-', '')}"},
    )
    brief = open_brief(brand, staff, answer["user"]["brands"][0]["id"], tag, n)
    due = datetime.now(UTC) + timedelta(days=20)
    bid = creator.post(
        f"/briefs/{brief}/bids/",
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
    return brand, creator, contract["id"], [m["id"] for m in contract["milestones"]]


def open_brief(brand: Api, staff: Api, brand_id: int, tag: str, n: int) -> int:
    """The brand's licensed IP and a 12-month brief on it, approved by staff: the brief id."""
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
    return int(brief["id"])


def agree_extension(brand: Api, creator: Api, cid: int, n: int, stats: Stats) -> int:
    """A five-month rights extension, proposed by the brand and accepted (its milestone id);
    on a third of the journeys a twelve-month one first, which must be refused (409)."""
    extension = {
        "kind": "rights_extension",
        "amount": 20_000,
        "due_date": (datetime.now(UTC) + timedelta(days=5)).isoformat(),
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
    return int(creator.post(f"/change-orders/{order['id']}/accept/")["milestone"])


def pay_extension(brand: Api, sandbox: str, cid: int, ext: int, n: int, stats: Stats) -> None:
    """Fund the extension; on a fifth of the journeys the brand opens the payment form,
    cancels the milestone, then its browser pays anyway (to be booked and refunded)."""
    if n % 5 == 0:
        opened = fund(brand, f"/milestones/{ext}/fund/", {})
        brand.post(f"/milestones/{ext}/cancel/")
        confirm_in_browser(sandbox, opened["payment"]["stripe_payment_intent_id"])
        with stats.lock:
            stats.unbookable_refunds += 1
        return
    answer = fund(brand, f"/milestones/{ext}/fund/", PM)
    if "payment" not in answer:
        stats.errors.append(f"extension {ext} of contract {cid}: {answer!r}")
        return
    with stats.lock:
        stats.approved[ext] = time.monotonic()
        stats.extensions_paid += 1


def onboard(creator: Api) -> None:
    link = creator.post("/payments/onboarding/")["url"]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(link, timeout=30):
        pass
