"""Seeding the list benchmark's databases (bench/lists.py): creators, reels, briefs by COPY.

Its own rows on purpose: the lists read rows, so the rows are all that must be realistic, and
the matching benchmark's world (its evidence columns) changes with the matching engine; only
the catalogue (models, languages, the clock) comes from bench/matching_seed.py.
Each table is loaded through its model's concrete fields, so a column added later with a
default needs nothing here; values are generated per creator from generators seeded by
(seed, creator), in one worker process per CPU, each sending COPY on its own connection.
Secondary indexes are dropped before the load and built after it, then VACUUM ANALYZE.

Shape: creators claim 0–6 of 300 Zipf tags, 1% suspended, tiers 85/12/3%; reels per creator
exponential with mean `reels_per_creator`, 85% approved, one of 14 models, a third of the
videos made on a plan with a model licence row (so `licence_conditions` is not always null);
one brand per 100 creators, one brief per 2 creators and at least 300 (60% open, 90% public,
some with an IP).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlparse, urlunparse

from bench.matching_seed import LANGUAGES, MODEL_NAMES, MODEL_WEIGHTS, MODELS, NOW

SEED = 20251207
SHAPE = "briefs 1:2"  # in the reuse mark: a database seeded with another shape is reseeded
CHUNK = 2_000  # creators per COPY round of a worker

TAGS = [f"tag-{i:03d}" for i in range(300)]
TAG_WEIGHTS = [1.0 / (rank + 1) ** 0.9 for rank in range(len(TAGS))]
COUNTRIES = ["US", "GB", "JP", "CN", "FR", "DE", "BR", "IN", "KR", "ES"]
CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CNY"]
DIMS = [(1080, 1920)] * 6 + [(1920, 1080)] * 3 + [(1080, 1080), (2160, 3840), (720, 1280)]
# (provider, plan, commercial use, conditions): the licence rows loaded when the migrations have
# not seeded the providers' published terms already; videos point at whichever rows exist.
LICENCES = [
    ("kling", "free", "not_allowed", "Free plan output is for personal use only."),
    ("kling", "pro", "allowed", ""),
    ("veo", "pro", "conditional", "Commercial use with the SynthID watermark kept."),
]
Licences = dict[tuple[str, str], tuple[int, str]]  # (provider, plan) → (id, commercial use)


def database_url(base: str, name: str) -> str:
    return urlunparse(urlparse(base)._replace(path=f"/{name}"))


def ensure_database(base_url: str, name: str, *, drop: bool, template: str = "") -> bool:
    """Create database `name` on the server of `base_url` (dropped first if `drop`), as a copy
    of `template` when one is named and free (a migrated database: no migrations to run);
    True if it was created."""
    import psycopg

    with psycopg.connect(database_url(base_url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            try:
                conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"'
                                                             if template else ""))  # fmt: skip
            except (psycopg.errors.ObjectInUse, psycopg.errors.InvalidCatalogName) as exc:
                # Someone is connected to the template, or there is none: migrate instead.
                print(f"  (cannot copy {template}: {exc}; creating {name} empty)", flush=True)
                conn.execute(f'CREATE DATABASE "{name}"')
            return True
    return False


def empty_tables(conninfo: str) -> None:
    """Empty the tables the seeder loads (a database copied from a template may hold rows)."""
    import psycopg

    names = ", ".join(f'"{t.name}"' for t in tables().values())
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def drop_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(database_url(base_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# COPY text from model rows -------------------------------------------------------------------


def _text(value: Any) -> str:
    """One value in COPY's text format (generated values hold no tab, newline or backslash)."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


class Table:
    """A model's table loaded from dicts: the given columns, then every other concrete column
    at its field default (computed once)."""

    def __init__(self, model: Any, given: Iterable[str]) -> None:
        fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
        self.name = model._meta.db_table
        self.given = list(given)
        # An auto primary key not given takes its sequence (the skills' ids).
        rest = [f for f in fields if f.attname not in self.given and
                not (f.primary_key and f.get_internal_type().endswith("AutoField"))]  # fmt: skip
        missing = [f.attname for f in rest if not f.has_default() and not f.null and
                   not f.empty_strings_allowed]  # fmt: skip
        if missing:
            raise ValueError(f"{self.name}: no value for {missing}")
        self.columns = [*(model._meta.get_field(_field(model, a)).column for a in self.given)]
        self.columns += [f.column for f in rest]
        defaults = []
        for f in rest:
            value = f.get_default() if f.has_default() or not f.null else None
            defaults.append(_text(value if not callable(value) else value()))
        self.suffix = ("\t" + "\t".join(defaults)) if defaults else ""

    def line(self, values: tuple) -> str:
        return "\t".join(map(_text, values)) + self.suffix + "\n"


def _field(model: Any, attname: str) -> str:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f.name
    raise KeyError(attname)


def tables() -> dict[str, Table]:
    from campaigns.models import Brand, Brief, IPAsset
    from creators.models import CreatorProfile, CreatorSkill, GeneratedVideo, ModelLicence, Reel
    from marketplace.models import User

    return {
        "user": Table(User, "id email password full_name is_active date_joined".split()),
        "creator": Table(
            CreatorProfile,
            "id user_id handle display_name bio country languages tags reel_tags "
            "min_price_per_project price_per_second rate_currency tier verified suspended "
            "rating_sum review_count completed_contracts on_time_contracts last_active_at "
            "created_at updated_at".split(),
        ),
        "video": Table(
            GeneratedVideo,
            "id provider model video_url thumbnail_url prompt mode duration_s width height "
            "fps seed provider_task_id generated_at plan licence_id licence_verdict".split(),
        ),
        "reel": Table(
            Reel,
            "id creator_id video_id title description tags moderation creator_suspended "
            "created_at updated_at".split(),
        ),
        "skill": Table(CreatorSkill, "creator_id model provider reel_count total_seconds".split()),
        "licence": Table(
            ModelLicence,
            "id provider model_prefix plan commercial_use conditions source_url checked_on "
            "updated_at".split(),
        ),
        "brand": Table(Brand, "id name slug created_at".split()),
        "ip": Table(IPAsset, "id brand_id name description created_at".split()),
        "brief": Table(
            Brief,
            "id brand_id ip_id title description tags preferred_models languages "
            "deliverables total_seconds budget_min budget_max currency bid_deadline "
            "delivery_deadline visibility min_tier slots usage_exclusive usage_territories "
            "usage_term_months usage_channels usage_perpetual commercial_licence_required "
            "status submitted_at approved_at created_at updated_at".split(),
        ),
    }


# The rows ---------------------------------------------------------------------------------------


def reel_count(creator: int, per_creator: int) -> int:
    """Skewed: some creators post a lot; the mean is `per_creator`."""
    return int(random.Random(SEED * 1_000_003 + creator).expovariate(1 / per_creator) + 0.5)


def pick_tags(rng: random.Random, low: int, high: int) -> list[str]:
    return sorted(set(rng.choices(TAGS, TAG_WEIGHTS, k=rng.randint(low, high))))


def creator_lines(  # type: ignore[no-untyped-def]
    t: dict[str, Table], out: dict[str, list[str]], licences: Licences, i: int, n: int, count: int
):
    """Creator i's user, profile, `count` videos and reels (ids from `n`) and skills."""
    rng = random.Random(SEED * 5_000_011 + i)
    suspended = rng.random() < 0.01
    focus = pick_tags(rng, 1, 3)
    skills: Counter[str] = Counter()
    seconds: Counter[str] = Counter()
    reel_tags: set[str] = set()
    for r in range(n, n + count):
        model = rng.choices(MODEL_NAMES, MODEL_WEIGHTS)[0]
        provider = MODELS[model][0]
        plan = rng.choice(["", "", "free", "standard", "pro"])
        licence, verdict = licences.get((provider, plan), (None, "unknown"))
        secs = 5 + rng.randrange(56)
        width, height = DIMS[rng.randrange(len(DIMS))]
        when = NOW - timedelta(days=rng.random() * 400)
        tags = sorted({focus[rng.randrange(len(focus))], *pick_tags(rng, 0, 2)})
        draw = rng.random()
        moderation = "approved" if draw < 0.85 else "pending" if draw < 0.95 else "rejected"
        out["video"].append(
            t["video"].line((
                r, provider, model, f"https://cdn.example.com/v/{r}.mp4",
                f"https://cdn.example.com/t/{r}.jpg", f"a neon city at night, shot {r}",
                "text_to_video", secs, width, height, 24, r * 7919 % 100_000,
                f"task-{r}", when, plan, licence, verdict,
            ))
        )  # fmt: skip
        out["reel"].append(
            t["reel"].line((
                r, i, r, f"Reel {r}", "Night city teaser.", tags, moderation, suspended,
                when, when,
            ))
        )  # fmt: skip
        if moderation == "approved":
            skills[model] += 1
            seconds[model] += secs
            reel_tags.update(tags)
    reviews = int(rng.expovariate(1 / 8)) if rng.random() < 0.7 else 0
    completed = int(rng.expovariate(1 / 6)) if rng.random() < 0.6 else 0
    priced = rng.random() < 0.75
    out["user"].append(t["user"].line((i, f"bench{i}@example.com", "!", "", True, NOW)))
    out["creator"].append(
        t["creator"].line((
            i, i, f"creator-{i}", f"Creator {i}", "Neon noir and product shots.",
            rng.choice(COUNTRIES), sorted(set(rng.choices(LANGUAGES, k=rng.randint(1, 3)))),
            pick_tags(rng, 0, 6), sorted(reel_tags),
            rng.randint(20_000, 500_000) if priced else None,
            rng.randint(500, 20_000) if priced and rng.random() < 0.5 else None,
            rng.choice(CURRENCIES) if priced else "",
            rng.choices(["standard", "partner", "elite"], [85, 12, 3])[0],
            rng.random() < 0.05, suspended, round(reviews * rng.uniform(2.5, 5.0)), reviews,
            completed, rng.randint(0, completed), NOW - timedelta(days=rng.random() * 90),
            NOW - timedelta(days=400 + i % 300), NOW,
        ))
    )  # fmt: skip
    for model in sorted(skills):
        out["skill"].append(
            t["skill"].line((i, model, MODELS[model][0], skills[model], seconds[model]))
        )


def brand_and_brief_lines(t: dict[str, Table], n_creators: int) -> dict[str, list[str]]:
    rng = random.Random(SEED + 13)
    out: dict[str, list[str]] = {"brand": [], "ip": [], "brief": []}
    n_brands = max(10, n_creators // 100)
    for b in range(1, n_brands + 1):
        out["brand"].append(t["brand"].line((b, f"Brand {b}", f"brand-{b}", NOW)))
        out["ip"].append(t["ip"].line((b, b, f"Mascot {b}", "The brand's mascot.", NOW)))
    statuses = ["open"] * 6 + ["draft", "closed", "awarded", "completed"]
    for i in range(1, max(300, n_creators // 2) + 1):
        seconds = rng.choice([15, 30, 45, 60])
        low = rng.randint(20_000, 300_000)
        brand = rng.randint(1, n_brands)
        status = rng.choice(statuses)
        term = rng.choice([None, 6, 12, 24])
        out["brief"].append(
            t["brief"].line((
                i, brand, brand if rng.random() < 0.3 else None, f"Brief {i}",
                "Make a vertical teaser for our launch.", pick_tags(rng, 1, 4),
                sorted(set(rng.choices(MODEL_NAMES, k=rng.randint(0, 3)))), ["en"],
                [{"count": 1, "duration_s": seconds, "aspect_ratio": "9:16",
                  "resolution": "1080p"}],
                seconds, low, low * 2, "USD", NOW + timedelta(days=rng.randint(1, 30)),
                NOW + timedelta(days=rng.randint(31, 60)),
                "invite_only" if rng.random() < 0.1 else "public", "standard", 1,
                rng.random() < 0.2, ["US", "GB"], term, ["tiktok", "youtube"], term is None,
                rng.random() < 0.9, status,
                None if status == "draft" else NOW - timedelta(days=2),
                None if status == "draft" else NOW - timedelta(days=1), NOW, NOW,
            ))
        )  # fmt: skip
    return out


# Loading -------------------------------------------------------------------------------------


def _copy(conn: Any, table: Table, lines: list[str]) -> None:
    if not lines:
        return
    cols = ", ".join(f'"{c}"' for c in table.columns)
    with conn.cursor().copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
        copy.write("".join(lines))


def _connect(conninfo: str) -> Any:
    import psycopg

    conn = psycopg.connect(conninfo, autocommit=True)
    conn.execute("SET session_replication_role = replica")  # ids consistent by construction
    conn.execute("SET synchronous_commit = off")
    return conn


def load_chunk(job: tuple[str, Licences, int, int, int, list[int]]) -> int:
    """Generate creators `lo`..`hi-1` (reels numbered from `first`) and COPY them in."""
    conninfo, licences, lo, hi, first, counts = job
    t = tables()
    out: dict[str, list[str]] = {k: [] for k in ("user", "creator", "video", "reel", "skill")}
    for i, count in zip(range(lo, hi), counts, strict=True):
        creator_lines(t, out, licences, i, first, count)
        first += count
    with _connect(conninfo) as conn:
        for key, lines in out.items():
            _copy(conn, t[key], lines)
    return hi - lo


def load_licences(conn: Any, table: Table) -> Licences:
    """The model licence rows by (provider, plan); ours loaded first if there are none."""
    query = "SELECT id, provider, plan, commercial_use FROM creators_modellicence"
    if not conn.execute(query).fetchall():
        _copy(conn, table, [
            table.line((i, provider, "", plan, use, conditions,
                        f"https://example.com/{provider}/terms", date(2025, 5, 1), NOW))
            for i, (provider, plan, use, conditions) in enumerate(LICENCES, 1)
        ])  # fmt: skip
    return {(p, plan): (i, use) for i, p, plan, use in conn.execute(query).fetchall()}


def _drop_secondary_indexes(cursor: Any, names: list[str]) -> list[str]:
    """Drop the unique constraints and non-primary indexes of tables `names`; the SQL to
    rebuild them."""
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c WHERE c.contype = 'u' AND c.conrelid::regclass::text = ANY(%s)",
        [names],
    )
    rebuild = []
    for table, name, definition in cursor.fetchall():
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        rebuild.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [names],
    )
    for name, definition in cursor.fetchall():
        cursor.execute(f"DROP INDEX {name}")
        rebuild.append(definition)
    return rebuild


def seed(conninfo: str, n_creators: int, per_creator: int, jobs: int = 0) -> int:
    """Load a fresh, migrated database; returns the number of reels."""
    import psycopg

    jobs = jobs or os.cpu_count() or 2
    t = tables()
    counts = [reel_count(i, per_creator) for i in range(n_creators + 1)]
    big = [t[k].name for k in ("user", "creator", "video", "reel", "skill")]
    with psycopg.connect(conninfo, autocommit=True) as conn, conn.cursor() as cursor:
        rebuild = _drop_secondary_indexes(cursor, big)
    with _connect(conninfo) as conn:
        for key, lines in brand_and_brief_lines(t, n_creators).items():
            _copy(conn, t[key], lines)
        licences = load_licences(conn, t["licence"])
    work, first = [], 1
    for lo in range(1, n_creators + 1, CHUNK):
        hi = min(lo + CHUNK, n_creators + 1)
        work.append((conninfo, licences, lo, hi, first, counts[lo:hi]))
        first += sum(counts[lo:hi])
    started = time.perf_counter()
    done = 0
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for n in pool.imap_unordered(load_chunk, work):
            done += n
            if done % 20_000 < CHUNK or done == n_creators:
                print(f"  {done:,} / {n_creators:,} creators", flush=True)
    print(f"  rows in {time.perf_counter() - started:.0f} s; {len(rebuild)} indexes …", flush=True)

    def build(statement: str) -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '512MB'")
            conn.execute(statement)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(build, rebuild))
    print(f"  indexes in {time.perf_counter() - started:.0f} s", flush=True)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for key in ("user", "creator", "video", "reel", "skill", "licence", "brand", "ip",
                    "brief"):  # fmt: skip
            name = t[key].name
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {name}))"
            )
        conn.execute("VACUUM ANALYZE")
    return first - 1
