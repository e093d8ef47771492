"""Two or three short reasons in words for a match, strongest first."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings

from . import reference as ref

FACTORS = ref.FACTORS
# The factors that vary between briefs for one creator: the ones worth naming in a recommendation.
BRIEF_SIDE_FACTORS = ("style", "tools", "budget", "language")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _phrase(
    name: str,
    brief: ref.BriefFacts,
    creator: ref.CreatorFacts,
    value: float,
    skills: Mapping[str, int],
) -> tuple[str, bool]:
    """A few words on one factor, and whether they speak for the match."""
    if name == "style":
        shared = sorted(brief.tags & creator.tags)
        if not brief.tags:
            return "no style tags to compare", False
        if not shared:
            return f"shares none of {_plural(len(brief.tags), 'style tag')}", False
        listed = ", ".join(shared[:3]) + (", …" if len(shared) > 3 else "")
        return f"shares {len(shared)} of {_plural(len(brief.tags), 'style tag')} ({listed})", True
    if name == "tools":
        used = sorted(((skills.get(m, 0), m) for m in brief.models if skills.get(m)), reverse=True)
        if not brief.models:
            return "no preferred models", False
        if not used:
            return "has no approved reels with the preferred models", False
        count, model = used[0]
        more = f" (+{len(used) - 1} more preferred)" if len(used) > 1 else ""
        return f"uses {model} in {_plural(count, 'approved reel')}{more}", True
    if name == "budget":
        no_card = ref.quote(creator, brief.total_seconds) is None
        if no_card or ref.fx_rate(creator.rate_currency, brief.currency) is None:
            return "no rate card to compare with the budget", False
        if value >= 1.0:
            return "rate fits the budget", True
        if value <= 0.0:
            return "quote is over twice the budget", False
        return f"quote is {round((1.0 - value) * 100)}% over the budget", False
    if name == "quality":
        if not creator.review_count:
            return "no reviews yet", False
        average = creator.rating_sum / creator.review_count
        return f"rated {average:.1f} from {_plural(creator.review_count, 'review')}", True
    if name == "reliability":
        if not creator.completed_contracts:
            return "no completed contracts yet", False
        return (
            f"{creator.on_time_contracts} of {_plural(creator.completed_contracts, 'contract')}"
            " delivered on time",
            True,
        )
    if name == "language":
        shared = sorted(brief.languages & creator.languages)
        if not brief.languages:
            return "no language required", False
        if not shared:
            return "speaks none of the brief's languages", False
        return f"speaks {', '.join(shared[:2])}", True
    full, half = settings.MATCH_RECENCY_DAYS
    if value >= 1.0:
        return f"active in the last {full} days", True
    if value > 0.0:
        return f"active in the last {half} days", True
    return f"not active in the last {half} days", False


def explain(
    brief: ref.BriefFacts,
    creator: ref.CreatorFacts,
    breakdown: Mapping[str, float],
    skills: Mapping[str, int],
    *,
    factors: tuple[str, ...] = FACTORS,
) -> list[str]:
    """Two or three short reasons, strongest first.

    The positive facts that weigh most (weight × factor) come first; when fewer than two exist,
    the heaviest remaining factors fill in with a neutral or negative phrase.
    """
    w = ref.weights()
    phrased = [
        (
            w[name] * breakdown[name],
            w[name],
            name,
            *_phrase(name, brief, creator, breakdown[name], skills),
        )
        for name in factors
    ]
    positive = sorted(
        (p for p in phrased if p[4] and p[0] > 0), key=lambda p: (-p[0], FACTORS.index(p[2]))
    )
    reasons = [p[3] for p in positive[:3]]
    if len(reasons) < 2:
        rest = sorted(
            (p for p in phrased if p[3] not in reasons), key=lambda p: (-p[1], FACTORS.index(p[2]))
        )
        reasons += [p[3] for p in rest[: 2 - len(reasons)]]
    return reasons
