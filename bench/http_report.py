"""The lists section of docs/BENCHMARKS.md, rendered from bench/lists.py's measurements.

The section states its method next to its numbers, so a reader can judge them without the
script; rerunning replaces it between the START and END markers (and only it).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "BENCHMARKS.md"
START, END = "<!-- http:start -->", "<!-- http:end -->"
TARGET = 0.6


def _load(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def render(results: list[dict[str, Any]], env: dict[str, str], command: str,
           args: argparse.Namespace) -> str:  # fmt: skip
    lines = [
        START,
        "## Public lists over HTTP: the API against a plain floor (`bench/lists.py`)",
        "",
        f"Command (from the project root, DATABASE_URL unset: the local server): `{command}`",
        "",
        f"Machine: {env['cores']} cores ({env['cpu']}), {env['ram']} RAM, {env['postgres']}, "
        f"Python {env['python']}; run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. The machine is "
        "shared with other agents' work, so absolute figures move with their load; the paired "
        "ratios are what to compare. Load averages (1 / 5 / 15 min) before → after each size: "
        + "; ".join(
            f"{r['size']:,}: {_load(r['load'][0])} → {_load(r['load'][1])}" for r in results
        )  # fmt: skip
        + ".",
        "",
        f"Servers: the API (gunicorn, {args.workers} sync workers, DEBUG=0, psycopg pool, page "
        "cache off so every request runs its SQL, no shared cache: list versions in a "
        "per-process memo; `LIST_STALE_SECONDS=3600` so no ETag turns over during a 304 run) "
        "and the floor (`bench/http_floor.py`: a plain WSGI app on psycopg, "
        f"one SQL statement per page, `json.dumps`; no Django) with {args.workers} workers too. "
        "Before timing, every page below is fetched from both with the same Host header and "
        "must be equal byte for byte, and the API must answer the page's ETag with 304. "
        f"Load: {args.load}, {args.connections} connections, {args.duration} s per run, "
        f"{args.rounds} interleaved rounds (API and floor back to back, their order "
        "alternating), pages of "
        f"{args.page_size}. Ratio: API r/s ÷ floor r/s per round, median (min–max). CPU: user "
        "+ system time of the server's workers per request (PostgreSQL's own time not "
        "included). 304: the same page with `If-None-Match`, its CPU per request against a "
        "200's.",
        "",
    ]
    for result in results:
        size = result["size"]
        lines += [
            f"### {size:,} creators ({result['db']['seeded']})",
            "",
            "| list | API r/s | floor r/s | API/floor | API CPU/req | floor CPU/req | CPU "
            "API/floor | API p50 / p99 | floor p50 / p99 | 304 r/s | 304 CPU ÷ 200 CPU | "
            f"≥ {TARGET}× |",
            "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for name, r in result["lists"].items():
            a, f, c, ratio = r["api"], r["floor"], r["304"], r["ratio"]
            lines.append(
                f"| {name} | {a['rps']:.0f} | {f['rps']:.0f} | **{ratio['median']:.2f}×** "
                f"({ratio['min']:.2f}–{ratio['max']:.2f}) | {a['cpu_ms']:.1f} ms | "
                f"{f['cpu_ms']:.1f} ms | {r['cpu_ratio']['median']:.2f}× | "
                f"{a['p50']:.0f} / {a['p99']:.0f} ms | {f['p50']:.0f} / {f['p99']:.0f} ms | "
                f"{c['rps']:.0f} | {r['cond_cost']['median']:.2f}× | "
                f"{'met' if ratio['median'] >= TARGET else '**missed**'} |"
            )
        lines.append("")
    if len(results) > 1:
        small, large = results[0], results[-1]
        lines += [
            f"Growth {small['size']:,} → {large['size']:,} creators (API r/s at the larger "
            "size ÷ at the smaller; 1.00 = no growth in cost): "
            + ", ".join(
                f"{name} {rps(large, name) / rps(small, name):.2f}" for name in large["lists"]
            )
            + ".",
            "",
        ]
    lines.append(END)
    return "\n".join(lines)


def rps(result: dict[str, Any], name: str) -> float:
    return result["lists"][name]["api"]["rps"]


def write_doc(section: str) -> None:
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text)
    print(f"wrote {DOC.relative_to(ROOT)}")
