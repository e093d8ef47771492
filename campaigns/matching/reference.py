"""The plain-Python reference scorer for matching (DESIGN §6 v2): the specification, kept simple.

The production ranking (`campaigns.matching.creators`) computes the same numbers in the
database and is tested against this module: same order, same scores, same breakdown. Both sides
do the same IEEE-754 double operations in the same order (sums left to right in the order
below), so they agree to the last bit, not just to 1e-9.

Evidence is what approved reels show, stored on the profile by `creators.evidence` (n
showings → `1 − 0.5ⁿ`). Each factor is in 0..1:

- **style**: mean over the brief's distinct tags (sorted) of `tag_evidence[tag]` (0 if absent;
  a tag only claimed on the profile is stored as n = 0.5).
- **relevance**: the brief's terms (`Brief.terms`, same tokenizer as the reels) that occur in the
  corpus (`TermStat.df > 0`), at most `MAX_BRIEF_TERMS` of the highest idf, idf(t) =
  ln(1 + N / (1 + df)): Σ idf over those found in the creator's approved reels' terms / Σ idf.
- **tools**: mean over the brief's distinct preferred models (sorted) of `model_evidence[m]`,
  else `provider_evidence[provider_of(m)]`, else 0.
- **format**: mean over the deliverables of 1 if approved reels show the aspect ratio at the
  resolution or better, 0.5 if only at a lower resolution, else 0.
- **budget**: quote = `max(min_price_per_project or 0, price_per_second × total_seconds)` in
  minor units of the rate currency. Compared with the brief's `budget_max` through the exact
  rate (Fractions of the decimal `FX_TO_USD` table): quote ≤ T1 = ⌊B / rate⌋ → 1, quote ≥
  T2 = ⌈2B / rate⌉ → 0, in between `min(1, max(0, (2B − quote × rate) / B))` in doubles with
  the rate rounded to one double. **0.5** without a rate card, with a rate currency the FX table
  does not know, or when the brief's currency has no FX rate.
- **quality**: `(5 × 3.5 + rating_sum) / (5 + review_count) / 5`.
- **reliability**: `(5 × 0.8 + on_time_contracts) / (5 + completed_contracts)`.
- **language**: 1 if the creator speaks one of the brief's languages, else 0.
- **recency**: from `last_active_at` (approved reels, bids, deliveries only): 1 within 30 days,
  0.5 within 90, else 0.

A factor the brief does not ask about (no tags, no relevant terms, no preferred models, no
deliverables, no languages) is left out (None in the breakdown); the weights of the asked
factors are renormalised to sum to 1, each `w / Σw` one double, and the score is
`Σ nw × factor` over the asked factors in `FACTORS` order.

Eligible creators: not suspended, `tier_rank ≥ brief.min_tier_rank`, user active. Creators rank
by score, then more completed contracts, then lower id. Briefs (a creator's recommendations)
rank by score, then earlier bid deadline, then lower id.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from creators.evidence import RESOLUTION_RANK, provider_of
from creators.models import TIER_RANK, CreatorProfile, TermStat
from creators.text import tokenize

from .budget_lines import BudgetLine, budget_lines

FACTORS: tuple[str, ...] = (
    "style",
    "relevance",
    "tools",
    "format",
    "budget",
    "quality",
    "reliability",
    "language",
    "recency",
)
# Asked whatever the brief says.
ALWAYS_ASKED = ("budget", "quality", "reliability", "recency")
# Used for a factor missing from settings.MATCH_WEIGHTS (the same tuned values).
DEFAULT_WEIGHTS: dict[str, float] = {
    "style": 0.20,
    "relevance": 0.25,
    "tools": 0.10,
    "format": 0.05,
    "budget": 0.13,
    "quality": 0.11,
    "reliability": 0.09,
    "language": 0.05,
    "recency": 0.02,
}

PRIOR_COUNT = 5  # pseudo-observations behind the Bayesian priors
PRIOR_RATING = 3.5  # stars
PRIOR_ON_TIME = 0.8  # share of contracts delivered on time
MAX_STARS = 5
QUALITY_PRIOR = PRIOR_COUNT * PRIOR_RATING  # 17.5, exact in binary
RELIABILITY_PRIOR = PRIOR_COUNT * PRIOR_ON_TIME  # 4.0 in binary
NO_RATE_CARD = 0.5
MAX_BRIEF_TERMS = 32


def weights() -> dict[str, float]:
    """The factor weights from settings (defaults for any missing), as doubles, in order."""
    configured = getattr(settings, "MATCH_WEIGHTS", {})
    return {name: float(configured.get(name, DEFAULT_WEIGHTS[name])) for name in FACTORS}


def recency_cutoffs(now: datetime) -> tuple[datetime, datetime]:
    """The two instants the recency factor compares `last_active_at` with."""
    full, half = settings.MATCH_RECENCY_DAYS
    return now - timedelta(days=full), now - timedelta(days=half)


def term_idf(terms: Iterable[str]) -> dict[str, float]:
    """idf of each of `terms` found in the corpus statistics (one query)."""
    terms = set(terms)
    rows = dict(
        TermStat.objects.filter(term__in=[*terms, TermStat.CORPUS]).values_list("term", "df")
    )
    corpus = rows.pop(TermStat.CORPUS, 0)
    return {
        t: math.log(1.0 + float(corpus) / (1.0 + float(df)))
        for t, df in sorted(rows.items())
        if df > 0 and t in terms
    }


def brief_terms(brief: Any) -> list[str]:
    """The brief's stored terms (tokenized from title and description when not stored yet)."""
    return list(brief.terms or tokenize(brief.title or "", brief.description or ""))


@dataclass(frozen=True)
class BriefFacts:
    """What the scorer reads from a brief; lists are distinct and sorted (the summing order)."""

    id: int
    tags: tuple[str, ...]
    models: tuple[str, ...]
    languages: frozenset[str]
    deliverables: tuple[tuple[str, int], ...]  # (aspect ratio, required resolution rank)
    terms: tuple[tuple[str, float], ...]  # (term, idf), the scored terms in sorted order
    total_seconds: int
    budget_max: int
    currency: str
    min_tier_rank: int = 0
    bid_deadline: datetime | None = None
    all_terms: tuple[str, ...] = ()

    @classmethod
    def of(cls, brief: Any, idf: Mapping[str, float] | None = None) -> BriefFacts:
        """Facts of a Brief row; `idf` of its terms (looked up when not given)."""
        terms = brief_terms(brief)
        if idf is None:
            idf = term_idf(terms)
        known = sorted(((t, idf[t]) for t in set(terms) if t in idf), key=lambda p: (-p[1], p[0]))
        scored = tuple(sorted(known[:MAX_BRIEF_TERMS]))
        deliverables = tuple(
            (str(d.get("aspect_ratio")), RESOLUTION_RANK.get(str(d.get("resolution")), 0))
            for d in (brief.deliverables or ())
            if isinstance(d, dict)
        )
        return cls(
            id=brief.pk,
            tags=tuple(sorted(set(brief.tags or ()))),
            models=tuple(sorted(set(brief.preferred_models or ()))),
            languages=frozenset(brief.languages or ()),
            deliverables=deliverables,
            terms=scored,
            total_seconds=brief.total_seconds,
            budget_max=brief.budget_max,
            currency=brief.currency,
            min_tier_rank=TIER_RANK[brief.min_tier],
            bid_deadline=brief.bid_deadline,
            all_terms=tuple(terms),
        )

    def asked(self) -> tuple[str, ...]:
        """The factors this brief asks about, in `FACTORS` order."""
        present = {
            "style": bool(self.tags),
            "relevance": bool(self.terms),
            "tools": bool(self.models),
            "format": bool(self.deliverables),
            "language": bool(self.languages),
        }
        return tuple(name for name in FACTORS if present.get(name, True))

    def normalised_weights(self) -> dict[str, float]:
        """`w / Σw` over the asked factors (Σ left to right), one double each."""
        w = weights()
        asked = self.asked()
        total = 0.0
        for name in asked:
            total += w[name]
        if total <= 0.0:
            return {name: 0.0 for name in asked}
        return {name: w[name] / total for name in asked}

    def lines(self) -> dict[str, BudgetLine] | None:
        return budget_lines(self.budget_max, self.currency)


@dataclass(frozen=True)
class CreatorFacts:
    """What the scorer reads from a creator: stored evidence and the cached track record."""

    id: int
    tag_evidence: Mapping[str, float]
    model_evidence: Mapping[str, float]
    provider_evidence: Mapping[str, float]
    formats: Mapping[str, int]
    terms: frozenset[str]
    languages: frozenset[str]
    min_price_per_project: int | None
    price_per_second: int | None
    rate_currency: str
    rating_sum: int
    review_count: int
    completed_contracts: int
    on_time_contracts: int
    last_active_at: datetime | None
    suspended: bool = False
    tier_rank: int = 0
    active: bool = True

    @classmethod
    def of(cls, creator: CreatorProfile, *, active: bool = True) -> CreatorFacts:
        return cls(
            id=creator.pk,
            tag_evidence=creator.tag_evidence or {},
            model_evidence=creator.model_evidence or {},
            provider_evidence=creator.provider_evidence or {},
            formats=creator.formats or {},
            terms=frozenset(creator.terms or ()),
            languages=frozenset(creator.languages or ()),
            min_price_per_project=creator.min_price_per_project,
            price_per_second=creator.price_per_second,
            rate_currency=creator.rate_currency,
            rating_sum=creator.rating_sum,
            review_count=creator.review_count,
            completed_contracts=creator.completed_contracts,
            on_time_contracts=creator.on_time_contracts,
            last_active_at=creator.last_active_at,
            suspended=creator.suspended,
            tier_rank=TIER_RANK[creator.tier],
            active=active,
        )


@dataclass
class Scored:
    """One scored candidate: its id, total score and per-factor breakdown (None: not asked)."""

    id: int
    score: float
    breakdown: dict[str, float | None] = field(default_factory=dict)


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
        found += idf if term in creator.terms else 0.0
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


def quality(creator: CreatorFacts) -> float:
    return (
        (QUALITY_PRIOR + float(creator.rating_sum))
        / float(creator.review_count + PRIOR_COUNT)
        / float(MAX_STARS)
    )


def reliability(creator: CreatorFacts) -> float:
    return (RELIABILITY_PRIOR + float(creator.on_time_contracts)) / float(
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
        return quality(creator)
    if name == "reliability":
        return reliability(creator)
    if name == "language":
        return language(brief, creator)
    return recency(creator, now)


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
    return Scored(id=creator.id, score=total, breakdown=breakdown)


def is_eligible(brief: BriefFacts, creator: CreatorFacts) -> bool:
    """Active, not suspended, at or above the brief's minimum tier."""
    return creator.active and not creator.suspended and creator.tier_rank >= brief.min_tier_rank


def rank_creators(
    brief: BriefFacts,
    creators: Iterable[CreatorFacts],
    *,
    now: datetime,
    limit: int | None = None,
) -> list[Scored]:
    """Eligible creators best first: score, then completed contracts, then id."""
    lines = brief.lines()
    rows = [
        (score(brief, c, now=now, lines=lines), c.completed_contracts)
        for c in creators
        if is_eligible(brief, c)
    ]
    rows.sort(key=lambda row: (-row[0].score, -row[1], row[0].id))
    ranked = [row[0] for row in rows]
    return ranked if limit is None else ranked[:limit]


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


# Loading facts from the database (tests and the brute-force benchmark) -------------------------

# The creator columns the score reads: the SQL scorer (`creator_sql`) references exactly these.
SCORE_COLUMNS: tuple[str, ...] = (
    "id",
    "tag_evidence",
    "model_evidence",
    "provider_evidence",
    "formats",
    "terms",
    "languages",
    "min_price_per_project",
    "price_per_second",
    "rate_currency",
    "rating_sum",
    "review_count",
    "completed_contracts",
    "on_time_contracts",
    "last_active_at",
)


def load_creator_facts(ids: Iterable[int] | None = None) -> list[CreatorFacts]:
    """Facts of every creator (or of `ids`), eligibility included: one query, all in memory."""
    creators = CreatorProfile.objects.order_by().select_related("user")
    if ids is not None:
        creators = creators.filter(pk__in=list(ids))
    return [CreatorFacts.of(c, active=c.user.is_active) for c in creators.iterator(chunk_size=5000)]
