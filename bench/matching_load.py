"""Loading the matching benchmark's world into PostgreSQL fast (used by bench/matching.py).

1M creators / 10M reels are ~20M rows. Three things keep that within minutes on two cores:

- the rows are generated in worker processes (one per core), each for its own ranges of
  creators (`matching_seed.creator_lines` depends only on the creator), and sent by COPY on the
  worker's own connection;
- the secondary indexes and unique constraints of the loaded tables are dropped first and built
  once at the end (with a large `maintenance_work_mem`, several at a time), and the foreign-key
  triggers are off while loading (`session_replication_role = replica`: the generated ids are
  consistent by construction, and the constraints stay declared);
- commits do not wait for the WAL flush (`synchronous_commit = off`).

Then sequences, term statistics (`term_stats_refresh`) and VACUUM ANALYZE.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from matching_seed import TABLES, Lines, creator_lines, reel_count

CHUNK = 5_000  # creators per COPY round of a worker (~50k reels, ~20 MB of text)
LOAD_SETTINGS = ("SET session_replication_role = replica", "SET synchronous_commit = off")
BUILD_SETTINGS = (
    "SET maintenance_work_mem = '1GB'",
    "SET max_parallel_maintenance_workers = 2",
    "SET synchronous_commit = off",
)


def dsn() -> str:
    """Connection string of Django's default database, for the workers' own connections."""
    from django.db import connection

    s = connection.settings_dict
    parts = {"dbname": s["NAME"], "user": s["USER"], "password": s["PASSWORD"]}
    parts |= {"host": s["HOST"], "port": s["PORT"]}
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def load_chunk(job: tuple[str, int, int, int, list[int], int]) -> int:
    """Generate creators `lo`..`hi-1` (reels numbered from `first_reel`) and COPY them in."""
    import psycopg

    conninfo, lo, hi, first_reel, counts, seed_value = job
    lines = Lines()
    n = first_reel
    for i, count in zip(range(lo, hi), counts, strict=True):
        creator_lines(lines, i, count, n, seed_value)
        n += count
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for statement in LOAD_SETTINGS:
            conn.execute(statement)
        for table, columns in TABLES.items():
            cols = ", ".join(f'"{c}"' for c in columns)
            with conn.cursor().copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                copy.write("".join(lines.by_table[table]))
    return hi - lo


def drop_secondary_indexes(cursor: Any, tables: list[str]) -> list[str]:
    """Drop the unique constraints and non-primary indexes of `tables`; the SQL to rebuild them."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c WHERE c.contype = 'u' AND c.conrelid::regclass::text = ANY(%s)
        """,
        [tables],
    )
    rebuild = []
    for table, name, definition in cursor.fetchall():
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        rebuild.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [tables],
    )
    for name, definition in cursor.fetchall():
        cursor.execute(f"DROP INDEX {name}")
        rebuild.append(definition)
    return rebuild


def build(conninfo: str, statements: list[str], jobs: int) -> None:
    """Run the index and constraint builds, `jobs` at a time on their own connections."""
    import psycopg

    def run(statement: str) -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            for setting in BUILD_SETTINGS:
                conn.execute(setting)
            conn.execute(statement)

    # Largest tables first, so the long builds start early.
    order = {t: k for k, t in enumerate(["creators_reel", "creators_generatedvideo"])}
    statements = sorted(statements, key=lambda s: min(order.get(t, 9) for t in tables_in(s)))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(run, statements))


def tables_in(statement: str) -> list[str]:
    return [t for t in TABLES if t in statement] or [""]


def seed(n_creators: int, per_creator: int, seed_value: int = 20250601, jobs: int = 0) -> int:
    """Users, creators (with evidence), videos, reels and skills by parallel COPY, then the
    indexes, sequences, term statistics and VACUUM ANALYZE. Returns the number of reels."""
    from django.db import connection
    from tqdm import tqdm

    jobs = jobs or os.cpu_count() or 2
    counts = [reel_count(i, n_creators, per_creator, seed_value) for i in range(n_creators + 1)]
    conninfo = dsn()
    with connection.cursor() as cursor:
        rebuild = drop_secondary_indexes(cursor, list(TABLES))
    connection.close()  # the workers are forked: they must not share this connection
    work, first = [], 1
    for lo in range(1, n_creators + 1, CHUNK):
        hi = min(lo + CHUNK, n_creators + 1)
        work.append((conninfo, lo, hi, first, counts[lo:hi], seed_value))
        first += sum(counts[lo:hi])
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        with tqdm(total=n_creators, desc="creators and reels", unit="creator") as bar:
            for done in pool.imap_unordered(load_chunk, work):
                bar.update(done)
    print(f"rows loaded in {time.perf_counter() - started:.0f} s; indexes …", flush=True)
    started = time.perf_counter()
    build(conninfo, rebuild, jobs)
    print(f"{len(rebuild)} indexes built in {time.perf_counter() - started:.0f} s", flush=True)
    finish()
    return first - 1


def finish() -> None:
    """Sequences past the loaded ids, term statistics, and statistics for the planner."""
    from django.db import connection

    from creators.services import term_stats_refresh

    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
    started = time.perf_counter()
    term_stats_refresh()
    print(f"term statistics in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.perf_counter() - started:.0f} s", flush=True)


def check_evidence_consistency(sample: int = 50) -> None:
    """Recompute a sample of creators with the real service and require no change."""
    from django.db import transaction

    from creators.models import CreatorProfile, CreatorSkill
    from creators.services import creators_evidence_refresh

    fields = ["reel_tags", "tag_evidence", "model_evidence", "provider_evidence", "formats"]
    fields += ["terms", "last_active_at"]
    ids = list(CreatorProfile.objects.order_by("?").values_list("pk", flat=True)[:sample])

    def snapshot() -> dict[int, Any]:
        skills: dict[int, list] = {}
        for s in CreatorSkill.objects.filter(creator_id__in=ids).order_by("creator_id", "model"):
            skills.setdefault(s.creator_id, []).append((s.model, s.reel_count, s.total_seconds))
        rows = CreatorProfile.objects.filter(pk__in=ids).values_list("pk", *fields)
        return {row[0]: (skills.get(row[0], []), row[1:]) for row in rows}

    before = snapshot()
    with transaction.atomic():
        creators_evidence_refresh(creator_ids=ids)
        after = snapshot()
        transaction.set_rollback(True)
    assert before == after, "seeded evidence differs from creators_evidence_refresh"
    print(f"evidence of {len(ids)} sampled creators matches creators_evidence_refresh")
