"""Coordinate search of the product's matching weights on half of the briefs.

Every candidate is renormalised to the starting weights' sum, so candidates differ only in how
they balance the factors. The CLI tunes on the even briefs and reports the odd ones as the
held-out check: a gain there is what counts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from match_quality_load import log
from match_quality_metrics import Judge, evaluate


def product_with(weights: dict[str, float], rank: Callable[[int], list[str]]):  # type: ignore[no-untyped-def]
    from django.test import override_settings

    def ranked(i: int) -> list[str]:
        with override_settings(MATCH_WEIGHTS=weights):
            return rank(i)

    return ranked


def tune(
    judge: Judge,
    rank: Callable[[int], list[str]],
    start: dict[str, float],
    train: list[int],
    rounds: int,
    penalty: float,
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Coordinate search over the weights (their sum kept), maximising ndcg − penalty × the
    share of adversaries (tag stuffers, reel-stuffers, farmers) in the top 10."""
    total = sum(start.values()) or 1.0

    def norm(w: dict[str, float]) -> dict[str, float]:
        s = sum(w.values()) or 1.0
        return {k: round(v * total / s, 4) for k, v in w.items()}

    def objective(w: dict[str, float]) -> float:
        m, _, _ = evaluate(judge, product_with(w, rank), train)
        return m["ndcg"] - penalty * m["adversaries"]

    best = norm(dict(start))
    best_value = objective(best)
    trail = [{"weights": best, "objective": best_value}]
    log(f"tune: start objective {best_value:.4f}")
    for r in range(rounds):
        improved = False
        for key in list(best):
            for mult in (0.0, 0.5, 0.75, 1.33, 2.0, 3.0):
                cand = dict(best)
                cand[key] = cand[key] * mult if cand[key] > 0 else 0.05 * mult
                cand = norm(cand)
                if cand == best:
                    continue
                value = objective(cand)
                if value > best_value + 1e-4:
                    best, best_value, improved = cand, value, True
                    trail.append({"weights": best, "objective": value})
                    log(f"tune: round {r + 1} {key}×{mult} → {value:.4f}")
        if not improved:
            break
    return best, trail
