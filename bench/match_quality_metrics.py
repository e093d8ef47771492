"""Scoring a ranking against the hidden-truth grades.

Per brief: NDCG@10 (gain 2^grade − 1, log2 discount), precision@10 (grade ≥ 2), the share of
the top 10 held by each adversary kind (tag stuffers, reel-stuffers, reel farmers, and all of
them together) and the number of strong newcomers in it (no completed contract and no review,
grade ≥ 2 for this brief). The ideal DCG of a brief comes from all eligible creators, not from
what a ranking returned, so a ranking that misses the best creators cannot look perfect.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import match_world as mw

K = 10  # the cut-off of every ranking and metric: top 10
# metric key → creator kind; "adversaries" is their sum
ADVERSARY_METRICS = {"stuffers": "stuffer", "reel_stuffers": "reel_stuffer", "farmers": "farmer"}
KEYS = ("ndcg", "precision", *ADVERSARY_METRICS, "adversaries", "newcomers")


class Judge:
    """Grades from the hidden truth, by handle."""

    def __init__(self, world: mw.World) -> None:
        self.world = world
        self.by_handle = {c.handle: c for c in world.creators}
        self.grades = [
            {c.handle: mw.grade(b, c, world.strict) for c in world.creators if mw.eligible(b, c)}
            for b in world.briefs
        ]
        self.ideal = []
        for g in self.grades:
            best = sorted(g.values(), reverse=True)[:K]
            self.ideal.append(dcg(best))

    def measure(self, i: int, handles: list[str]) -> dict[str, float]:
        grades = self.grades[i]
        top = handles[:K]
        got = [grades.get(h, 0) for h in top]
        out = {
            "ndcg": dcg(got) / self.ideal[i] if self.ideal[i] else 0.0,
            "precision": sum(1 for g in got if g >= 2) / K,
        }
        kinds = [self.by_handle[h].kind for h in top]
        for key, kind in ADVERSARY_METRICS.items():
            out[key] = kinds.count(kind) / max(1, len(top))
        out["adversaries"] = sum(out[key] for key in ADVERSARY_METRICS)
        out["newcomers"] = float(
            sum(1 for h in top if self.by_handle[h].newcomer and grades.get(h, 0) >= 2)
        )
        return out

    def causes(self, i: int, handles: list[str]) -> dict[str, int]:
        """Why the top-10 items graded ≤ 1 are wrong, by their first hidden cause: a language
        the brief needs that they do not speak, the main format they cannot do, named models
        they are poor at or never used, a weak style (< 0.5), over budget, else weak craft."""
        b = self.world.briefs[i]
        out: dict[str, int] = {}
        for h in handles[:K]:
            if self.grades[i].get(h, 0) >= 2:
                continue
            c = self.by_handle[h]
            f = mw.fit(b, c)
            if f["language"] == 0.0:
                why = "language"
            elif b.deliverables[0]["aspect_ratio"] not in c.aspects:
                why = "format"
            elif b.payload["preferred_models"] and f["model"] < 0.3:
                why = "model"
            elif f["style"] < 0.5:
                why = "style"
            elif f["price"] < 1.0:
                why = "budget"
            else:
                why = "craft"
            out[why] = out.get(why, 0) + 1
        return out

    def strong_newcomers(self, i: int) -> int:
        """Eligible newcomers (no history) with grade ≥ 2 for brief i: who could be found."""
        return sum(1 for h, g in self.grades[i].items() if g >= 2 and self.by_handle[h].newcomer)


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades))


def evaluate(
    judge: Judge, rank: Callable[[int], list[str]], briefs: list[int]
) -> tuple[dict[str, float], dict[int, list[str]], list[dict[str, float]]]:
    per = []
    tops = {}
    for i in briefs:
        tops[i] = rank(i)
        per.append(judge.measure(i, tops[i]))
    return {k: sum(p[k] for p in per) / len(per) for k in KEYS}, tops, per
