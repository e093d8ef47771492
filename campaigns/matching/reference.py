"""The plain-Python reference scorer for matching (v3): the specification, kept simple.

The production ranking (`campaigns.matching.creators`) computes the same numbers in the
database and is tested against this module: same order, same scores, same breakdown. Both sides
do the same IEEE-754 double operations in the same order (sums left to right in the order
below), so they agree to the last bit, not just to 1e-9.

Evidence is what approved reels and completed contracts show, stored on the profile by
`creators.evidence` (near-duplicates once, tags diluted, n showings → `1 − 0.5ⁿ`, contracts
worth more than reels, per-term BM25 strengths of the best reels). Each factor is in 0..1:

- **style**: mean over the brief's distinct tags (sorted) of `tag_evidence[tag]` (0 if absent).
- **relevance**: over the brief's distinct terms (at most `MAX_BRIEF_TERMS` of the highest idf,
  idf(t) = ln(1 + N / (1 + df)), df 0 for a term no creator shows):
  Σ idf × `terms[t]` (the creator's stored strength, 0 if absent) / Σ idf. Brief words found in
  no reel stay in the denominator.
- **tools**: mean over the brief's distinct preferred models (sorted) of `model_evidence[m]`,
  else `provider_evidence[provider_of(m)]`, else 0.
- **format**: mean over the deliverables of 1 if approved reels show the aspect ratio at the
  resolution or better, 0.5 if only at a lower resolution, else 0.
- **budget**: quote = `max(min_price_per_project or 0, price_per_second × total_seconds)` in
  minor units of the rate currency. Compared with the brief's `budget_max` through the exact
  rate (`budget_lines`): quote ≤ T1 → 1, quote ≥ T2 → 0, in between
  `min(1, max(0, (2B − quote × rate) / B))`. **0.5** without a rate card or an FX rate.
- **quality**: `(Q + rating_sum) / (PRIOR_COUNT + review_count) / 5`, Q = PRIOR_COUNT reviews
  at the population's mean stars (`Corpus.quality_prior`): a newcomer sits at the mean.
- **reliability**: `(R + on_time) / (PRIOR_COUNT + completed)`, R likewise at the population's
  on-time rate.
- **language**: 1 if the creator speaks one of the brief's languages, else 0.
- **recency**: 1 within 30 days of `last_active_at`, 0.5 within 90, else 0.

The score: `base = Σ nw × factor` over the asked factors in `FACTORS` order (`nw = w / Σw`
over the asked factors; a brief with words but no tags adds the style weight to relevance's);
minus `penalty × gap` for each gap penalty in force (the share of deliverables in an aspect
ratio never shown, then of preferred models with no evidence, when not required); rounded to
millionths, `⌊base × 10⁶ + 0.5⌋ / 10⁶`; minus 1 for each hard constraint in force the creator
misses (languages: speaks none; formats: some deliverable's aspect ratio never shown; models:
some preferred model with no evidence). So a creator missing a required constraint ranks below
every creator meeting them all, and equal rounded scores are exact ties.

Eligible creators: not suspended, `tier_rank ≥ brief.min_tier_rank`, user active. Creators rank
by score, then more completed contracts, then lower id; then the exploration rule
(`explore`). Briefs (a creator's recommendations) rank by score, then earlier bid deadline,
then lower id.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from creators.evidence import provider_of

from .budget_lines import BudgetLine
from .facts import (
    ALWAYS_ASKED,
    CONSTRAINTS,
    DEFAULT_PENALTIES,
    DEFAULT_WEIGHTS,
    FACTORS,
    MAX_BRIEF_TERMS,
    MAX_STARS,
    NO_RATE_CARD,
    PRECISION,
    PRIOR_COUNT,
    SCORE_COLUMNS,
    BriefFacts,
    Corpus,
    CreatorFacts,
    brief_terms,
    corpus_stats,
    load_creator_facts,
    penalties,
    recency_cutoffs,
    weights,
)

__all__ = [
    "ALWAYS_ASKED",
    "CONSTRAINTS",
    "DEFAULT_PENALTIES",
    "DEFAULT_WEIGHTS",
    "FACTORS",
    "MAX_BRIEF_TERMS",
    "MAX_STARS",
    "NO_RATE_CARD",
    "PRECISION",
    "PRIOR_COUNT",
    "SCORE_COLUMNS",
    "BriefFacts",
    "Corpus",
    "CreatorFacts",
    "Scored",
    "brief_terms",
    "corpus_stats",
    "load_creator_facts",
    "penalties",
    "rank_briefs",
    "rank_creators",
    "recency_cutoffs",
    "score",
    "weights",
]

# Exploration: the best creator without completed contracts takes this place in the list when
# none is above it and their score is within the margin of the creator there.
DEFAULT_EXPLORATION = {"slot": 10, "margin": 0.1}


def exploration() -> tuple[int, float]:
    """(slot, margin) of the exploration rule from settings; slot 0 turns it off."""
    configured = {**DEFAULT_EXPLORATION, **getattr(settings, "MATCH_EXPLORATION", {})}
    return int(configured["slot"]), float(configured["margin"])


@dataclass
class Scored:
    """One scored candidate: its id, score, per-factor breakdown (None: not asked) and the
    constraints (`required`: in force; `missing`: those it misses; `gaps`: share per gap
    penalty in force)."""

    id: int
    score: float
    breakdown: dict[str, float | None] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    gaps: dict[str, float] = field(default_factory=dict)
    completed: int = 0


# Factors ---------------------------------------------------------------------------------------


def style(brief: BriefFacts, creator: CreatorFacts) -> float:
    total = 0.0
    for tag in brief.tags:
        total += float(creator.tag_evidence.get(tag, 0.0))
    return total / float(len(brief.tags))


def relevance(brief: BriefFacts, creator: CreatorFacts) -> float:
    found = 0.0
    total = 0.0
    for term, idf in brief.terms:
        found += idf * float(creator.terms.get(term, 0.0))
        total += idf
    return found / total


def tool_evidence(model: str, creator: CreatorFacts) -> float:
    value = creator.model_evidence.get(model)
    if value is None:
        value = creator.provider_evidence.get(provider_of(model), 0.0)
    return float(value)


def tools(brief: BriefFacts, creator: CreatorFacts) -> float:
    total = 0.0
    for model in brief.models:
        total += tool_evidence(model, creator)
    return total / float(len(brief.models))


def format_fit(aspect: str, need: int, creator: CreatorFacts) -> float:
    have = creator.formats.get(aspect)
    if have is None:
        return 0.0
    return 1.0 if int(have) >= need else 0.5


def format_(brief: BriefFacts, creator: CreatorFacts) -> float:
    total = 0.0
    for aspect, need in brief.deliverables:
        total += format_fit(aspect, need, creator)
    return total / float(len(brief.deliverables))


def quote(creator: CreatorFacts, total_seconds: int) -> int | None:
    """The creator's price for the brief in minor units of their rate currency; None: no card."""
    if creator.min_price_per_project is None and creator.price_per_second is None:
        return None
    return max(creator.min_price_per_project or 0, (creator.price_per_second or 0) * total_seconds)


def budget(
    brief: BriefFacts, creator: CreatorFacts, lines: Mapping[str, BudgetLine] | None = None
) -> float:
    lines = brief.lines() if lines is None else lines
    amount = quote(creator, brief.total_seconds)
    if lines is None or amount is None or creator.rate_currency not in lines:
        return NO_RATE_CARD
    line = lines[creator.rate_currency]
    if amount <= line.full:
        return 1.0
    if amount >= line.zero:
        return 0.0
    limit = float(brief.budget_max)
    linear = (float(2 * brief.budget_max) - float(amount) * line.rate) / limit
    return min(1.0, max(0.0, linear))


def quality(brief: BriefFacts, creator: CreatorFacts) -> float:
    return (
        (brief.quality_prior + float(creator.rating_sum))
        / float(creator.review_count + PRIOR_COUNT)
        / float(MAX_STARS)
    )


def reliability(brief: BriefFacts, creator: CreatorFacts) -> float:
    return (brief.reliability_prior + float(creator.on_time_contracts)) / float(
        creator.completed_contracts + PRIOR_COUNT
    )


def language(brief: BriefFacts, creator: CreatorFacts) -> float:
    return 1.0 if brief.languages & creator.languages else 0.0


def recency(creator: CreatorFacts, now: datetime) -> float:
    if creator.last_active_at is None:
        return 0.0
    full, half = recency_cutoffs(now)
    if creator.last_active_at >= full:
        return 1.0
    if creator.last_active_at >= half:
        return 0.5
    return 0.0


def factor(
    name: str,
    brief: BriefFacts,
    creator: CreatorFacts,
    now: datetime,
    lines: Mapping[str, BudgetLine] | None = None,
) -> float:
    if name == "style":
        return style(brief, creator)
    if name == "relevance":
        return relevance(brief, creator)
    if name == "tools":
        return tools(brief, creator)
    if name == "format":
        return format_(brief, creator)
    if name == "budget":
        return budget(brief, creator, lines)
    if name == "quality":
        return quality(brief, creator)
    if name == "reliability":
        return reliability(brief, creator)
    if name == "language":
        return language(brief, creator)
    return recency(creator, now)


# Constraints -----------------------------------------------------------------------------------


def format_gap(brief: BriefFacts, creator: CreatorFacts) -> float:
    """The share of deliverables in an aspect ratio the creator never showed."""
    total = 0.0
    for aspect, _ in brief.deliverables:
        total += 1.0 if creator.formats.get(aspect) is None else 0.0
    return total / float(len(brief.deliverables))


def model_gap(brief: BriefFacts, creator: CreatorFacts) -> float:
    """The share of preferred models with no evidence at all (model or provider)."""
    total = 0.0
    for model in brief.models:
        total += 1.0 if tool_evidence(model, creator) == 0.0 else 0.0
    return total / float(len(brief.models))


def gap(name: str, brief: BriefFacts, creator: CreatorFacts) -> float:
    return format_gap(brief, creator) if name == "formats" else model_gap(brief, creator)


def misses(name: str, brief: BriefFacts, creator: CreatorFacts) -> bool:
    """The creator misses the constraint `name` (languages, formats or models)."""
    if name == "languages":
        return not brief.languages & creator.languages
    return gap(name, brief, creator) > 0.0


def rounded(value: float) -> float:
    """`value` to the nearest millionth (halves up), as one double on every side."""
    return math.floor(value * float(PRECISION) + 0.5) / float(PRECISION)


def score(
    brief: BriefFacts,
    creator: CreatorFacts,
    *,
    now: datetime,
    lines: Mapping[str, BudgetLine] | None = None,
) -> Scored:
    """Score one creator for one brief with its breakdown (None for factors not asked)."""
    if lines is None:
        lines = brief.lines()
    nw = brief.normalised_weights()
    breakdown: dict[str, float | None] = dict.fromkeys(FACTORS)
    total = 0.0
    for name in brief.asked():
        value = factor(name, brief, creator, now, lines)
        breakdown[name] = value
        total += nw[name] * value
    gaps = {}
    for name, penalty in brief.gap_penalties().items():
        gaps[name] = gap(name, brief, creator)
        total -= penalty * gaps[name]
    required = brief.constraints()
    missing = tuple(name for name in required if misses(name, brief, creator))
    return Scored(
        id=creator.id,
        score=rounded(total) - float(len(missing)),
        breakdown=breakdown,
        required=required,
        missing=missing,
        gaps=gaps,
        completed=creator.completed_contracts,
    )


def is_eligible(brief: BriefFacts, creator: CreatorFacts) -> bool:
    """Active, not suspended, at or above the brief's minimum tier."""
    return creator.active and not creator.suspended and creator.tier_rank >= brief.min_tier_rank


def explore(ranked: list[Any], *, score_of: Any, completed_of: Any) -> list[Any]:
    """The exploration rule on a ranked list (best first).

    When every one of the first `slot` results has completed contracts, the first result
    further down without any (a newcomer) that meets every hard constraint (score ≥ 0) moves
    up to place `slot` if its score is at least the score at `slot` minus `margin`; the results
    from `slot` on move down one. Places before `slot` never change, and a list shorter than
    `slot` is left as it is.
    """
    slot, margin = exploration()
    if slot < 1 or len(ranked) < slot:
        return ranked
    if any(completed_of(r) == 0 for r in ranked[:slot]):
        return ranked
    bar = score_of(ranked[slot - 1]) - margin
    for i in range(slot, len(ranked)):
        candidate = ranked[i]
        if score_of(candidate) < bar or score_of(candidate) < 0.0:
            return ranked
        if completed_of(candidate) == 0:
            return [*ranked[: slot - 1], candidate, *ranked[slot - 1 : i], *ranked[i + 1 :]]
    return ranked


def rank_creators(
    brief: BriefFacts,
    creators: Iterable[CreatorFacts],
    *,
    now: datetime,
    limit: int | None = None,
) -> list[Scored]:
    """Eligible creators best first: score, then completed contracts, then id; then the
    exploration rule over the whole ranking, cut at `limit`."""
    lines = brief.lines()
    rows = [score(brief, c, now=now, lines=lines) for c in creators if is_eligible(brief, c)]
    rows.sort(key=lambda row: (-row.score, -row.completed, row.id))
    rows = explore(rows, score_of=lambda r: r.score, completed_of=lambda r: r.completed)
    return rows if limit is None else rows[:limit]


def rank_briefs(
    creator: CreatorFacts,
    briefs: Iterable[BriefFacts],
    *,
    now: datetime,
    limit: int | None = None,
) -> list[Scored]:
    """Briefs for one creator best first: score, then earlier bid deadline, then id.

    Which briefs a creator may bid on is decided by the caller; this only orders them.
    """
    rows = [(score(b, creator, now=now), b) for b in briefs]
    for scored, brief in rows:
        scored.id = brief.id
    rows.sort(key=lambda row: (-row[0].score, row[1].bid_deadline, row[1].id))
    ranked = [row[0] for row in rows]
    return ranked if limit is None else ranked[:limit]
