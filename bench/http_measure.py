"""What bench/lists.py measures: the API and the plain floor over HTTP, in interleaved rounds.

Two gunicorn servers with the same sync workers: the project (marketplace.wsgi) and the floor
(bench/http_floor.py, outside Django). Before timing, every list page is fetched from both
with the same Host header and the bodies must be equal byte for byte. Then, round after round,
each page is loaded on the API, on the floor (the order alternating between rounds) and as a
conditional request on the API (If-None-Match with the page's ETag: the 304 path); per run the
requests/s, latency percentiles and the server's CPU per request (user + system time of the
gunicorn workers, from /proc, divided by the requests served).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CLOCK = os.sysconf("SC_CLK_TCK")
LISTS = {  # name → path and query (without page)
    "creators": "/api/v1/creators/?page_size={size}",
    "creators tag+model": "/api/v1/creators/?tags=tag-001&models=kling-2.1-pro&page_size={size}",
    "reels": "/api/v1/reels/?page_size={size}",
    "briefs": "/api/v1/briefs/?page_size={size}",
}


def pages(args: argparse.Namespace) -> dict[str, str]:
    """Every measured URL path: each list at each page of `--pages`."""
    out = {}
    for name, path in LISTS.items():
        for number in args.page_numbers:
            url = path.format(size=args.page_size)
            out[f"{name} p{number}"] = url + (f"&page={number}" if number > 1 else "")
    return out


# Servers -------------------------------------------------------------------------------------


def _gunicorn(app: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--workers", str(workers), "--worker-class",
         "sync", "--bind", f"{HOST}:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )  # fmt: skip


def start_servers(db_url: str, floor_config: str, args: argparse.Namespace) -> dict[str, Any]:
    """The API on `--port`, the floor on `--port` + 1; returns them once both answer."""
    api_env = {
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
        "DATABASE_URL": db_url,
        "DATABASE_POOL": "1",
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "LIST_CACHE_SECONDS": "0",  # every request runs its SQL: the comparison is per page
        "LIST_STALE_SECONDS": "3600",  # no ETag turns over in the middle of a 304 run
        "CACHE_URL": args.cache_url,
        "REDIS_URL": "",
        "SECRET_KEY": "bench-only-not-secret",
        "LOG_LEVEL": "WARNING",
    }
    floor_env = {"FLOOR_DSN": db_url, "FLOOR_CONFIG": floor_config}
    servers = {
        "api": _gunicorn("marketplace.wsgi:application", args.port, args.workers, api_env),
        "floor": _gunicorn("bench.http_floor:app", args.port + 1, args.workers, floor_env),
    }
    ports = {"api": args.port, "floor": args.port + 1}
    probe = LISTS["briefs"].format(size=1)
    deadline = time.time() + 60
    for side, port in ports.items():
        while True:
            try:
                urllib.request.urlopen(f"http://{HOST}:{port}{probe}", timeout=5).read()
                break
            except OSError:
                if time.time() > deadline or servers[side].poll() is not None:
                    stop_servers(servers)
                    sys.exit(f"the {side} server did not start on port {port}")
                time.sleep(0.3)
    return {"procs": servers, "ports": ports}


def stop_servers(servers: dict[str, subprocess.Popen]) -> None:
    for process in servers.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in servers.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a gunicorn master's workers (its children), in seconds."""
    total = 0.0
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK
    return total


# Checks --------------------------------------------------------------------------------------


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def check_same(ports: dict[str, int], urls: dict[str, str]) -> None:
    """Every page equal byte for byte on the API and the floor, and a 304 on its ETag."""
    for name, path in urls.items():
        api_status, headers, api = fetch(ports["api"], path)
        floor_status, _, floor = fetch(ports["floor"], path)
        if api_status != 200 or floor_status != 200:
            sys.exit(f"{name}: API {api_status}, floor {floor_status} for {path}: {api[:300]!r}")
        if api != floor:
            pairs = enumerate(zip(api, floor, strict=False))
            at = next((i for i, (a, b) in pairs if a != b), min(len(api), len(floor)))
            sys.exit(
                f"{name}: the floor's body differs from the API's at byte {at}:\n"
                f"  API   …{api[max(0, at - 80) : at + 80]!r}\n"
                f"  floor …{floor[max(0, at - 80) : at + 80]!r}"
            )
        status, _, body = fetch(ports["api"], path, {"If-None-Match": headers["ETag"]})
        if status != 304 or body:
            sys.exit(f"{name}: a conditional GET with the page's ETag answered {status}")
        print(f"  {name:>24}: API == floor ({len(api):,} bytes), 304 on its ETag", flush=True)


# Load ----------------------------------------------------------------------------------------


def _ms(text: str) -> float:
    """wrk's latency text (`850.00us`, `12.5ms`, `1.20s`, `1.01m`) in milliseconds."""
    found = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if found is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    value, unit = found.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def _wrk(port: int, path: str, args: argparse.Namespace, headers: dict[str, str]) -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--timeout", "30s", "--latency", "-H", f"Host: {HOST}"]  # fmt: skip
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    text = subprocess.run(
        [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    requests = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    read = re.search(r"([\d.]+)([KMG]?B) read", text)
    size = float(read.group(1)) * {"B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30}[read.group(2)]  # type: ignore[union-attr]
    # wrk counts only 4xx/5xx as errors; a conditional run must read headers, not pages.
    if "Socket errors" in text or "Non-2xx" in text or (headers and size / requests > 1000):
        sys.exit(f"wrk saw errors (or a 200 where a 304 was due) for {path}:\n{text}")
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),  # type: ignore[union-attr]
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1)),  # type: ignore[union-attr]
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1)),  # type: ignore[union-attr]
    }


def _python_load(port: int, path: str, args: argparse.Namespace, headers: dict) -> dict:
    """wrk's job in threads (when wrk is not installed): `--connections` keep-alive clients."""
    latencies: list[list[float]] = [[] for _ in range(args.connections)]
    deadline = time.perf_counter() + args.duration
    want = 304 if headers else 200

    def client(out: list[float]) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while (start := time.perf_counter()) < deadline:
            conn.request("GET", path, headers={"Host": HOST, **headers})
            response = conn.getresponse()
            response.read()
            if response.status != want:
                raise RuntimeError(f"{path}: {response.status}")
            out.append((time.perf_counter() - start) * 1000)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(out,)) for out in latencies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = sorted(x for out in latencies for x in out)
    return {
        "requests": len(every),
        "rps": len(every) / elapsed,
        "p50": every[len(every) // 2],
        "p99": every[min(len(every) - 1, int(len(every) * 0.99))],
    }


def load_tool() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def run_load(servers: dict, side: str, path: str, args: argparse.Namespace, **headers: str) -> dict:
    port = servers["ports"][side]
    pid = servers["procs"][side].pid
    before = _cpu_seconds(pid)
    run = (_wrk if args.load == "wrk" else _python_load)(port, path, args, headers)
    run["cpu_ms"] = (_cpu_seconds(pid) - before) * 1000 / max(1, run["requests"])
    return run


def rounds(servers: dict, urls: dict[str, str], args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """`--rounds` rounds over every page: API, floor (order alternating), then API 304."""
    runs: dict[str, dict[str, list[dict]]] = {n: {"api": [], "floor": [], "304": []} for n in urls}
    for round_no in range(args.rounds):
        for name, path in urls.items():
            order = ["api", "floor"] if round_no % 2 == 0 else ["floor", "api"]
            for side in order:
                runs[name][side].append(run_load(servers, side, path, args))
            # A fresh ETag: the validators move with the list versions and LIST_STALE_SECONDS.
            etag = fetch(servers["ports"]["api"], path)[1]["ETag"]
            runs[name]["304"].append(
                run_load(servers, "api", path, args, **{"If-None-Match": etag})
            )
            a, f, c = (runs[name][k][-1] for k in ("api", "floor", "304"))
            print(
                f"  round {round_no + 1} {name:>24}: API {a['rps']:6.0f} r/s "
                f"({a['cpu_ms']:.1f} ms CPU), floor {f['rps']:6.0f} r/s ({f['cpu_ms']:.1f} ms), "
                f"ratio {a['rps'] / f['rps']:.2f}; 304 {c['rps']:6.0f} r/s "
                f"({c['cpu_ms']:.1f} ms)",
                flush=True,
            )
    return {name: summarise(sides) for name, sides in runs.items()}


def summarise(sides: dict[str, list[dict]]) -> dict[str, Any]:
    """Medians per side; the ratios paired per round (API and floor ran back to back, so load
    drifts between rounds cancel), as median with min–max over the rounds."""

    def spread(values: list[float]) -> dict[str, Any]:
        return {"median": statistics.median(values), "min": min(values), "max": max(values),
                "rounds": values}  # fmt: skip

    out: dict[str, Any] = {
        side: {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99", "cpu_ms")}
        for side, runs in sides.items()
    }
    api, floor, cond = sides["api"], sides["floor"], sides["304"]
    out["ratio"] = spread([a["rps"] / f["rps"] for a, f in zip(api, floor, strict=True)])
    out["cpu_ratio"] = spread([a["cpu_ms"] / f["cpu_ms"] for a, f in zip(api, floor, strict=True)])
    out["cond_cost"] = spread([c["cpu_ms"] / a["cpu_ms"] for c, a in zip(cond, api, strict=True)])
    return out
