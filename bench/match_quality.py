"""Matching quality on labelled worlds: one world, or a family of them. Run by hand, not in CI.

    .venv/bin/python bench/match_quality.py --family --split holdout     # ≈ 10 min a world
    .venv/bin/python bench/match_quality.py --family --split tune --reuse --weights '{…}'
    .venv/bin/python bench/match_quality.py --setting polyglot --seed 101 \
        --adversaries stuffers,farmers --pair --post-load refresh_matching
    .venv/bin/python bench/match_quality.py                 # the original world, seed 7
    .venv/bin/python bench/match_quality.py --merge a.json,b.json       # family reports as one

Worlds (`bench/match_world/`): ~400 creators with hidden true skills and observable reels,
profiles and a track record drawn from them with noise, ~30 briefs written as brands write them,
and a grade 0..3 per (brief, creator) from the hidden truth only. `--setting` picks a generator
setting (`match_world/family.py`: home, brandvoice, polyglot, fresh, outsider, market), seeds
are split into tune and held-out sets (`--family --split`). `--adversaries stuffers,farmers` adds
reel-stuffers and reel farmers (`match_world/adversaries.py`), each `--adversary-share` (8%) of
the final pool, on top of the same base world; `--pair` measures the world without them, adds
them, measures again (one load). Tag stuffers are always part of the base pool.

Loading goes through the product's own write paths, in-process, into a throwaway database
(`bench/.match_quality.sqlite3` or `$MATCH_QUALITY_SQLITE`, deleted and migrated each run; the
family keeps one file per world; or database `reelmatch_mq` on the server of `--database-url`):
- `POST /api/v1/auth/register/` (creators and brand owners), `PATCH /api/v1/creators/me/`
  (languages, tags, rate card), `POST /api/v1/reels/` (with the generated video nested),
  `POST /api/v1/briefs/` and `POST /api/v1/briefs/{id}/submit/`;
- staff services: `creators.services.reel_approve` / `reel_reject`, `creator_set_tier`,
  `creator_suspend`, `campaigns.services.brief_approve` (→ `open`);
- the track record as real rows (`match_quality_history.py`): past briefs, bids and accepted
  contracts through the services, the money steps shortcut (no Stripe), the brand's review
  through `review_create`, the creators' counters computed by the product's own functions;
- set with `QuerySet.update`: each reel's and past row's dates (the API stamps now).
Throttles are bypassed (`SimpleRateThrottle.allow_request` patched in this process only).

Rankings compared, top 10 per brief:
- product: `GET /api/v1/briefs/{id}/matches/?limit=10` as the brief's brand owner (whatever
  the code on the branch computes; `--weights` overrides `settings.MATCH_WEIGHTS` for it);
- v1: a frozen plain-Python copy of the v1 matching rules over the same rows;
- evidence baseline: approved reels carrying one of the brief's tags (untagged briefs: made
  with a preferred model; neither: all approved reels); ties by completed contracts, then id.
Metrics (`match_quality_metrics.py`), mean over briefs: NDCG@10 (gain 2^grade − 1, log2
discount, ideal from all eligible creators), P@10 (grade ≥ 2), the share of the top 10 held by
tag stuffers, reel-stuffers and farmers, and the strong newcomers (no history, grade ≥ 2) in it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import match_world as mw  # noqa: E402
from match_quality_load import (  # noqa: E402
    boot,
    brief_ids,
    clean_path,
    load,
    load_stage,
    log,
    meta_path,
    on_sqlite,
    post_load,
    snapshot_clean,
    world_key,
)
from match_quality_metrics import Judge, K, evaluate  # noqa: E402
from match_quality_rank import (  # noqa: E402
    evidence_ranking,
    load_briefs,
    load_rows,
    product_ranking,
    v1_ranking,
)
from match_quality_tune import product_with, tune  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--creators", type=int, default=400, help="base pool (adversaries on top)")
    p.add_argument("--briefs", type=int, default=30)
    p.add_argument("--setting", default="home", choices=sorted(mw.SETTINGS))
    p.add_argument(
        "--adversaries",
        default="",
        help="comma list of stuffers (reel-stuffers), farmers (reel farmers); each "
        "--adversary-share of the final pool. Tag stuffers are always in the base pool.",
    )
    p.add_argument("--adversary-share", type=float, default=mw.DEFAULT_SHARE)
    p.add_argument(
        "--pair",
        action="store_true",
        help="with --adversaries: measure the world without them, add them, measure again "
        "(one load; the same base creators and briefs)",
    )
    p.add_argument("--family", action="store_true", help="run a family of worlds (see --split)")
    p.add_argument("--split", choices=("tune", "holdout"), default="holdout")
    p.add_argument("--settings", default="", help="family: comma list (default: by split)")
    p.add_argument("--seeds", default="", help="family: comma list (default: the split's)")
    p.add_argument("--merge", default="", help="comma list of family JSON reports to print as one")
    p.add_argument("--database-url", default="", help="postgres://… (database reelmatch_mq)")
    p.add_argument("--reuse", action="store_true", help="keep the loaded database of this seed")
    p.add_argument("--weights", default="", help="JSON overriding settings.MATCH_WEIGHTS")
    p.add_argument("--tune", action="store_true", help="coordinate search of the weights")
    p.add_argument("--rounds", type=int, default=2, help="coordinate-search rounds")
    p.add_argument("--penalty", type=float, default=0.5, help="objective: ndcg − p × adversaries")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--out", default="", help="also write the JSON results to this file")
    p.add_argument(
        "--post-load",
        action="append",
        default=[],
        metavar="COMMAND",
        help="management command to run after loading (and on --reuse), e.g. a job that "
        "refreshes matching corpus statistics; repeatable",
    )
    args = p.parse_args(argv)
    args.adversaries = ",".join(
        sorted({a.strip() for a in args.adversaries.split(",") if a.strip()} - {"none"})
    )
    unknown = set(filter(None, args.adversaries.split(","))) - set(mw.ADVERSARY_KINDS)
    if unknown:
        p.error(f"unknown adversaries {sorted(unknown)}; choose from {sorted(mw.ADVERSARY_KINDS)}")
    if args.pair and not args.adversaries:
        p.error("--pair needs --adversaries")
    if args.setting in mw.HOLDOUT_ONLY and args.seed in mw.TUNE_SEEDS:
        p.error(f"{args.setting} is held out only: not with the tune seeds {mw.TUNE_SEEDS}")
    if args.pair and args.reuse and args.database_url:
        p.error("--pair --reuse needs SQLite (the clean world is kept as a copy of the file)")
    return args


# Main --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.merge:
        from match_quality_family import merge, render_family

        report = merge(args.merge.split(","))
        if args.out:
            Path(args.out).write_text(json.dumps(report, indent=2, default=str))
        print(json.dumps(report, indent=2) if args.json else render_family(report))
        return
    if args.family:
        from match_quality_family import run_family

        run_family(args)
        return
    out = run_world(args)
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=2, default=str))
    if args.json:
        print(json.dumps(out, indent=2, default=str))
    else:
        print(render(out))


def run_world(args: argparse.Namespace, *, booted: bool = False) -> dict[str, Any]:
    """Load one world (its adversaries too) and measure every ranking on it. `booted`: Django
    is already set up on an empty, migrated database (the test suite's), use it as it is."""
    t0 = time.monotonic()
    kinds = [k for k in args.adversaries.split(",") if k]
    world = mw.build_world(
        args.seed, args.creators, args.briefs, args.setting, kinds, share=args.adversary_share
    )
    base = world
    if args.pair:
        base = mw.build_world(args.seed, args.creators, args.briefs, args.setting, [])
        assert [c.handle for c in base.creators] == [
            c.handle for c in world.creators[: len(base.creators)]
        ]
    fresh = True if booted else boot(args)
    if fresh:
        first = base if args.pair else world
        log(
            f"loading {args.setting} seed {args.seed}: {len(first.creators)} creators, "
            f"{len(first.briefs)} briefs"
        )
        load(first)
    else:
        log("reusing the loaded database")
    post_load(args.post_load)
    conditions: dict[str, Any] = {}
    if args.pair:
        if not fresh:
            with on_sqlite(clean_path()):
                from django.core.management import call_command

                call_command("migrate", verbosity=0)
                post_load(args.post_load)
                conditions["clean"] = measure(base, args)
        else:
            if not booted:
                snapshot_clean()
            conditions["clean"] = measure(base, args)
            added = len(world.creators) - len(base.creators)
            log(f"adding {added} adversaries ({args.adversaries})")
            load_stage(world, world.creators[len(base.creators) :])
            post_load(args.post_load)
    if fresh and not booted:
        meta_path().write_text(
            json.dumps(
                {
                    "key": world_key(args),
                    "backend": "pg" if args.database_url else "sqlite",
                }
            )
        )
    conditions["adversarial" if kinds else "clean"] = measure(world, args)
    from match_quality_history import history_check

    return {
        "setting": args.setting,
        "seed": args.seed,
        "backend": "postgresql" if args.database_url else "sqlite",
        "adversaries": args.adversaries,
        "adversary_share": args.adversary_share,
        "seconds_total": round(time.monotonic() - t0, 1),
        "history": history_check(world),
        "conditions": conditions,
    }


def measure(world: mw.World, args: argparse.Namespace) -> dict[str, Any]:
    """Every ranking on the loaded world, scored against the world's hidden grades."""
    from django.conf import settings

    t1 = time.monotonic()
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
    kinds = Counter(c.kind for c in world.creators)
    out: dict[str, Any] = {
        "creators": len(world.creators),
        "kinds": dict(sorted(kinds.items())),
        "briefs": len(world.briefs),
        "relevant_per_brief": sum(
            sum(1 for g in grades.values() if g >= 2) for grades in judge.grades
        )
        / len(world.briefs),
        "ideal_precision": sum(
            min(K, sum(1 for g in grades.values() if g >= 2)) for grades in judge.grades
        )
        / (K * len(world.briefs)),
        "strong_newcomers": sum(judge.strong_newcomers(i) for i in everything),
        "briefs_with_strong_newcomer": sum(1 for i in everything if judge.strong_newcomers(i)),
        "weights": weights,
        "results": results,
        "newcomers_in_top10": {
            name: int(round(sum(p["newcomers"] for p in per[name]))) for name in rankings
        },
        "wrong_items_by_cause": {
            name: dict(
                sum((Counter(judge.causes(i, tops[name][i])) for i in everything), Counter())
            )
            for name in rankings
        },
        "seconds_evaluate": round(time.monotonic() - t1, 1),
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
    return out


LABELS = {
    "product": "product (`/briefs/{id}/matches/`)",
    "v1_frozen": "v1 frozen copy",
    "evidence": "evidence baseline",
}


def render(out: dict[str, Any]) -> str:
    lines = [f"{out['setting']} seed {out['seed']} on {out['backend']} ({out['seconds_total']} s)"]
    for cond, m in out["conditions"].items():
        kinds = ", ".join(f"{k} {v}" for k, v in m["kinds"].items())
        lines += [
            "",
            f"{cond}: {m['creators']} creators ({kinds}), {m['briefs']} briefs, "
            f"{m['relevant_per_brief']:.1f} creators with grade ≥ 2 per brief (best possible "
            f"precision@10 {m['ideal_precision']:.3f}), {m['strong_newcomers']} strong-newcomer "
            f"pairs on {m['briefs_with_strong_newcomer']} briefs",
            "",
            "| ranking | NDCG@10 | P@10 | tag stuffers | reel-stuffers | farmers "
            "| strong newcomers in top 10s |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, r in m["results"].items():
            lines.append(
                f"| {LABELS[name]} | {r['ndcg']:.3f} | {r['precision']:.3f} "
                f"| {r['stuffers']:.1%} | {r['reel_stuffers']:.1%} | {r['farmers']:.1%} "
                f"| {m['newcomers_in_top10'][name]} |"
            )
        causes = m.get("wrong_items_by_cause", {}).get("product", {})
        if causes:
            listed = ", ".join(f"{k} {v}" for k, v in sorted(causes.items(), key=lambda x: -x[1]))
            lines += ["", f"product's top-10 items graded ≤ 1, by first hidden cause: {listed}"]
        if "tune" in m:
            t = m["tune"]
            lines += [
                "",
                f"tuning (objective NDCG@10 − {t['penalty']} × adversaries, train = even "
                f"briefs, {t['seconds']} s): {json.dumps(t['tuned_weights'])}",
                "| weights | train NDCG | train adversaries | test NDCG | test adversaries |",
                "|---|---:|---:|---:|---:|",
            ]
            for label, parts in t["split"].items():
                lines.append(
                    f"| {label} | {parts['train']['ndcg']:.3f} "
                    f"| {parts['train']['adversaries']:.1%} | {parts['test']['ndcg']:.3f} "
                    f"| {parts['test']['adversaries']:.1%} |"
                )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
