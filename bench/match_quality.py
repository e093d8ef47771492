"""Matching quality on a labelled world (issue 10, item 3). Run by hand, not in CI.

    .venv/bin/python bench/match_quality.py                 # SQLite, seed 7, table
    .venv/bin/python bench/match_quality.py --json          # the same as JSON on stdout
    .venv/bin/python bench/match_quality.py --weights '{"style": 0.25, ...}'
    .venv/bin/python bench/match_quality.py --reuse --tune  # coordinate search of the weights
    .venv/bin/python bench/match_quality.py --database-url postgres://postgres@127.0.0.1:5432/x

The world (`bench/match_world/`, seed `--seed`): ~400 creators with hidden true skills and
observable reels/profiles/track records drawn from them with noise (tag stuffers, one lucky reel,
strong newcomers, language-only matches, pending and rejected reels), ~30 briefs written as
brands write them, and a grade 0..3 per (brief, creator) from the hidden truth only.

Loading goes through the product's own write paths, in-process, into a throwaway database
(`bench/.match_quality.sqlite3`, deleted and migrated each run; or database `reelmatch_mq` on the
server of `--database-url`, dropped and created):
- `POST /api/v1/auth/register/` (creators and brand owners; their JWTs for everything after),
  `PATCH /api/v1/creators/me/` (languages, tags, rate card), `POST /api/v1/reels/` (with the
  generated video nested), `POST /api/v1/briefs/` and `POST /api/v1/briefs/{id}/submit/`;
- staff services: `creators.services.reel_approve` / `reel_reject`, `creator_set_tier`,
  `creator_suspend`, `campaigns.services.brief_approve` (→ `open`);
- set directly with `QuerySet.update` (documented shortcut; no service writes them in bulk):
  the cached track record of `CreatorProfile` (`rating_sum`, `review_count`,
  `completed_contracts`, `on_time_contracts`, `last_active_at` = the creator's latest reel) and
  each reel's `created_at` / `moderated_at` (the reel's date in the world; the API stamps now).
Throttles are bypassed (`SimpleRateThrottle.allow_request` patched in this process only).

Rankings compared, top 10 per brief:
- (a) product: `GET /api/v1/briefs/{id}/matches/?limit=10` as the brief's brand owner (whatever
  the code on the branch computes; `--weights` overrides `settings.MATCH_WEIGHTS` for it);
- (b) v1: a frozen plain-Python copy of DESIGN §6 v1 (as in `campaigns/matching_reference.py`
  on 2025-11: claimed ∪ reel tags, yes/no tools, float FX budget, …) over the same rows;
- (c) evidence baseline: approved reels carrying one of the brief's tags (untagged briefs: made
  with a preferred model; neither: all approved reels); ties by completed contracts, then id.
Metrics, mean over briefs: NDCG@10 (gain 2^grade − 1, log2 discount, ideal from all eligible
creators), precision@10 (grade ≥ 2) and the share of tag stuffers in the top 10.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import match_world as mw  # noqa: E402
from match_quality_load import boot, brief_ids, load, log, meta_path, post_load  # noqa: E402
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


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--creators", type=int, default=400)
    p.add_argument("--briefs", type=int, default=30)
    p.add_argument("--database-url", default="", help="postgres://… (database reelmatch_mq)")
    p.add_argument("--reuse", action="store_true", help="keep the loaded database of this seed")
    p.add_argument("--weights", default="", help="JSON overriding settings.MATCH_WEIGHTS")
    p.add_argument("--tune", action="store_true", help="coordinate search of the weights")
    p.add_argument("--rounds", type=int, default=2, help="coordinate-search rounds")
    p.add_argument("--penalty", type=float, default=0.5, help="objective: ndcg − p × stuffers")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument(
        "--post-load",
        action="append",
        default=[],
        metavar="COMMAND",
        help="management command to run after loading (and on --reuse), e.g. a job that "
        "refreshes matching corpus statistics; repeatable",
    )
    return p.parse_args()


# Main --------------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    t0 = time.monotonic()
    world = mw.build_world(args.seed, args.creators, args.briefs)
    fresh = boot(args)
    if fresh:
        log(f"loading seed {args.seed}: {len(world.creators)} creators, {len(world.briefs)} briefs")
        load(world)
        meta_path().write_text(
            json.dumps(
                {
                    "key": {"seed": args.seed, "creators": args.creators, "briefs": args.briefs},
                    "backend": "pg" if args.database_url else "sqlite",
                }
            )
        )
    else:
        log("reusing the loaded database")
    post_load(args.post_load)
    t_load = time.monotonic() - t0
    from django.conf import settings

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
    t1 = time.monotonic()
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
    t_eval = time.monotonic() - t1
    same = sum(tops["product"][i] == tops["v1_frozen"][i] for i in everything)
    overlap = sum(len(set(tops["product"][i]) & set(tops["v1_frozen"][i])) for i in everything) / (
        K * len(everything)
    )
    out: dict[str, Any] = {
        "seed": args.seed,
        "backend": "postgresql" if args.database_url else "sqlite",
        "creators": len(world.creators),
        "stuffers": sum(c.kind == "stuffer" for c in world.creators),
        "briefs": len(world.briefs),
        "relevant_per_brief": sum(
            sum(1 for g in grades.values() if g >= 2) for grades in judge.grades
        )
        / len(world.briefs),
        "ideal_precision": sum(
            min(K, sum(1 for g in grades.values() if g >= 2)) for grades in judge.grades
        )
        / (K * len(world.briefs)),
        "weights": weights,
        "results": results,
        "product_vs_v1": {"identical_top10": same, "overlap_top10": overlap},
        "seconds": {"load": round(t_load, 1), "evaluate": round(t_eval, 1)},
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
    if args.json:
        print(json.dumps(out, indent=2, default=str))
    else:
        print(render(out))


def render(out: dict[str, Any]) -> str:
    lines = [
        f"seed {out['seed']} on {out['backend']}: {out['creators']} creators "
        f"({out['stuffers']} tag stuffers), {out['briefs']} briefs, "
        f"{out['relevant_per_brief']:.1f} creators with grade ≥ 2 per brief "
        f"(best possible precision@10 {out['ideal_precision']:.3f})",
        f"product weights: {json.dumps(out['weights'])}",
        "",
        "| ranking | NDCG@10 | precision@10 | stuffers in top 10 |",
        "|---|---:|---:|---:|",
    ]
    labels = {
        "product": "(a) product (`/briefs/{id}/matches/`)",
        "v1_frozen": "(b) v1 frozen copy",
        "evidence": "(c) evidence baseline",
    }
    for name, m in out["results"].items():
        lines.append(
            f"| {labels[name]} | {m['ndcg']:.3f} | {m['precision']:.3f} | {m['stuffers']:.1%} |"
        )
    pv = out["product_vs_v1"]
    lines += [
        "",
        f"product vs v1 frozen: identical top 10 on {pv['identical_top10']} of {out['briefs']} "
        f"briefs, overlap {pv['overlap_top10']:.1%}",
        f"time: load {out['seconds']['load']} s, evaluate {out['seconds']['evaluate']} s",
    ]
    if "tune" in out:
        t = out["tune"]
        lines += [
            "",
            f"tuning (objective NDCG@10 − {t['penalty']} × stuffers, train = even briefs, "
            f"{t['seconds']} s): {json.dumps(t['tuned_weights'])}",
            "| weights | train NDCG | train stuffers | test NDCG | test stuffers |",
            "|---|---:|---:|---:|---:|",
        ]
        for label, parts in t["split"].items():
            lines.append(
                f"| {label} | {parts['train']['ndcg']:.3f} | {parts['train']['stuffers']:.1%} "
                f"| {parts['test']['ndcg']:.3f} | {parts['test']['stuffers']:.1%} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
