"""Score variants of the matching settings on loaded worlds, in-process, without the API.

    MATCH_QUALITY_SQLITE=bench/.match_quality-m3-brandvoice-1.sqlite3 \
      .venv/bin/python bench/match_quality_sweep.py --setting brandvoice --seed 1 \
      --creators 160 --briefs 20 --variants '{"base": {}, "lang": {"required": ["languages"]}}'

For tuning only: each variant overrides `MATCH_WEIGHTS`, `MATCH_PENALTIES`, `MATCH_EXPLORATION`
(keys `weights`, `penalties`, `exploration`), the briefs' default `required` and constants of
the scorer (`constants`, e.g. `{"PRIOR_COUNT": 3}`), then ranks
every brief's eligible creators with the reference scorer (`campaigns.matching.reference`,
equal to the API's ranking by the exactness tests) and scores the top 10 against the world's
hidden grades (`match_quality_metrics`). The world must have been loaded by
`bench/match_quality.py` (same setting, seed, sizes; `--pair` keeps the world without the
adversaries as `<file>.clean.sqlite3`, measured with `--clean`). `--refresh` runs
`refresh_matching` first (after a change to the evidence the profiles store).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import match_world as mw  # noqa: E402
from match_quality_metrics import Judge, evaluate  # noqa: E402


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--setting", required=True, choices=sorted(mw.SETTINGS))
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--creators", type=int, default=160)
    p.add_argument("--briefs", type=int, default=20)
    p.add_argument("--clean", action="store_true", help="the world without the adversaries")
    p.add_argument("--variants", default='{"settings": {}}', help="JSON name → overrides")
    p.add_argument("--refresh", action="store_true", help="run refresh_matching first")
    p.add_argument(
        "--evidence",
        default="",
        help="JSON of creators.evidence constants to set before --refresh (writes the world: "
        "use a copy)",
    )
    return p.parse_args()


def boot(path: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.test"
    os.environ["DATABASE_POOL"] = "0"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()


def ranker(variant: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Brief index → handles, best first, under the variant's settings."""
    from django.conf import settings
    from django.test import override_settings
    from django.utils import timezone

    from campaigns.matching import facts as facts_module
    from campaigns.matching import reference as ref
    from campaigns.models import Brief
    from creators.models import CreatorProfile

    handles = dict(CreatorProfile.objects.values_list("pk", "handle"))
    creators = ref.load_creator_facts()
    briefs = list(Brief.objects.filter(status="open").order_by("id"))
    overrides = {
        "MATCH_WEIGHTS": {**settings.MATCH_WEIGHTS, **variant.get("weights", {})},
        "MATCH_PENALTIES": {**settings.MATCH_PENALTIES, **variant.get("penalties", {})},
        "MATCH_EXPLORATION": {**settings.MATCH_EXPLORATION, **variant.get("exploration", {})},
    }
    now = timezone.now()
    cache: dict[int, list[str]] = {}

    def rank(i: int) -> list[str]:
        if i not in cache:
            consts = {"REQUIRED_DEFAULT": tuple(sorted(variant.get("required", ())))}
            if "required" not in variant:
                consts = {}
            consts.update(variant.get("constants", {}))
            before = {name: getattr(facts_module, name) for name in consts}
            for module in (facts_module, ref):
                for name, value in consts.items():
                    setattr(module, name, value)
            try:
                with override_settings(**overrides):
                    facts = ref.BriefFacts.of(briefs[i])
                    rows = ref.rank_creators(facts, creators, now=now, limit=10)
            finally:
                for module in (facts_module, ref):
                    for name, value in before.items():
                        setattr(module, name, value)
            cache[i] = [handles[r.id] for r in rows]
        return cache[i]

    return rank


def main() -> None:
    args = parse_args()
    path = Path(os.environ.get("MATCH_QUALITY_SQLITE") or ROOT / "bench/.match_quality.sqlite3")
    kinds = [] if args.clean else ["farmers", "stuffers"]
    if args.clean:
        path = path.with_name(f"{path.stem}.clean{path.suffix}")
    boot(path)
    if args.refresh or args.evidence:
        from django.core.management import call_command

        from creators import evidence

        for name, value in json.loads(args.evidence or "{}").items():
            assert hasattr(evidence, name), name
            setattr(evidence, name, value)

        call_command("refresh_matching")
    world = mw.build_world(args.seed, args.creators, args.briefs, args.setting, kinds)
    judge = Judge(world)
    everything = list(range(len(world.briefs)))
    ideal = sum(min(10, sum(1 for g in gr.values() if g >= 2)) for gr in judge.grades)
    print(f"best possible P@10 {ideal / (10 * len(everything)):.3f}", flush=True)
    out = {}
    for name, variant in json.loads(args.variants).items():
        rank = ranker(variant)
        m, tops, _ = evaluate(judge, rank, everything)
        causes = sum((Counter(judge.causes(i, tops[i])) for i in everything), Counter())
        out[name] = {k: round(v, 4) for k, v in m.items()} | {"causes": dict(causes)}
        print(
            f"{args.setting}/{args.seed}{' clean' if args.clean else ''} {name}: "
            f"ndcg {m['ndcg']:.4f} p@10 {m['precision']:.3f} stuffers {m['stuffers']:.3f} "
            f"reel-stuffers {m['reel_stuffers']:.3f} farmers {m['farmers']:.3f} "
            f"newcomers {m['newcomers'] * len(everything):.0f} causes {dict(causes)}",
            flush=True,
        )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
