"""HTTP benchmark of the public lists against a raw floor (issue 13). Run by hand, not in CI.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reelmatch_lists .venv/bin/python bench/lists.py

For each size (default 10k creators / 100k reels and 100k creators / 1M reels) it creates,
migrates and seeds `reelmatch_http_<size>` next to the database of DATABASE_URL (COPY, the
seeding of bench/matching.py plus brands and briefs; reused on the next run, `--reseed` to
redo), then

1. in process, per endpoint: the SQL time and the number of queries of one page (median of
   repeated anonymous requests through Django's test client), and a check that the floor
   answers the same JSON as the API;
2. at the largest size, over HTTP: gunicorn (`--workers` sync workers, DEBUG=0, the page cache
   off) serves the project and the floor (bench/http_floor.py: one hand-written SQL query per
   page, same JSON) from the same processes; wrk drives each endpoint and its floor with
   `--connections` clients in interleaved rounds and the medians of requests/s, p50 and p99
   are compared; then one round with the Redis page cache on (CACHE_URL, LIST_CACHE_SECONDS).

It prints the tables and writes them, the command and the machine into the http section of
docs/BENCHMARKS.md. The seeding, the measurements and the report are bench/http_seed.py,
bench/http_measure.py and bench/http_report.py.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import matching as world  # noqa: E402  (seeding and report helpers)
from bench.http_measure import cached_round, http_rounds, sql_profile, start_server, stop_server  # noqa: E402
from bench.http_report import END, START, render  # noqa: E402
from bench.http_seed import prepare  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="creators per size")
    parser.add_argument("--reels-per-creator", type=int, default=10)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--sql-repeat", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=6, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--port", type=int, default=18310)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--no-doc", action="store_true")
    return parser.parse_args()


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def main() -> None:
    args = parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/lists.py needs DATABASE_URL pointing at PostgreSQL")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.http_settings"
    os.environ["DATABASE_POOL"] = "0"
    os.environ["DEBUG"] = "0"
    os.environ["LIST_CACHE_SECONDS"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    import django

    django.setup()
    load_before = load_average()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = {size: prepare(size, args, base_url) for size in sizes}
    print("SQL per page")
    sql = sql_profile(names, args.sql_repeat)
    env = world.machine()
    db_url = world.database_url(base_url, f"reelmatch_http_{sizes[-1]}")
    from django.db import connection

    connection.close()
    print(f"HTTP at {sizes[-1]:,} creators, page cache off")
    server = start_server(db_url, args)
    try:
        http = http_rounds(args)
    finally:
        stop_server(server)
    print("HTTP with the Redis page cache on")
    server = start_server(db_url, args, CACHE_URL=args.cache_url, LIST_CACHE_SECONDS="30")
    try:
        cached = cached_round(args)
    finally:
        stop_server(server)
    version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    wrk_version = (version.stdout or version.stderr).split()[1]
    loads = (wrk_version, f"{load_before} → {load_average()}")
    command = (
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/reelmatch_lists "
        ".venv/bin/python bench/lists.py"
    )
    if sys.argv[1:]:
        command += " " + " ".join(sys.argv[1:])
    section = render(sql, http, cached, env, command, args, loads)
    print(section)
    if not args.no_doc:
        world.START, world.END = START, END
        world.write_doc(section)


if __name__ == "__main__":
    main()
