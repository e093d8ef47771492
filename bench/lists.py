"""HTTP benchmark of the public lists against a plain floor. Run by hand; a test runs it tiny.

    nice -n 5 .venv/bin/python bench/lists.py --sizes 10000,100000 [--reuse]

DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres;
its database is not touched). For each size (creators; ~10 reels each, a brief per 2) it
creates, migrates and seeds `<--db-prefix>_<size>` by COPY (bench/http_seed.py), or with
`--reuse` keeps one seeded alike before. Then it starts the API (gunicorn, sync workers,
DEBUG=0, the page cache off) and the floor (bench/http_floor.py: a plain WSGI app, psycopg
and one SQL statement per page, no Django) side by side, checks that every page (each public
list at page 1 and page 50) is the same bytes on both and that the API answers its ETag with
304, and times them in interleaved rounds (bench/http_measure.py: wrk when installed, else
threads). It prints the command, the machine and its load averages before and after each
size, and the ratios API/floor with their spread over the rounds, and writes them into the
lists section of docs/BENCHMARKS.md (bench/http_report.py) unless `--no-doc`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import http_measure as measure  # noqa: E402
from bench import http_seed as seeding  # noqa: E402
from bench.http_report import render, write_doc  # noqa: E402

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="creators per size")
    parser.add_argument("--reels-per-creator", type=int, default=10, help="mean, skewed")
    parser.add_argument("--db-prefix", default="reelmatch_lists", help="<prefix>_<size>")
    parser.add_argument("--reuse", action="store_true", help="keep a database seeded alike")
    parser.add_argument("--drop", action="store_true", help="drop the databases at the end")
    parser.add_argument("--pages", default="1,50", help="page numbers measured")
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers, each")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=int, default=5, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=18470, help="API; the floor on port + 1")
    parser.add_argument("--cache-url", default="", help="the API's CACHE_URL (default: none)")
    parser.add_argument("--load", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--jobs", type=int, default=0, help="seeding processes (0: per CPU)")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/BENCHMARKS.md")
    parser.add_argument("--timed", default="", help="time only these lists (default: all)")
    parser.add_argument("--template", default="", help="copy new databases from this one")
    args = parser.parse_args(argv)
    args.page_numbers = [int(p) for p in args.pages.split(",")]
    args.size_list = [int(s) for s in args.sizes.split(",")]
    if args.load == "auto":
        args.load = measure.load_tool()
    return args


def loads() -> tuple[float, float, float]:
    return os.getloadavg()


def machine(db_url: str) -> dict[str, str]:
    import psycopg

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        "unknown",
    )  # fmt: skip
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )  # fmt: skip
    with psycopg.connect(db_url) as conn:
        pg = conn.execute("SELECT version()").fetchone()[0].split(" on ")[0]  # type: ignore[index]
        shared = conn.execute("SHOW shared_buffers").fetchone()[0]  # type: ignore[index]
        work = conn.execute("SHOW work_mem").fetchone()[0]  # type: ignore[index]
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "ram": f"{mem_kb / 1024 / 1024:.0f} GiB",
        "postgres": f"{pg} (shared_buffers={shared}, work_mem={work})",
        "python": platform.python_version(),
    }


def prepare(size: int, args: argparse.Namespace, base_url: str) -> dict[str, Any]:
    """The size's database, migrated and seeded (or reused when `--reuse` finds it seeded
    with the same parameters); returns its URL and what was done."""
    from django.core.management import call_command
    from django.db import connection

    name = f"{args.db_prefix}_{size}"
    mark = (
        f"lists: {size} creators, {args.reels_per_creator} reels each, seed {seeding.SEED}, "
        f"{seeding.SHAPE}"
    )
    url = seeding.database_url(base_url, name)
    note = None
    if args.reuse and not seeding.ensure_database(base_url, name, drop=False):
        import psycopg

        with psycopg.connect(url) as conn:
            note = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = %s", [name]
            ).fetchone()[0]  # type: ignore[index]  # fmt: skip
    connection.close()
    connection.settings_dict["NAME"] = name
    if note and note.startswith(mark):
        print(f"== reusing {name} ({note})", flush=True)
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        return {"name": name, "url": url, "seeded": note.removeprefix(mark).strip(" ,")}
    started = time.perf_counter()
    seeding.ensure_database(base_url, name, drop=True, template=args.template)
    print(f"== seeding {name}: {size:,} creators", flush=True)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # a template may come without it
    connection.close()
    print(f"   created and migrated in {time.perf_counter() - started:.0f} s", flush=True)
    seeding.empty_tables(url)
    reels = seeding.seed(url, size, args.reels_per_creator, jobs=args.jobs)
    took = time.perf_counter() - started
    done = f"{reels} reels, seeded in {took:.0f} s"
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{mark}, {done}'")
    print(f"   {done}", flush=True)
    return {"name": name, "url": url, "seeded": done}


def floor_config() -> str:
    from django.conf import settings

    keys = ["LIST_COUNT_CAP", "GENERATION_COST_PER_SECOND", "EXPECTED_REROLLS", "FX_TO_USD",
            "CURRENCY_EXPONENTS"]  # fmt: skip
    return json.dumps({k: getattr(settings, k) for k in keys}, default=str)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    command = "nice -n 5 .venv/bin/python bench/lists.py " + shlex.join(sys.argv[1:])
    base_url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/lists.py needs PostgreSQL: DATABASE_URL=postgres://…")
    first = f"{args.db_prefix}_{args.size_list[0]}"
    seeding.ensure_database(base_url, first, drop=False)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.base",
        DATABASE_URL=seeding.database_url(base_url, first),
        DATABASE_POOL="0",
        DEBUG="0",
        CACHE_URL="",
        REDIS_URL="",
    )
    import django

    django.setup()
    env = machine(seeding.database_url(base_url, first))
    print(f"command: {command}")
    print(f"machine: {env['cores']} cores ({env['cpu']}), {env['ram']}, {env['postgres']}")
    print(f"load: {args.load}, {args.connections} connections, {args.workers} workers each")
    config = floor_config()
    results = []
    for size in args.size_list:
        db = prepare(size, args, base_url)
        before = loads()
        print(f"== {size:,} creators; load average before {before}", flush=True)
        servers = measure.start_servers(db["url"], config, args)
        try:
            urls = measure.pages(args)
            measure.check_same(servers["ports"], urls)
            only = [n for n in args.timed.split(",") if n]
            urls = {k: v for k, v in urls.items() if not only or k.rsplit(" ", 1)[0] in only}
            timed = measure.rounds(servers, urls, args)
        finally:
            measure.stop_servers(servers["procs"])
        after = loads()
        print(f"   load average after {after}", flush=True)
        results.append({"size": size, "db": db, "load": (before, after), "lists": timed})
    section = render(results, env, command, args)
    print(section)
    if not args.no_doc:
        write_doc(section)
    if args.drop:
        from django.db import connection

        connection.close()
        for size in args.size_list:
            seeding.drop_database(base_url, f"{args.db_prefix}_{size}")
    return {"results": results, "section": section}


if __name__ == "__main__":
    main()
