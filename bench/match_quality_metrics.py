"""Scoring a ranking against the hidden-truth grades: NDCG@10, precision@10, stuffers.

The ideal DCG of a brief comes from all eligible creators, not from what a ranking returned,
so a ranking that misses the best creators cannot look perfect.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import match_world as mw

K = 10  # the cut-off of every ranking and metric: top 10


class Judge:
    """Grades from the hidden truth, by handle."""

    def __init__(self, world: mw.World) -> None:
        self.world = world
        self.by_handle = {c.handle: c for c in world.creators}
        self.grades = [
            {c.handle: mw.grade(b, c) for c in world.creators if mw.eligible(b, c)}
            for b in world.briefs
        ]
        self.ideal = []
        for g in self.grades:
            best = sorted(g.values(), reverse=True)[:K]
            self.ideal.append(dcg(best))

    def measure(self, i: int, handles: list[str]) -> dict[str, float]:
        grades = self.grades[i]
        got = [grades.get(h, 0) for h in handles[:K]]
        stuffers = sum(1 for h in handles[:K] if self.by_handle[h].kind == "stuffer")
        return {
            "ndcg": dcg(got) / self.ideal[i] if self.ideal[i] else 0.0,
            "precision": sum(1 for g in got if g >= 2) / K,
            "stuffers": stuffers / max(1, len(handles[:K])),
        }


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
    keys = ("ndcg", "precision", "stuffers")
    return {k: sum(p[k] for p in per) / len(per) for k in keys}, tops, per
