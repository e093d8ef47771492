"""The family run: every (setting, seed) of a split, each world loaded once in its own process,
measured without and with the adversaries, then the mean ± spread over the worlds.

    .venv/bin/python bench/match_quality.py --family --split holdout
    .venv/bin/python bench/match_quality.py --family --split tune --seeds 1,2 --settings home,fresh
    .venv/bin/python bench/match_quality.py --family --split tune --reuse --weights '{…}'

Each world runs as `match_quality.py --setting S --seed N --pair --adversaries …` under
`nice -n 10` (Django can be set up once per process, and every world gets a fresh database),
one after the other, each on its own SQLite file (`bench/.match_quality-<setting>-<seed>-…`,
plus its `.clean` copy taken before the adversaries were added), so `--reuse` measures the
loaded worlds again in about a minute each — what a weight or scorer change needs. Spread is the
sample standard deviation over the worlds (0 for one world).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import match_world as mw
from match_quality_load import log
from match_quality_metrics import KEYS

HERE = Path(__file__).resolve().parent
RANKINGS = ("product", "v1_frozen", "evidence")


def plan(args: argparse.Namespace) -> list[tuple[str, int]]:
    """The (setting, seed) worlds of the split; a seed list may not mix the splits."""
    if args.settings:
        settings = [s.strip() for s in args.settings.split(",") if s.strip()]
    elif args.split == "holdout":
        settings = list(mw.HOLDOUT_SETTINGS)
    else:
        settings = [s for s in mw.SETTINGS if s not in mw.HOLDOUT_ONLY]
    unknown = set(settings) - set(mw.SETTINGS)
    if unknown:
        sys.exit(f"unknown settings {sorted(unknown)}; choose from {sorted(mw.SETTINGS)}")
    if args.split == "tune" and set(settings) & set(mw.HOLDOUT_ONLY):
        sys.exit(f"settings {sorted(mw.HOLDOUT_ONLY)} are held out only: never tune on them")
    allowed = mw.HOLDOUT_SEEDS if args.split == "holdout" else mw.TUNE_SEEDS
    other = mw.TUNE_SEEDS if args.split == "holdout" else mw.HOLDOUT_SEEDS
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()] if args.seeds else allowed
    leaked = sorted(set(seeds) & set(other))
    if leaked:
        name = "tune" if other == mw.TUNE_SEEDS else "holdout"
        sys.exit(f"seeds {leaked} belong to the other split ({name})")
    return [(s, seed) for s in settings for seed in seeds]


def db_path(args: argparse.Namespace, setting: str, seed: int) -> Path:
    """Each world keeps its own SQLite file, so `--family --reuse` measures without reloading."""
    return HERE / f".match_quality-{setting}-{seed}-{args.creators}x{args.briefs}.sqlite3"


def world_command(args: argparse.Namespace, setting: str, seed: int, out: Path) -> list[str]:
    cmd = [
        "nice",
        "-n",
        "10",
        sys.executable,
        str(HERE / "match_quality.py"),
        "--setting",
        setting,
        "--seed",
        str(seed),
        "--creators",
        str(args.creators),
        "--briefs",
        str(args.briefs),
        "--adversary-share",
        str(args.adversary_share),
        "--out",
        str(out),
    ]
    if args.adversaries:
        cmd += ["--adversaries", args.adversaries, "--pair"]
    if args.database_url:
        cmd += ["--database-url", args.database_url]
    if args.weights:
        cmd += ["--weights", args.weights]
    if args.reuse:
        cmd.append("--reuse")
    for name in args.post_load:
        cmd += ["--post-load", name]
    return cmd


def run_family(args: argparse.Namespace) -> dict[str, Any]:
    if not args.adversaries and "--adversaries" not in sys.argv:
        args.adversaries = "farmers,stuffers"  # the family measures both conditions by default
    refresh = HERE.parent / "campaigns" / "management" / "commands" / "refresh_matching.py"
    if not args.post_load and refresh.exists():
        # what the deployed product's scheduled job does after a day of writes
        args.post_load = ["refresh_matching"]
    worlds = plan(args)
    log(f"family {args.split}: {len(worlds)} worlds, adversaries {args.adversaries or 'none'}")
    results = []
    t0 = time.monotonic()
    for setting, seed in worlds:
        db = db_path(args, setting, seed)
        out = db.with_suffix(".result.json")  # kept: `--merge` can combine partial runs
        log(f"world {setting}/{seed} …")
        env = {**os.environ, "MATCH_QUALITY_SQLITE": str(db)}
        subprocess.run(world_command(args, setting, seed, out), check=True, env=env)
        results.append(json.loads(out.read_text()))
    report = summarise(args, results, time.monotonic() - t0)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2, default=str))
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print(render_family(report))
    return report


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "mean": statistics.fmean(values),
        "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
        "min": min(values),
        "max": max(values),
    }


def summarise(args: argparse.Namespace, results: list[dict[str, Any]], seconds: float) -> dict:
    """Per world (without per-brief rows) and mean ± sd over the worlds, per condition."""
    worlds = [world_row(r) for r in results]
    summary = aggregate(worlds)
    return {
        "split": args.split,
        "adversaries": args.adversaries,
        "adversary_share": args.adversary_share,
        "creators": args.creators,
        "briefs": args.briefs,
        "seconds": round(seconds, 1),
        "worlds": worlds,
        "summary": summary,
    }


def world_row(r: dict[str, Any]) -> dict[str, Any]:
    """One world's result (`run_world`) without its per-brief rows."""
    row: dict[str, Any] = {
        "setting": r["setting"],
        "seed": r["seed"],
        "seconds": r["seconds_total"],
    }
    for cond, m in r["conditions"].items():
        row[cond] = {
            "creators": m["creators"],
            "relevant_per_brief": round(m["relevant_per_brief"], 2),
            "ideal_precision": round(m["ideal_precision"], 3),
            "strong_newcomers": m["strong_newcomers"],
            "results": {
                name: {k: round(v, 4) for k, v in res.items()} for name, res in m["results"].items()
            },
            "newcomers_in_top10": m["newcomers_in_top10"],
            "wrong_items_by_cause": m.get("wrong_items_by_cause", {}),
        }
    return row


def aggregate(worlds: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean, sample sd, min and max over the worlds, per condition and ranking."""
    summary: dict[str, Any] = {}
    conditions = sorted({c for w in worlds for c in ("clean", "adversarial") if c in w})
    for cond in conditions:
        rows = [w[cond] for w in worlds if cond in w]
        summary[cond] = {
            name: {
                **{k: _spread([row["results"][name][k] for row in rows]) for k in KEYS},
                "newcomers_in_top10": _spread([row["newcomers_in_top10"][name] for row in rows]),
            }
            for name in RANKINGS
        }
        summary[cond]["ideal_precision"] = _spread([row["ideal_precision"] for row in rows])
    return summary


def render_family(report: dict[str, Any]) -> str:
    lines = [
        f"family {report['split']}: {len(report['worlds'])} worlds of {report['creators']} "
        f"creators (+ adversaries {report['adversaries'] or 'none'} at "
        f"{report['adversary_share']:.0%} each), {report['briefs']} briefs; "
        f"{report['seconds']} s",
    ]
    for cond in report["summary"]:
        lines += [
            "",
            f"### {cond}",
            "",
            "| world | ranking | NDCG@10 | P@10 | tag stuffers | reel-stuffers | farmers "
            "| strong newcomers in top 10s (of pairs) |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for w in report["worlds"]:
            if cond not in w:
                continue
            m = w[cond]
            for name in RANKINGS:
                r = m["results"][name]
                lines.append(
                    f"| {w['setting']}/{w['seed']} | {name} | {r['ndcg']:.3f} "
                    f"| {r['precision']:.3f} | {r['stuffers']:.1%} | {r['reel_stuffers']:.1%} "
                    f"| {r['farmers']:.1%} | {m['newcomers_in_top10'][name]} "
                    f"({m['strong_newcomers']}) |"
                )
        s = report["summary"][cond]
        lines += [
            "",
            f"mean ± sd over worlds ({cond}; best possible P@10 "
            f"{s['ideal_precision']['mean']:.3f}):",
            "",
            "| ranking | NDCG@10 | P@10 | tag stuffers | reel-stuffers | farmers "
            "| strong newcomers per world |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name in RANKINGS:
            r = s[name]
            lines.append(
                f"| {name} | {r['ndcg']['mean']:.3f} ± {r['ndcg']['sd']:.3f} "
                f"| {r['precision']['mean']:.3f} ± {r['precision']['sd']:.3f} "
                f"| {r['stuffers']['mean']:.1%} | {r['reel_stuffers']['mean']:.1%} "
                f"| {r['farmers']['mean']:.1%} "
                f"| {r['newcomers_in_top10']['mean']:.1f} ± {r['newcomers_in_top10']['sd']:.1f} |"
            )
        causes: dict[str, int] = {}
        for w in report["worlds"]:
            for k, v in w.get(cond, {}).get("wrong_items_by_cause", {}).get("product", {}).items():
                causes[k] = causes.get(k, 0) + v
        if causes:
            listed = ", ".join(f"{k} {v}" for k, v in sorted(causes.items(), key=lambda x: -x[1]))
            lines += ["", f"product's top-10 items graded ≤ 1, by first hidden cause: {listed}"]
    return "\n".join(lines)


def merge(paths: list[str]) -> dict[str, Any]:
    """One report from several family reports (JSON from `--out`): their worlds together."""
    reports = [json.loads(Path(p).read_text()) for p in paths]
    worlds = []
    for r in reports:  # a family report, or one world's (`--out` of a single run)
        worlds += r["worlds"] if "worlds" in r else [world_row(r)]
    first = next((r for r in reports if "worlds" in r), None)
    one = next(iter(reports[0]["conditions"].values())) if first is None else None
    return {
        "split": first["split"] if first else "holdout",
        "adversaries": first["adversaries"] if first else reports[0]["adversaries"],
        "adversary_share": first["adversary_share"] if first else reports[0]["adversary_share"],
        "creators": first["creators"] if first else one["creators"],
        "briefs": first["briefs"] if first else one["briefs"],
        "seconds": round(sum(w["seconds"] for w in worlds), 1),
        "worlds": worlds,
        "summary": aggregate(worlds),
    }
