"""What the matching scorer reads: a brief's facts, a creator's facts, the corpus statistics.

Kept apart from the formula (`reference`) so both stay short; `reference` re-exports these.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from creators.evidence import RESOLUTION_RANK
from creators.models import TIER_RANK, CreatorProfile, TermStat
from creators.text import tokenize

from ..models import REQUIRED_DEFAULT
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
    "style": 0.50,
    "relevance": 0.15,
    "tools": 0.06,
    "format": 0.02,
    "budget": 0.08,
    "quality": 0.08,
    "reliability": 0.03,
    "language": 0.15,
    "recency": 0.01,
}
# Subtracted from the score, times the share of the brief's deliverables in an aspect ratio
# the creator never showed ("formats") and of its preferred models with no evidence at all
# ("models"), when the brief does not require them (required ones cost a whole point). The
# settings' MATCH_PENALTIES override these.
DEFAULT_PENALTIES: dict[str, float] = {"formats": 0.1, "models": 0.0}
CONSTRAINTS = ("languages", "formats", "models")

PRIOR_COUNT = 5  # pseudo-observations behind the Bayesian priors
PRIOR_RATING = 3.5  # stars, before the population has any review
PRIOR_ON_TIME = 0.8  # share of contracts delivered on time, before any completed contract
MAX_STARS = 5
NO_RATE_CARD = 0.5
MAX_BRIEF_TERMS = 32
PRECISION = 1_000_000  # scores are compared and returned in millionths


def weights() -> dict[str, float]:
    """The factor weights from settings (defaults for any missing), as doubles, in order."""
    configured = getattr(settings, "MATCH_WEIGHTS", {})
    return {name: float(configured.get(name, DEFAULT_WEIGHTS[name])) for name in FACTORS}


def penalties() -> dict[str, float]:
    """The gap penalties from settings (defaults for any missing), as doubles."""
    configured = getattr(settings, "MATCH_PENALTIES", {})
    return {name: float(configured.get(name, value)) for name, value in DEFAULT_PENALTIES.items()}


def recency_cutoffs(now: datetime) -> tuple[datetime, datetime]:
    """The two instants the recency factor compares `last_active_at` with."""
    full, half = settings.MATCH_RECENCY_DAYS
    return now - timedelta(days=full), now - timedelta(days=half)


@dataclass(frozen=True)
class Corpus:
    """Corpus statistics: N (creators with terms), the df of some terms, and the population
    sums behind the priors (`TermStat`'s reserved rows)."""

    n: int = 0
    df: Mapping[str, int] = field(default_factory=dict)
    rating_sum: int = 0
    review_count: int = 0
    on_time: int = 0
    completed: int = 0

    def idf(self, term: str) -> float:
        """ln(1 + N / (1 + df)); a term in no creator's reels has df 0 (the rarest)."""
        return math.log(1.0 + float(self.n) / (1.0 + float(self.df.get(term, 0))))

    def quality_prior(self) -> float:
        """PRIOR_COUNT reviews at the population's mean stars (PRIOR_RATING before any)."""
        if self.review_count <= 0:
            return float(PRIOR_COUNT) * PRIOR_RATING
        return float(PRIOR_COUNT) * float(self.rating_sum) / float(self.review_count)

    def reliability_prior(self) -> float:
        """PRIOR_COUNT contracts at the population's on-time rate (PRIOR_ON_TIME before any)."""
        if self.completed <= 0:
            return float(PRIOR_COUNT) * PRIOR_ON_TIME
        return float(PRIOR_COUNT) * float(self.on_time) / float(self.completed)


def corpus_stats(terms: Iterable[str]) -> Corpus:
    """The corpus statistics for `terms` (one query)."""
    terms = set(terms)
    rows = dict(
        TermStat.objects.filter(term__in=[*terms, TermStat.CORPUS, *TermStat.STATS]).values_list(
            "term", "df"
        )
    )
    return Corpus(
        n=rows.get(TermStat.CORPUS, 0),
        df={t: df for t, df in rows.items() if t in terms},
        rating_sum=rows.get(TermStat.RATING_SUM, 0),
        review_count=rows.get(TermStat.REVIEW_COUNT, 0),
        on_time=rows.get(TermStat.ON_TIME, 0),
        completed=rows.get(TermStat.COMPLETED, 0),
    )


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
    required: tuple[str, ...] = REQUIRED_DEFAULT
    quality_prior: float = float(PRIOR_COUNT) * PRIOR_RATING
    reliability_prior: float = float(PRIOR_COUNT) * PRIOR_ON_TIME

    @classmethod
    def of(cls, brief: Any, corpus: Corpus | None = None) -> BriefFacts:
        """Facts of a Brief row with the `corpus` statistics (looked up when not given)."""
        terms = brief_terms(brief)
        if corpus is None:
            corpus = corpus_stats(terms)
        known = []
        if corpus.n > 0:
            known = sorted(((t, corpus.idf(t)) for t in set(terms)), key=lambda p: (-p[1], p[0]))
        scored = tuple(sorted(known[:MAX_BRIEF_TERMS]))
        deliverables = tuple(
            (str(d.get("aspect_ratio")), RESOLUTION_RANK.get(str(d.get("resolution")), 0))
            for d in (brief.deliverables or ())
            if isinstance(d, dict)
        )
        required = getattr(brief, "required", None)
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
            required=tuple(REQUIRED_DEFAULT if required is None else sorted(set(required))),
            quality_prior=corpus.quality_prior(),
            reliability_prior=corpus.reliability_prior(),
        )

    def asked(self) -> tuple[str, ...]:
        """The factors this brief asks about, in `FACTORS` order."""
        total = 0.0
        for _, idf in self.terms:
            total += idf
        present = {
            "style": bool(self.tags),
            "relevance": total > 0.0,
            "tools": bool(self.models),
            "format": bool(self.deliverables),
            "language": bool(self.languages),
        }
        return tuple(name for name in FACTORS if present.get(name, True))

    def normalised_weights(self) -> dict[str, float]:
        """`w / Σw` over the asked factors (Σ left to right), one double each. A brief that
        names no style but has words gives the style's weight to relevance (its words are then
        the only evidence of the style it wants), not to every other factor."""
        w = weights()
        asked = self.asked()
        if "style" not in asked and "relevance" in asked:
            w = {**w, "relevance": w["relevance"] + w["style"]}
        total = 0.0
        for name in asked:
            total += w[name]
        if total <= 0.0:
            return {name: 0.0 for name in asked}
        return {name: w[name] / total for name in asked}

    def constraints(self) -> tuple[str, ...]:
        """The hard constraints in force: required and asked (languages, formats, models)."""
        present = {
            "languages": bool(self.languages),
            "formats": bool(self.deliverables),
            "models": bool(self.models),
        }
        return tuple(c for c in CONSTRAINTS if c in self.required and present[c])

    def gap_penalties(self) -> dict[str, float]:
        """The gap penalties in force: for formats and models asked but not required."""
        p = penalties()
        out = {}
        if self.deliverables and "formats" not in self.required and p["formats"] > 0:
            out["formats"] = p["formats"]
        if self.models and "models" not in self.required and p["models"] > 0:
            out["models"] = p["models"]
        return out

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
    terms: Mapping[str, float]
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
    track_record: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, creator: CreatorProfile, *, active: bool = True) -> CreatorFacts:
        terms = creator.terms or {}
        if isinstance(terms, list):  # rows written before strengths were stored
            terms = dict.fromkeys(terms, 1.0)
        return cls(
            id=creator.pk,
            tag_evidence=creator.tag_evidence or {},
            model_evidence=creator.model_evidence or {},
            provider_evidence=creator.provider_evidence or {},
            formats=creator.formats or {},
            terms=terms,
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
            track_record=getattr(creator, "track_record", None) or {},
        )


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
