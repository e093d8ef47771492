"""Matching quality on a labelled world (issue 10, item 3). Run by hand, not in CI.

    .venv/bin/python bench/match_quality.py                 # SQLite, seed 7, table
    .venv/bin/python bench/match_quality.py --json          # the same as JSON on stdout
    .venv/bin/python bench/match_quality.py --weights '{"style": 0.25, ...}'
    .venv/bin/python bench/match_quality.py --reuse --tune  # coordinate search of the weights
    .venv/bin/python bench/match_quality.py --database-url postgres://postgres@127.0.0.1:5432/x

The world (`bench/match_world/`, seed `--seed`): ~400 creators with hidden true skills and
observable reels/profiles/track records drawn from them with noise (tag stuffers, one lucky reel,
strong newcomers, language-only matches, pending and rejected reels), ~30 briefs written as
brands write them, and a grade 0..3 per (brief, creator) from the hidden truth only.

Loading goes through the product's own write paths, in-process, into a throwaway database
(`bench/.match_quality.sqlite3`, deleted and migrated each run; or database `reelmatch_mq` on the
server of `--database-url`, dropped and created):
- `POST /api/v1/auth/register/` (creators and brand owners; their JWTs for everything after),
  `PATCH /api/v1/creators/me/` (languages, tags, rate card), `POST /api/v1/reels/` (with the
  generated video nested), `POST /api/v1/briefs/` and `POST /api/v1/briefs/{id}/submit/`;
- staff services: `creators.services.reel_approve` / `reel_reject`, `creator_set_tier`,
  `creator_suspend`, `campaigns.services.brief_approve` (→ `open`);
- set directly with `QuerySet.update` (documented shortcut; no service writes them in bulk):
  the cached track record of `CreatorProfile` (`rating_sum`, `review_count`,
  `completed_contracts`, `on_time_contracts`, `last_active_at` = the creator's latest reel) and
  each reel's `created_at` / `moderated_at` (the reel's date in the world; the API stamps now).
Throttles are bypassed (`SimpleRateThrottle.allow_request` patched in this process only).

Rankings compared, top 10 per brief:
- (a) product: `GET /api/v1/briefs/{id}/matches/?limit=10` as the brief's brand owner (whatever
  the code on the branch computes; `--weights` overrides `settings.MATCH_WEIGHTS` for it);
- (b) v1: a frozen plain-Python copy of DESIGN §6 v1 (as in `campaigns/matching_reference.py`
  on 2025-11: claimed ∪ reel tags, yes/no tools, float FX budget, …) over the same rows;
- (c) evidence baseline: approved reels carrying one of the brief's tags (untagged briefs: made
  with a preferred model; neither: all approved reels); ties by completed contracts, then id.
Metrics, mean over briefs: NDCG@10 (gain 2^grade − 1, log2 discount, ideal from all eligible
creators), precision@10 (grade ≥ 2) and the share of tag stuffers in the top 10.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import match_world as mw  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

SQLITE_PATH = ROOT / "bench" / ".match_quality.sqlite3"
PG_NAME = "reelmatch_mq"
K = 10
PASSWORD = "bench-Password-123"


def log(*args: Any) -> None:
    print(*args, file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--creators", type=int, default=400)
    p.add_argument("--briefs", type=int, default=30)
    p.add_argument("--database-url", default="", help="postgres://… (database reelmatch_mq)")
    p.add_argument("--reuse", action="store_true", help="keep the loaded database of this seed")
    p.add_argument("--weights", default="", help="JSON overriding settings.MATCH_WEIGHTS")
    p.add_argument("--tune", action="store_true", help="coordinate search of the weights")
    p.add_argument("--rounds", type=int, default=2, help="coordinate-search rounds")
    p.add_argument("--penalty", type=float, default=0.5, help="objective: ndcg − p × stuffers")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument(
        "--post-load",
        action="append",
        default=[],
        metavar="COMMAND",
        help="management command to run after loading (and on --reuse), e.g. a job that "
        "refreshes matching corpus statistics; repeatable",
    )
    return p.parse_args()


# Django ------------------------------------------------------------------------------------------


def meta_path() -> Path:
    return SQLITE_PATH.with_suffix(".meta.json")


def boot(args: argparse.Namespace) -> bool:
    """Point Django at the throwaway database and set it up; True if it must be (re)loaded."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.test"
    os.environ["DATABASE_POOL"] = "0"
    key = {"seed": args.seed, "creators": args.creators, "briefs": args.briefs}
    fresh = True
    if args.database_url:
        parts = urlparse(args.database_url)
        if not parts.scheme.startswith("postgres"):
            sys.exit("--database-url must be postgres://…")
        url = urlunparse(parts._replace(path=f"/{PG_NAME}"))
        os.environ["DATABASE_URL"] = url
        import psycopg

        admin = urlunparse(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]
            ).fetchone()
            reuse = args.reuse and exists and _meta_matches(key, "pg")
            if not reuse:
                if exists:
                    conn.execute(f'DROP DATABASE "{PG_NAME}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{PG_NAME}"')
            fresh = not reuse
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
        reuse = args.reuse and SQLITE_PATH.exists() and _meta_matches(key, "sqlite")
        if not reuse:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        fresh = not reuse
    import django

    django.setup()
    from django.db.backends.signals import connection_created

    def pragmas(sender, connection, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=OFF")

    connection_created.connect(pragmas)
    from rest_framework.throttling import SimpleRateThrottle

    SimpleRateThrottle.allow_request = lambda self, request, view: True  # type: ignore[method-assign]
    if fresh:
        from django.core.management import call_command

        meta_path().unlink(missing_ok=True)
        call_command("migrate", verbosity=0)
    return fresh


def _meta_matches(key: dict[str, Any], backend: str) -> bool:
    try:
        meta = json.loads(meta_path().read_text())
    except (OSError, ValueError):
        return False
    return meta.get("key") == key and meta.get("backend") == backend


# Loading -----------------------------------------------------------------------------------------


def _client(token: str | None = None):  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _ok(response, *codes: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    if response.status_code not in codes:
        raise RuntimeError(f"{response.status_code}: {response.content[:500]!r}")
    return response.json() if response.content else {}


def load(world: mw.World) -> None:
    """Create the world through the API and the staff services."""
    from django.utils import timezone

    from campaigns.models import Brief
    from campaigns.services import brief_approve
    from creators.models import CreatorProfile, Reel
    from creators.services import creator_set_tier, creator_suspend, reel_approve, reel_reject
    from marketplace.models import User

    rng = random.Random(world.seed * 7919)
    now = timezone.now()
    staff = User.objects.create_superuser(email="staff@mq.bench", password=PASSWORD)
    anon = _client()
    started = time.monotonic()
    for i, c in enumerate(world.creators):
        body = _ok(
            anon.post(
                "/api/v1/auth/register/",
                {
                    "email": f"{c.handle}@mq.bench",
                    "password": PASSWORD,
                    "role": "creator",
                    "handle": c.handle,
                    "full_name": f"Creator {c.index}",
                },
                format="json",
            ),
            201,
        )
        client = _client(body["access"])
        profile = {
            "bio": c.bio,
            "country": c.country,
            "languages": c.profile_languages,
            "tags": c.profile_tags,
            **(c.rate_card or {}),
        }
        _ok(client.patch("/api/v1/creators/me/", profile, format="json"), 200)
        dated: list[tuple[int, int, str]] = []
        for j, r in enumerate(sorted(c.reels, key=lambda r: -r.days_ago)):
            when = now - timedelta(days=r.days_ago, hours=rng.randint(1, 20))
            video = {
                "provider": r.provider,
                "model": r.model,
                "video_url": f"https://cdn.mq.bench/{c.handle}/{j}.mp4",
                "thumbnail_url": f"https://cdn.mq.bench/{c.handle}/{j}.jpg",
                "prompt": r.prompt,
                "mode": "text_to_video",
                "duration_s": r.duration_s,
                "width": r.width,
                "height": r.height,
                "fps": r.fps,
                "seed": rng.randint(1, 2**31),
                "provider_task_id": f"task-{c.index}-{j}",
                "generated_at": when.isoformat(),
            }
            created = _ok(
                client.post(
                    "/api/v1/reels/",
                    {
                        "title": r.title,
                        "description": r.description,
                        "tags": r.tags,
                        "video": video,
                    },
                    format="json",
                ),
                201,
            )
            reel = Reel.objects.get(pk=created["id"])
            if r.moderation == "approved":
                reel_approve(actor=staff, reel=reel)
            elif r.moderation == "rejected":
                reel_reject(actor=staff, reel=reel, reason="off-brief or low quality")
            dated.append((reel.pk, r.days_ago, r.moderation))
            Reel.objects.filter(pk=reel.pk).update(
                created_at=when,
                moderated_at=None if r.moderation == "pending" else when + timedelta(hours=2),
            )
        profile_row = CreatorProfile.objects.get(handle=c.handle)
        if c.tier != "standard":
            creator_set_tier(actor=staff, profile=profile_row, tier=c.tier)
        if c.suspended:
            creator_suspend(actor=staff, profile=profile_row, reason="benchmark")
        CreatorProfile.objects.filter(pk=profile_row.pk).update(
            rating_sum=c.rating_sum,
            review_count=c.review_count,
            completed_contracts=c.completed,
            on_time_contracts=c.on_time,
            last_active_at=now - timedelta(days=c.last_active_days_ago or 0, hours=1),
        )
        if (i + 1) % 50 == 0:
            log(f"  {i + 1} creators loaded ({time.monotonic() - started:.0f} s)")
    owners = []
    for b, name in enumerate(world.brands):
        body = _ok(
            anon.post(
                "/api/v1/auth/register/",
                {
                    "email": f"brand{b}@mq.bench",
                    "password": PASSWORD,
                    "role": "brand",
                    "brand_name": name,
                },
                format="json",
            ),
            201,
        )
        owners.append(body["access"])
    for brief in world.briefs:
        client = _client(owners[brief.brand])
        payload = {
            **brief.payload,
            "bid_deadline": (now + timedelta(days=21)).isoformat(),
            "delivery_deadline": (now + timedelta(days=50)).isoformat(),
        }
        created = _ok(client.post("/api/v1/briefs/", payload, format="json"), 201)
        _ok(client.post(f"/api/v1/briefs/{created['id']}/submit/", format="json"), 200)
        brief_approve(actor=staff, brief=Brief.objects.get(pk=created["id"]))
    log(f"loaded in {time.monotonic() - started:.0f} s")


def brief_ids(world: mw.World) -> list[int]:
    """Database ids of the world's briefs, in world order (created in that order)."""
    from campaigns.models import Brief

    ids = list(Brief.objects.order_by("id").values_list("id", flat=True))
    assert len(ids) == len(world.briefs), "the database does not hold this world"
    return ids


# Rankings ----------------------------------------------------------------------------------------


def product_ranking(world: mw.World, ids: list[int]) -> Callable[[int], list[str]]:
    """(a) The matches endpoint as the brief's brand owner; returns handles, best first."""
    tokens: dict[int, str] = {}
    anon = _client()

    def token(brand: int) -> str:
        if brand not in tokens:
            body = _ok(
                anon.post(
                    "/api/v1/auth/token/",
                    {"email": f"brand{brand}@mq.bench", "password": PASSWORD},
                    format="json",
                ),
                200,
            )
            tokens[brand] = body["access"]
        return tokens[brand]

    def rank(i: int) -> list[str]:
        client = _client(token(world.briefs[i].brand))
        body = _ok(client.get(f"/api/v1/briefs/{ids[i]}/matches/?limit={K}"), 200)
        return [row["creator"]["handle"] for row in body["results"]]

    return rank


# (b) frozen v1 -----------------------------------------------------------------------------------

V1_WEIGHTS = {
    "style": 0.30,
    "tools": 0.15,
    "budget": 0.15,
    "quality": 0.15,
    "reliability": 0.10,
    "language": 0.10,
    "recency": 0.05,
}
V1_FX_TO_USD = {"USD": "1", "EUR": "1.08", "GBP": "1.27", "JPY": "0.0067", "CNY": "0.14"}
V1_EXPONENTS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "CNY": 2}
TIER_RANK = {"standard": 0, "partner": 1, "elite": 2}


def v1_fx_rate(source: str, target: str) -> float | None:
    if source == target:
        return 1.0
    if source not in V1_FX_TO_USD or target not in V1_FX_TO_USD:
        return None
    shift = V1_EXPONENTS.get(target, 2) - V1_EXPONENTS.get(source, 2)
    return float(
        Decimal(V1_FX_TO_USD[source]) / Decimal(V1_FX_TO_USD[target]) * Decimal(10) ** shift
    )


def load_rows() -> tuple[list[dict[str, Any]], dict[int, list[tuple[list[str], str]]]]:
    """Creator rows and their approved reels (tags, model) straight from the tables."""
    from creators.models import CreatorProfile, Reel

    creators = list(
        CreatorProfile.objects.order_by("id").values(
            "id",
            "handle",
            "tags",
            "languages",
            "min_price_per_project",
            "price_per_second",
            "rate_currency",
            "rating_sum",
            "review_count",
            "completed_contracts",
            "on_time_contracts",
            "last_active_at",
            "suspended",
            "tier",
            "user__is_active",
        )
    )
    reels: dict[int, list[tuple[list[str], str]]] = defaultdict(list)
    for creator_id, tags, model in Reel.objects.filter(moderation="approved").values_list(
        "creator_id", "tags", "video__model"
    ):
        reels[creator_id].append((tags or [], model))
    return creators, reels


def load_briefs(ids: list[int]) -> list[dict[str, Any]]:
    from campaigns.models import Brief

    rows = {
        b["id"]: b
        for b in Brief.objects.filter(pk__in=ids).values(
            "id",
            "tags",
            "preferred_models",
            "languages",
            "total_seconds",
            "budget_max",
            "currency",
            "min_tier",
        )
    }
    return [rows[i] for i in ids]


def _eligible(brief: dict[str, Any], c: dict[str, Any]) -> bool:
    return (
        c["user__is_active"]
        and not c["suspended"]
        and TIER_RANK[c["tier"]] >= TIER_RANK[brief["min_tier"]]
    )


def v1_ranking(
    briefs: list[dict[str, Any]], creators: list[dict[str, Any]], reels: dict[int, list]
) -> Callable[[int], list[str]]:
    """(b) DESIGN §6 v1, frozen: same rules, weights and float arithmetic as the v1 reference."""
    from django.utils import timezone

    now = timezone.now()
    full, half = now - timedelta(days=30), now - timedelta(days=90)
    facts = {}
    for c in creators:
        rs = reels.get(c["id"], [])
        facts[c["id"]] = (
            set(c["tags"] or ()) | {t for tags, _ in rs for t in tags},
            {m for _, m in rs},
            set(c["languages"] or ()),
        )

    def score(b: dict[str, Any], c: dict[str, Any]) -> float:
        tags, models, langs = facts[c["id"]]
        btags, bmodels, blangs = set(b["tags"]), set(b["preferred_models"]), set(b["languages"])
        style = len(btags & tags) / len(btags) if btags else 0.0
        tools = len(bmodels & models) / len(bmodels) if bmodels else 0.0
        if c["min_price_per_project"] is None and c["price_per_second"] is None:
            amount = None
        else:
            amount = max(
                c["min_price_per_project"] or 0, (c["price_per_second"] or 0) * b["total_seconds"]
            )
        rate = v1_fx_rate(c["rate_currency"], b["currency"])
        if amount is None or rate is None:
            budget = 0.5
        else:
            converted = float(amount) * rate
            limit, twice = float(b["budget_max"]), float(2 * b["budget_max"])
            budget = (
                1.0
                if converted <= limit
                else 0.0
                if converted >= twice
                else (twice - converted) / limit
            )
        quality = (17.5 + float(c["rating_sum"])) / float(c["review_count"] + 5) / 5.0
        reliability = (4.0 + float(c["on_time_contracts"])) / float(c["completed_contracts"] + 5)
        language = 1.0 if not blangs or blangs & langs else 0.0
        last = c["last_active_at"]
        recency = 0.0 if last is None else 1.0 if last >= full else 0.5 if last >= half else 0.0
        factors = {
            "style": style,
            "tools": tools,
            "budget": budget,
            "quality": quality,
            "reliability": reliability,
            "language": language,
            "recency": recency,
        }
        total = 0.0
        for name, weight in V1_WEIGHTS.items():
            total += weight * factors[name]
        return total

    def rank(i: int) -> list[str]:
        b = briefs[i]
        rows = [(score(b, c), c) for c in creators if _eligible(b, c)]
        rows.sort(key=lambda r: (-r[0], -r[1]["completed_contracts"], r[1]["id"]))
        return [c["handle"] for _, c in rows[:K]]

    return rank


def evidence_ranking(
    briefs: list[dict[str, Any]], creators: list[dict[str, Any]], reels: dict[int, list]
) -> Callable[[int], list[str]]:
    """(c) Approved reels carrying a brief tag (else a preferred model, else any)."""

    def evidence(b: dict[str, Any], c: dict[str, Any]) -> int:
        rs = reels.get(c["id"], [])
        if b["tags"]:
            wanted = set(b["tags"])
            return sum(1 for tags, _ in rs if wanted & set(tags))
        if b["preferred_models"]:
            return sum(1 for _, m in rs if m in b["preferred_models"])
        return len(rs)

    def rank(i: int) -> list[str]:
        b = briefs[i]
        rows = [(evidence(b, c), c) for c in creators if _eligible(b, c)]
        rows.sort(key=lambda r: (-r[0], -r[1]["completed_contracts"], r[1]["id"]))
        return [c["handle"] for _, c in rows[:K]]

    return rank


# Metrics -----------------------------------------------------------------------------------------


class Judge:
    """Grades from the hidden truth, by handle."""

    def __init__(self, world: mw.World) -> None:
        self.world = world
        self.by_handle = {c.handle: c for c in world.creators}
        self.grades = [
            {c.handle: mw.grade(b, c) for c in world.creators if mw.eligible(b, c)}
            for b in world.briefs
        ]
        self.ideal = []
        for g in self.grades:
            best = sorted(g.values(), reverse=True)[:K]
            self.ideal.append(dcg(best))

    def measure(self, i: int, handles: list[str]) -> dict[str, float]:
        grades = self.grades[i]
        got = [grades.get(h, 0) for h in handles[:K]]
        stuffers = sum(1 for h in handles[:K] if self.by_handle[h].kind == "stuffer")
        return {
            "ndcg": dcg(got) / self.ideal[i] if self.ideal[i] else 0.0,
            "precision": sum(1 for g in got if g >= 2) / K,
            "stuffers": stuffers / max(1, len(handles[:K])),
        }


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades))


def evaluate(
    judge: Judge, rank: Callable[[int], list[str]], briefs: list[int]
) -> tuple[dict[str, float], dict[int, list[str]], list[dict[str, float]]]:
    per = []
    tops = {}
    for i in briefs:
        tops[i] = rank(i)
        per.append(judge.measure(i, tops[i]))
    keys = ("ndcg", "precision", "stuffers")
    return {k: sum(p[k] for p in per) / len(per) for k in keys}, tops, per


# Tuning ------------------------------------------------------------------------------------------


def product_with(weights: dict[str, float], rank: Callable[[int], list[str]]):  # type: ignore[no-untyped-def]
    from django.test import override_settings

    def ranked(i: int) -> list[str]:
        with override_settings(MATCH_WEIGHTS=weights):
            return rank(i)

    return ranked


def tune(
    judge: Judge,
    rank: Callable[[int], list[str]],
    start: dict[str, float],
    train: list[int],
    rounds: int,
    penalty: float,
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Coordinate search over the weights (their sum kept), maximising ndcg − penalty × stuffers."""
    total = sum(start.values()) or 1.0

    def norm(w: dict[str, float]) -> dict[str, float]:
        s = sum(w.values()) or 1.0
        return {k: round(v * total / s, 4) for k, v in w.items()}

    def objective(w: dict[str, float]) -> float:
        m, _, _ = evaluate(judge, product_with(w, rank), train)
        return m["ndcg"] - penalty * m["stuffers"]

    best = norm(dict(start))
    best_value = objective(best)
    trail = [{"weights": best, "objective": best_value}]
    log(f"tune: start objective {best_value:.4f}")
    for r in range(rounds):
        improved = False
        for key in list(best):
            for mult in (0.0, 0.5, 0.75, 1.33, 2.0, 3.0):
                cand = dict(best)
                cand[key] = cand[key] * mult if cand[key] > 0 else 0.05 * mult
                cand = norm(cand)
                if cand == best:
                    continue
                value = objective(cand)
                if value > best_value + 1e-4:
                    best, best_value, improved = cand, value, True
                    trail.append({"weights": best, "objective": value})
                    log(f"tune: round {r + 1} {key}×{mult} → {value:.4f}")
        if not improved:
            break
    return best, trail


def post_load(commands: list[str]) -> None:
    """Run the given management commands; list likely candidates when none is given."""
    from django.core.management import call_command, get_commands

    for name in commands:
        log(f"post-load: manage.py {name}")
        call_command(name)
    if not commands:
        hints = sorted(
            name
            for name, app in get_commands().items()
            if app in {"campaigns", "creators", "marketplace", "demo"}
            and any(w in name for w in ("match", "idf", "term", "corpus", "backfill"))
        )
        if hints:
            log(
                f"note: matching-related commands exist ({', '.join(hints)}); "
                "pass --post-load NAME if one must run after loading"
            )


# Main --------------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    t0 = time.monotonic()
    world = mw.build_world(args.seed, args.creators, args.briefs)
    fresh = boot(args)
    if fresh:
        log(f"loading seed {args.seed}: {len(world.creators)} creators, {len(world.briefs)} briefs")
        load(world)
        meta_path().write_text(
            json.dumps(
                {
                    "key": {"seed": args.seed, "creators": args.creators, "briefs": args.briefs},
                    "backend": "pg" if args.database_url else "sqlite",
                }
            )
        )
    else:
        log("reusing the loaded database")
    post_load(args.post_load)
    t_load = time.monotonic() - t0
    from django.conf import settings

    ids = brief_ids(world)
    judge = Judge(world)
    creators, reels = load_rows()
    briefs = load_briefs(ids)
    weights = dict(settings.MATCH_WEIGHTS)
    if args.weights:
        override = json.loads(args.weights)
        unknown = set(override) - set(weights)
        if unknown:
            sys.exit(f"unknown weights {sorted(unknown)}; settings has {sorted(weights)}")
        weights.update(override)
    product = product_ranking(world, ids)
    everything = list(range(len(world.briefs)))
    t1 = time.monotonic()
    rankings = {
        "product": product_with(weights, product),
        "v1_frozen": v1_ranking(briefs, creators, reels),
        "evidence": evidence_ranking(briefs, creators, reels),
    }
    results: dict[str, Any] = {}
    tops: dict[str, dict[int, list[str]]] = {}
    per: dict[str, list[dict[str, float]]] = {}
    for name, rank in rankings.items():
        results[name], tops[name], per[name] = evaluate(judge, rank, everything)
    t_eval = time.monotonic() - t1
    same = sum(tops["product"][i] == tops["v1_frozen"][i] for i in everything)
    overlap = sum(len(set(tops["product"][i]) & set(tops["v1_frozen"][i])) for i in everything) / (
        K * len(everything)
    )
    out: dict[str, Any] = {
        "seed": args.seed,
        "backend": "postgresql" if args.database_url else "sqlite",
        "creators": len(world.creators),
        "stuffers": sum(c.kind == "stuffer" for c in world.creators),
        "briefs": len(world.briefs),
        "relevant_per_brief": sum(
            sum(1 for g in grades.values() if g >= 2) for grades in judge.grades
        )
        / len(world.briefs),
        "ideal_precision": sum(
            min(K, sum(1 for g in grades.values() if g >= 2)) for grades in judge.grades
        )
        / (K * len(world.briefs)),
        "weights": weights,
        "results": results,
        "product_vs_v1": {"identical_top10": same, "overlap_top10": overlap},
        "seconds": {"load": round(t_load, 1), "evaluate": round(t_eval, 1)},
        "per_brief": [
            {
                "brief": i,
                "id": ids[i],
                "true_styles": world.briefs[i].styles,
                "tags": briefs[i]["tags"],
                "preferred_models": briefs[i]["preferred_models"],
                "languages": briefs[i]["languages"],
                "relevant": sum(1 for g in judge.grades[i].values() if g >= 2),
                **{name: {k: round(v, 4) for k, v in per[name][n].items()} for name in rankings},
                "product_top10": tops["product"][i],
            }
            for n, i in enumerate(everything)
        ],
    }
    if args.tune:
        train, test = everything[0::2], everything[1::2]
        t2 = time.monotonic()
        tuned, trail = tune(judge, product, weights, train, args.rounds, args.penalty)
        split = {}
        for label, w in (("start", weights), ("tuned", tuned)):
            split[label] = {
                part: evaluate(judge, product_with(w, product), subset)[0]
                for part, subset in (("train", train), ("test", test))
            }
        out["tune"] = {
            "penalty": args.penalty,
            "tuned_weights": tuned,
            "split": split,
            "trail": trail,
            "seconds": round(time.monotonic() - t2, 1),
        }
    if args.json:
        print(json.dumps(out, indent=2, default=str))
    else:
        print(render(out))


def render(out: dict[str, Any]) -> str:
    lines = [
        f"seed {out['seed']} on {out['backend']}: {out['creators']} creators "
        f"({out['stuffers']} tag stuffers), {out['briefs']} briefs, "
        f"{out['relevant_per_brief']:.1f} creators with grade ≥ 2 per brief "
        f"(best possible precision@10 {out['ideal_precision']:.3f})",
        f"product weights: {json.dumps(out['weights'])}",
        "",
        "| ranking | NDCG@10 | precision@10 | stuffers in top 10 |",
        "|---|---:|---:|---:|",
    ]
    labels = {
        "product": "(a) product (`/briefs/{id}/matches/`)",
        "v1_frozen": "(b) v1 frozen copy",
        "evidence": "(c) evidence baseline",
    }
    for name, m in out["results"].items():
        lines.append(
            f"| {labels[name]} | {m['ndcg']:.3f} | {m['precision']:.3f} | {m['stuffers']:.1%} |"
        )
    pv = out["product_vs_v1"]
    lines += [
        "",
        f"product vs v1 frozen: identical top 10 on {pv['identical_top10']} of {out['briefs']} "
        f"briefs, overlap {pv['overlap_top10']:.1%}",
        f"time: load {out['seconds']['load']} s, evaluate {out['seconds']['evaluate']} s",
    ]
    if "tune" in out:
        t = out["tune"]
        lines += [
            "",
            f"tuning (objective NDCG@10 − {t['penalty']} × stuffers, train = even briefs, "
            f"{t['seconds']} s): {json.dumps(t['tuned_weights'])}",
            "| weights | train NDCG | train stuffers | test NDCG | test stuffers |",
            "|---|---:|---:|---:|---:|",
        ]
        for label, parts in t["split"].items():
            lines.append(
                f"| {label} | {parts['train']['ndcg']:.3f} | {parts['train']['stuffers']:.1%} "
                f"| {parts['test']['ndcg']:.3f} | {parts['test']['stuffers']:.1%} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
