"""Benchmark of the matching ranking (v2) on PostgreSQL (issues 5 and 10). Run by hand, not in CI.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reelmatch_dev .venv/bin/python bench/matching.py
    … bench/matching.py --sizes 1000000 --repeat 3 --brute-repeat 0 --no-doc   # 1M / ~10M reels

For each size (default 10k creators / ~100k reels and 100k creators / ~1M reels) it creates and
migrates a dedicated database next to the one in DATABASE_URL (`reelmatch_bench_<size>`, or
`--db-prefix`), seeds it with parallel COPY (`bench/matching_seed.py`, `bench/matching_load.py`:
creators with their stored evidence, videos, reels, skills, term statistics; a sample is
checked against `creators_evidence_refresh`), then times for a handful of briefs:

  (a) `campaigns.matching.rank_creators` — what the matches endpoint runs (top 20 with
      breakdown, reasons and flags);
  (b) one hand-written raw SQL query of the same v2 formula scoring every eligible creator
      (`bench/matching_sql.py`);
  (c) brute force: every creator into Python, scored with the reference (skipped with
      `--brute-repeat 0`).

It checks that they agree, prints medians and ratios, and writes the table, the command, the
machine and EXPLAIN (ANALYZE, BUFFERS) into docs/BENCHMARKS.md (`bench/matching_report.py`).
Seeded databases are reused on the next run (`--reseed` to redo).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
# bench/ goes last: its http.py must not shadow the standard library's `http` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))

from matching_load import check_evidence_consistency, seed  # noqa: E402
from matching_report import machine, render, write_doc  # noqa: E402
from matching_seed import NOW, expected_reels  # noqa: E402
from matching_sql import raw_sql  # noqa: E402

LIMIT = 20


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="creators per run, comma-separated")
    parser.add_argument("--reels-per-creator", type=int, default=10, help="mean, skewed")
    parser.add_argument("--repeat", type=int, default=9, help="timed runs of (a) and (b) per brief")
    parser.add_argument("--brute-repeat", type=int, default=3, help="timed runs of (c) per brief")
    parser.add_argument(
        "--brute-max-size", type=int, default=100_000, help="no brute force above this size"
    )
    parser.add_argument("--reseed", action="store_true", help="drop and seed the databases again")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/BENCHMARKS.md")
    parser.add_argument("--jobs", type=int, default=0, help="seeding processes (0: one per CPU)")
    parser.add_argument(
        "--db-prefix", default="reelmatch_bench", help="databases are named <prefix>_<size>"
    )
    return parser.parse_args()


def database_url(base: str, name: str) -> str:
    parts = urlparse(base)
    return urlunparse(parts._replace(path=f"/{name}"))


def ensure_database(base_url: str, name: str, *, drop: bool) -> bool:
    """Create database `name` on the server of `base_url`; True if it was (re)created."""
    import psycopg

    with psycopg.connect(database_url(base_url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            return True
    return False


def use_database(name: str) -> None:
    """Point Django's default connection at another database on the same server."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def make_briefs() -> list[Any]:
    """A few briefs of different shapes, made once per database."""
    from campaigns.models import Brand, Brief
    from creators.text import tokenize

    brand, _ = Brand.objects.get_or_create(slug="bench-brand", defaults={"name": "Bench brand"})
    specs = [
        (
            "typical",
            dict(
                description="w0012 w0140 w0877 w1500 in vertical video",
                tags=["tag-003", "tag-010", "tag-042"],
                preferred_models=["kling-2.1-pro", "veo-3"],
                languages=["en"],
                currency="USD",
                budget_max=150_000,
                total_seconds=30,
            ),
        ),
        (
            "niche",
            dict(
                description="w2010 w2999 w0400",
                tags=["tag-120", "tag-200", "tag-250", "tag-299"],
                preferred_models=["hailuo-02"],
                languages=["ja"],
                currency="JPY",
                budget_max=200_000,
                total_seconds=15,
            ),
        ),
        (
            "untagged",
            dict(
                description="w0001 w0002 w0050",
                tags=[],
                preferred_models=[],
                languages=[],
                currency="EUR",
                budget_max=80_000,
                total_seconds=60,
            ),
        ),
        (
            "broad",
            dict(
                description="w0005 w0009 w0031 w0077 w0123 w0456 w0789 w1234",
                tags=["tag-000", "tag-001", "tag-002", "tag-005", "tag-008", "tag-013"],
                preferred_models=["kling-2.1", "sora-2", "runway-gen4"],
                languages=["zh", "en"],
                currency="CNY",
                budget_max=900_000,
                total_seconds=45,
            ),
        ),
        (
            "elite",
            dict(
                description="w0300 w0301",
                tags=["tag-004", "tag-020"],
                preferred_models=["veo-3"],
                languages=["en"],
                currency="GBP",
                budget_max=300_000,
                total_seconds=30,
                min_tier="elite",
            ),
        ),
    ]
    briefs = []
    for title, fields in specs:
        brief, _ = Brief.objects.get_or_create(
            brand=brand,
            title=f"bench {title}",
            defaults=dict(
                deliverables=[
                    {
                        "count": 1,
                        "duration_s": fields["total_seconds"],
                        "aspect_ratio": "9:16",
                        "resolution": "1080p",
                    }
                ],
                budget_min=1,
                bid_deadline=NOW + timedelta(days=7),
                delivery_deadline=NOW + timedelta(days=21),
                status="open",
                **fields,
            ),
        )
        brief.terms = tokenize(brief.title, brief.description)
        brief.save(update_fields=["terms"])
        briefs.append(brief)
    return briefs


# The three ways to rank ---------------------------------------------------------------------


def run_raw(brief: Any) -> list[tuple[int, float]]:
    """(b), with JIT off like the ranking (`SET LOCAL` in its own transaction), to be fair."""
    from django.db import connection, transaction

    sql, params = raw_sql(brief, LIMIT)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return [(pk, score) for pk, score in cursor.fetchall()]


def run_ranking(brief: Any) -> list[tuple[int, float]]:
    from campaigns import matching

    return [(m.creator.pk, m.score) for m in matching.rank_creators(brief, limit=LIMIT, now=NOW)]


def run_brute(brief: Any) -> list[tuple[int, float]]:
    from campaigns.matching import reference as ref

    ranked = ref.rank_creators(
        ref.BriefFacts.of(brief), ref.load_creator_facts(), now=NOW, limit=LIMIT
    )
    return [(s.id, s.score) for s in ranked]


def timed(runs: dict[str, Callable[[Any], list]], brief: Any, repeat: int) -> dict[str, Any]:
    """Run each method once to warm up, then `repeat` rounds, the methods interleaved so that
    load from other processes falls on all of them alike. Returns times (ms) and results."""
    out: dict[str, Any] = {name: {"times": [], "result": fn(brief)} for name, fn in runs.items()}
    for _ in range(repeat):
        for name, fn in runs.items():
            start = time.perf_counter()
            out[name]["result"] = fn(brief)
            out[name]["times"].append((time.perf_counter() - start) * 1000)
    return out


def same(a: list[tuple[int, float]], b: list[tuple[int, float]]) -> bool:
    return [pk for pk, _ in a] == [pk for pk, _ in b] and all(
        abs(x - y) <= 1e-9 for (_, x), (_, y) in zip(a, b, strict=True)
    )


def explain_ranking(brief: Any) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the queries `rank_creators` runs for `brief` that take
    more than a few milliseconds (θ, the sample, the ranking), replayed in order in one
    transaction with the same settings (JIT off, and the index plan's `enable_seqscan`)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from campaigns import matching

    with CaptureQueriesContext(connection) as captured:
        matching.rank_creators(brief, limit=LIMIT, now=NOW)
    plans = []
    with transaction.atomic(), connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if sql.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")):
                continue
            if "set_config" in sql:
                cursor.execute(sql)
            elif float(query["time"]) > 0.005:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(r[0] for r in cursor.fetchall())
                plans.append(f"-- {sql[:70]}…\n{plan}")
        transaction.set_rollback(True)
    return "\n\n".join(plans)


def measure(size: int, args: argparse.Namespace, base_url: str) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    name = f"{args.db_prefix}_{size}"
    created = ensure_database(base_url, name, drop=args.reseed)
    use_database(name)
    n_reels = expected_reels(size, args.reels_per_creator)
    seeded: float | None = None
    from creators.models import CreatorProfile, Reel, TermStat

    if (
        created
        or CreatorProfile.objects.count() != size
        or Reel.objects.count() != n_reels
        or not TermStat.objects.exists()
    ):
        if not created:
            ensure_database(base_url, name, drop=True)
            use_database(name)
        print(f"== seeding {name}: {size:,} creators, {n_reels:,} reels", flush=True)
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        seed(size, args.reels_per_creator, jobs=args.jobs)
        seeded = time.perf_counter() - started
        print(f"seeded in {seeded:.0f} s", flush=True)
        with connection.cursor() as cursor:  # remembered for the report of a later reuse
            cursor.execute(f"COMMENT ON DATABASE \"{name}\" IS 'seeded in {seeded:.0f} s'")
    else:
        print(f"== reusing {name}: {size:,} creators, {n_reels:,} reels", flush=True)
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                           "WHERE datname = %s", [name])  # fmt: skip
            note = (cursor.fetchone() or [None])[0] or ""
        if note.startswith("seeded in "):
            seeded = float(note.split()[2])
    check_evidence_consistency()
    briefs = make_briefs()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM creators_creatorskill")
        skills = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('creators_creatorprofile'))")
        profile_size = cursor.fetchone()[0]

    load_before = os.getloadavg()[0]
    timings: dict[str, list[float]] = {"ranking": [], "raw": [], "brute": []}
    per_brief = []
    for brief in briefs:
        runs = timed({"ranking": run_ranking, "raw": run_raw}, brief, args.repeat)
        assert same(runs["ranking"]["result"], runs["raw"]["result"]), brief.title
        if args.brute_repeat and size <= args.brute_max_size:
            runs |= timed({"brute": run_brute}, brief, args.brute_repeat)
            assert same(runs["ranking"]["result"], runs["brute"]["result"]), brief.title
        row: dict[str, Any] = {"brief": brief.title.removeprefix("bench ")}
        for name, run in runs.items():
            timings[name] += run["times"]
            row[name] = statistics.median(run["times"])
        per_brief.append(row)
        print(
            f"  {row['brief']:>9}: ranking {row['ranking']:7.1f} ms   raw SQL {row['raw']:7.1f} ms"
            f"   brute force {row.get('brute', float('nan')):8.0f} ms   (they agree)",
            flush=True,
        )
    medians = {k: statistics.median(v) if v else float("nan") for k, v in timings.items()}
    result = {
        "size": size,
        "reels": n_reels,
        "skills": skills,
        "profile_size": profile_size,
        "medians": medians,
        "per_brief": per_brief,
        "explain": explain_ranking(briefs[0]),
        "load": (load_before, os.getloadavg()[0]),
        "seeded": seeded,
    }
    rank, raw, brute = medians["ranking"], medians["raw"], medians["brute"]
    print(
        f"-- {size:,} creators: ranking {rank:.1f} ms, raw SQL {raw:.1f} ms, brute force "
        f"{brute:.0f} ms; ranking/raw = {rank / raw:.2f}×, brute/ranking = {brute / rank:.0f}×",
        flush=True,
    )
    return result


def main() -> None:
    args = parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/matching.py needs DATABASE_URL pointing at PostgreSQL")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")
    os.environ["DATABASE_POOL"] = "0"
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = [measure(size, args, base_url) for size in sizes]
    env = machine()
    print(f"machine: {env}")
    command = (
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/reelmatch_dev "
        ".venv/bin/python bench/matching.py"
    )
    extra = " ".join(sys.argv[1:])
    if extra:
        command += f" {extra}"
    if not args.no_doc:
        write_doc(render(results, env, command))


if __name__ == "__main__":
    main()
