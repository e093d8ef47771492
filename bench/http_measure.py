"""What bench/lists.py measures: SQL per page in process, then throughput over HTTP with wrk.

In process isolates the database work of one page (and checks the floor answers the same
JSON as the API); over HTTP adds the whole request cycle under concurrent load, where the API
and its floor run back to back in each round so load drifts on a shared machine hit both.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench import matching as world  # seeding and report helpers

ROOT = Path(__file__).resolve().parent.parent
ENDPOINTS = {  # name → (API path, floor path)
    "creators": ("/api/v1/creators/?page_size=50", "/floor/creators/?page_size=50"),
    "creators tag+model": (
        "/api/v1/creators/?tags=tag-001&models=kling-2.1-pro&page_size=50",
        "/floor/creators/?tags=tag-001&models=kling-2.1-pro&page_size=50",
    ),
    "reels": ("/api/v1/reels/?page_size=50", "/floor/reels/?page_size=50"),
    "briefs": ("/api/v1/briefs/?page_size=50", "/floor/briefs/?page_size=50"),
}


# In process: SQL time per page, same JSON -----------------------------------------------------


def _timed_get(client: Any, path: str) -> tuple[Any, float, int, float]:
    """GET `path` anonymously: the response, the ms spent in the driver's SQL calls, the number
    of queries, and the ms the server spent executing them (EXPLAIN ANALYZE, TIMING OFF, run
    right after on the same queries: planning + execution, no client or network time)."""
    from django.db import connection

    spent: list[float] = []
    queries: list[tuple[str, Any]] = []

    def timer(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append((sql, params))
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(time.perf_counter() - start)

    with connection.execute_wrapper(timer):
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    server = 0.0
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]
            server += plan["Planning Time"] + plan["Execution Time"]
    return response, sum(spent) * 1000, len(spent), server


def sql_profile(names: dict[int, str], repeat: int) -> dict[int, dict[str, dict[str, Any]]]:
    """Per size and endpoint: median SQL ms and queries of one anonymous page, the sizes
    interleaved round by round (so load drifts hit both; each switch opens a new connection,
    warmed with one unmeasured request per endpoint); floor JSON == API JSON."""
    from django.test import Client

    client = Client()
    times: dict[int, dict[str, list[float]]] = {s: {e: [] for e in ENDPOINTS} for s in names}
    server: dict[int, dict[str, list[float]]] = {s: {e: [] for e in ENDPOINTS} for s in names}
    out: dict[int, dict[str, dict[str, Any]]] = {s: {} for s in names}
    for round_no in range(repeat + 1):
        for size, db in names.items():
            world.use_database(db)  # a new connection: warm its backend's caches first
            for api_path, _ in ENDPOINTS.values():
                _timed_get(client, api_path)
            for name, (api_path, floor_path) in ENDPOINTS.items():
                response, ms, queries, server_ms = _timed_get(client, api_path)
                if round_no == 0:  # a warm-up, and the checks
                    api = response.json()
                    floor = client.get(floor_path).json()
                    for link in ("next", "previous"):  # the floor's links name its own path
                        if floor[link]:
                            floor[link] = floor[link].replace("/floor/", "/api/v1/")
                    if api != floor:
                        diff = [k for k in api if api[k] != floor.get(k)]
                        print(f"  !! {size} {name}: the floor differs from the API in {diff}")
                    out[size][name] = {
                        "queries": queries,
                        "count": api["count"],
                        "capped": api["count_capped"],
                        "same": api == floor,
                    }
                else:
                    times[size][name].append(ms)
                    server[size][name].append(server_ms)
    for size in names:
        for name in ENDPOINTS:
            out[size][name]["sql_ms"] = statistics.median(times[size][name])
            out[size][name]["server_ms"] = statistics.median(server[size][name])
            row = out[size][name]
            print(
                f"  {size:>7} {name:>20}: SQL {row['server_ms']:.2f} ms on the server, "
                f"{row['sql_ms']:.1f} ms in the driver, {row['queries']} queries"
            )
    return out


# Over HTTP ------------------------------------------------------------------------------------


def start_server(db_url: str, args: argparse.Namespace, **env: str) -> subprocess.Popen:
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LIST_CACHE_SECONDS": "0",
        "DATABASE_POOL": "1",
        "CACHE_URL": "",
        "REDIS_URL": "",
        **env,
    }
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "marketplace.wsgi:application",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environ,
        start_new_session=True,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz/", timeout=2).read()
            break
        except OSError:
            time.sleep(0.3)
    else:
        stop_server(process)
        sys.exit("gunicorn did not start")
    for api_path, floor_path in ENDPOINTS.values():  # warm every worker's pool and caches
        for path in (api_path, floor_path) * args.workers * 2:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}{path}", timeout=30).read()
    return process


def stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def _ms(text: str) -> float:
    """wrk's latency text (`850.00us`, `12.5ms`, `1.20s`, `1.01m`) in milliseconds."""
    found = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if found is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    value, unit = found.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(url: str, args: argparse.Namespace) -> dict[str, float]:
    result = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "30s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    text = result.stdout
    if "Non-2xx" in text or "Socket errors" in text:
        sys.exit(f"wrk saw errors for {url}:\n{text}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50": p50, "p99": p99}


def http_rounds(args: argparse.Namespace) -> dict[str, dict[str, dict[str, float]]]:
    runs: dict[str, dict[str, list[dict[str, float]]]] = {
        name: {"api": [], "floor": []} for name in ENDPOINTS
    }
    base = f"http://127.0.0.1:{args.port}"
    for round_no in range(args.rounds):
        for name, (api_path, floor_path) in ENDPOINTS.items():
            order = [("api", api_path), ("floor", floor_path)]
            if round_no % 2:
                order.reverse()
            for side, path in order:
                runs[name][side].append(wrk(base + path, args))
            api, floor = runs[name]["api"][-1], runs[name]["floor"][-1]
            print(
                f"  round {round_no + 1} {name:>20}: api {api['rps']:7.1f} r/s, "
                f"floor {floor['rps']:7.1f} r/s"
            )
    return {
        name: {
            **{
                side: {k: statistics.median(r[k] for r in results) for k in ("rps", "p50", "p99")}
                for side, results in sides.items()
            },
            # API and floor run back to back in each round: their ratio is paired, so load
            # drifts between rounds cancel; the median of the rounds' ratios is the verdict.
            "ratio": {
                "median": statistics.median(
                    a["rps"] / f["rps"] for a, f in zip(sides["api"], sides["floor"], strict=True)
                ),
                "rounds": [
                    a["rps"] / f["rps"] for a, f in zip(sides["api"], sides["floor"], strict=True)
                ],
            },
        }
        for name, sides in runs.items()
    }


def cached_round(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    base = f"http://127.0.0.1:{args.port}"
    return {name: wrk(base + api_path, args) for name, (api_path, _) in ENDPOINTS.items()}
