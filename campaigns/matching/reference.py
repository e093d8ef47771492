"""The plain-Python reference scorer for matching (DESIGN §6): the specification, kept simple.

The production ranking (`campaigns.matching`) computes the same numbers in the database and is
tested against this module: same order, same scores, same breakdown. Both sides do the same
IEEE-754 double operations in the same order, so they agree to the last bit, not just to 1e-9.

Rules, each factor in 0..1 and `score = Σ weight × factor` over `FACTORS` in order, with the
weights of `settings.MATCH_WEIGHTS`:

- **style**: distinct brief tags found in the creator's tags or approved reels' tags
  (`reel_tags`), divided by the number of distinct brief tags. A brief with no tags scores
  **0** for everyone: there is no evidence of a style fit, and 1 would rank untagged briefs
  first in a creator's recommendations.
- **tools**: distinct preferred models of the brief that the creator has a skill for (a
  `CreatorSkill` row with at least one approved reel), divided by the number of distinct
  preferred models; **0** when the brief prefers no model, for the same reason.
- **budget**: the quote is `max(min_price_per_project or 0, price_per_second × total_seconds)`
  in minor units of the creator's rate currency, an exact integer. It is converted to minor
  units of the brief's currency as `float(quote) × fx_rate(rate_currency, brief.currency)`,
  where `fx_rate` is one double per currency pair derived from the decimal `FX_TO_USD` table.
  Then 1 if the converted quote ≤ budget_max, 0 if ≥ 2 × budget_max, else
  `(2 × budget_max − quote) / budget_max`. **0.5** when the creator has no rate card: neither
  price set, or a rate currency missing from `FX_TO_USD` (and not the brief's own currency).
- **quality**: `(5 × 3.5 + rating_sum) / (5 + review_count) / 5`.
- **reliability**: `(5 × 0.8 + on_time_contracts) / (5 + completed_contracts)`.
- **language**: 1 if the brief names no language or shares one with the creator, else 0.
- **recency**: 1 if `last_active_at ≥ now − 30 days`, 0.5 if `≥ now − 90 days`, else 0 (never
  active: 0), with one `now` for the whole ranking.

Eligible creators: not suspended, `tier_rank ≥ brief.min_tier_rank`, user active.
Creators rank by score, then more completed contracts, then lower id. Briefs (a creator's
recommendations) rank by score, then earlier bid deadline, then lower id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings

from creators.models import TIER_RANK, CreatorProfile, CreatorSkill

FACTORS: tuple[str, ...] = (
    "style",
    "tools",
    "budget",
    "quality",
    "reliability",
    "language",
    "recency",
)

PRIOR_COUNT = 5  # pseudo-observations behind the Bayesian priors
PRIOR_RATING = 3.5  # stars
PRIOR_ON_TIME = 0.8  # share of contracts delivered on time
MAX_STARS = 5
QUALITY_PRIOR = PRIOR_COUNT * PRIOR_RATING  # 17.5, exact in binary
RELIABILITY_PRIOR = PRIOR_COUNT * PRIOR_ON_TIME  # 4.0 in binary
NO_RATE_CARD = 0.5


def weights() -> dict[str, float]:
    """The factor weights from settings, as doubles, in `FACTORS` order."""
    return {name: float(settings.MATCH_WEIGHTS[name]) for name in FACTORS}


def recency_cutoffs(now: datetime) -> tuple[datetime, datetime]:
    """The two instants the recency factor compares `last_active_at` with."""
    full, half = settings.MATCH_RECENCY_DAYS
    return now - timedelta(days=full), now - timedelta(days=half)


def fx_rate(source: str, target: str) -> float | None:
    """Minor units of `target` per minor unit of `source`, or None when either is unknown.

    Computed once per currency pair in Decimal from `FX_TO_USD` (USD per major unit) and the
    currencies' exponents, then rounded to one double that both scorers multiply by.
    """
    if source == target:
        return 1.0
    fx = settings.FX_TO_USD
    if source not in fx or target not in fx:
        return None
    exponents = settings.CURRENCY_EXPONENTS
    shift = exponents.get(target, 2) - exponents.get(source, 2)
    return float(Decimal(fx[source]) / Decimal(fx[target]) * Decimal(10) ** shift)


@dataclass(frozen=True)
class BriefFacts:
    """What the scorer reads from a brief."""

    id: int
    tags: frozenset[str]
    models: frozenset[str]
    languages: frozenset[str]
    total_seconds: int
    budget_max: int
    currency: str
    min_tier_rank: int = 0
    bid_deadline: datetime | None = None

    @classmethod
    def of(cls, brief) -> BriefFacts:  # type: ignore[no-untyped-def]
        return cls(
            id=brief.pk,
            tags=frozenset(brief.tags or ()),
            models=frozenset(brief.preferred_models or ()),
            languages=frozenset(brief.languages or ()),
            total_seconds=brief.total_seconds,
            budget_max=brief.budget_max,
            currency=brief.currency,
            min_tier_rank=TIER_RANK[brief.min_tier],
            bid_deadline=brief.bid_deadline,
        )


@dataclass(frozen=True)
class CreatorFacts:
    """What the scorer reads from a creator; `tags` is the union of tags and reel tags."""

    id: int
    tags: frozenset[str]
    models: frozenset[str]
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


@dataclass
class Scored:
    """One scored candidate: its id, total score and per-factor breakdown."""

    id: int
    score: float
    breakdown: dict[str, float] = field(default_factory=dict)


# Factors ---------------------------------------------------------------------------------------


def style(brief: BriefFacts, creator: CreatorFacts) -> float:
    if not brief.tags:
        return 0.0
    return len(brief.tags & creator.tags) / len(brief.tags)


def tools(brief: BriefFacts, creator: CreatorFacts) -> float:
    if not brief.models:
        return 0.0
    return len(brief.models & creator.models) / len(brief.models)


def quote(creator: CreatorFacts, total_seconds: int) -> int | None:
    """The creator's price for the brief in minor units of their rate currency; None: no card."""
    if creator.min_price_per_project is None and creator.price_per_second is None:
        return None
    return max(creator.min_price_per_project or 0, (creator.price_per_second or 0) * total_seconds)


def budget(brief: BriefFacts, creator: CreatorFacts) -> float:
    amount = quote(creator, brief.total_seconds)
    rate = fx_rate(creator.rate_currency, brief.currency)
    if amount is None or rate is None:
        return NO_RATE_CARD
    converted = float(amount) * rate
    limit = float(brief.budget_max)
    twice = float(2 * brief.budget_max)
    if converted <= limit:
        return 1.0
    if converted >= twice:
        return 0.0
    return (twice - converted) / limit


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
    if not brief.languages or brief.languages & creator.languages:
        return 1.0
    return 0.0


def recency(creator: CreatorFacts, now: datetime) -> float:
    if creator.last_active_at is None:
        return 0.0
    full, half = recency_cutoffs(now)
    if creator.last_active_at >= full:
        return 1.0
    if creator.last_active_at >= half:
        return 0.5
    return 0.0


def score(brief: BriefFacts, creator: CreatorFacts, *, now: datetime) -> Scored:
    """Score one creator for one brief with its breakdown."""
    breakdown = {
        "style": style(brief, creator),
        "tools": tools(brief, creator),
        "budget": budget(brief, creator),
        "quality": quality(creator),
        "reliability": reliability(creator),
        "language": language(brief, creator),
        "recency": recency(creator, now),
    }
    total = 0.0
    for name, weight in weights().items():
        total += weight * breakdown[name]
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
    rows = [
        (score(brief, c, now=now), c.completed_contracts) for c in creators if is_eligible(brief, c)
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

# The creator columns the score reads, in `CreatorFacts` order: the SQL scorer
# (`creator_sql`) references exactly these, and `load_creator_facts` adds eligibility.
SCORE_COLUMNS: tuple[str, ...] = (
    "id",
    "tags",
    "reel_tags",
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
ELIGIBILITY_COLUMNS: tuple[str, ...] = ("suspended", "tier", "user__is_active")
CREATOR_COLUMNS: tuple[str, ...] = (*SCORE_COLUMNS, *ELIGIBILITY_COLUMNS)


def load_creator_facts(ids: Iterable[int] | None = None) -> list[CreatorFacts]:
    """Facts of every creator (or of `ids`), skills included: two queries, everything in memory."""
    creators = CreatorProfile.objects.order_by()
    skills = CreatorSkill.objects.filter(reel_count__gt=0).order_by()
    if ids is not None:
        ids = list(ids)
        creators = creators.filter(pk__in=ids)
        skills = skills.filter(creator_id__in=ids)
    models: dict[int, set[str]] = defaultdict(set)
    for creator_id, model in skills.values_list("creator_id", "model").iterator(chunk_size=20_000):
        models[creator_id].add(model)
    return [
        CreatorFacts(
            id=pk,
            tags=frozenset(tags or ()) | frozenset(reel_tags or ()),
            models=frozenset(models.get(pk, ())),
            languages=frozenset(languages or ()),
            min_price_per_project=min_price,
            price_per_second=per_second,
            rate_currency=currency,
            rating_sum=rating_sum,
            review_count=review_count,
            completed_contracts=completed,
            on_time_contracts=on_time,
            last_active_at=last_active,
            suspended=suspended,
            tier_rank=TIER_RANK[tier],
            active=active,
        )
        for (
            pk,
            tags,
            reel_tags,
            languages,
            min_price,
            per_second,
            currency,
            rating_sum,
            review_count,
            completed,
            on_time,
            last_active,
            suspended,
            tier,
            active,
        ) in creators.values_list(*CREATOR_COLUMNS).iterator(chunk_size=20_000)
    ]
