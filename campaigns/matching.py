"""Matching (DESIGN §6): rank creators for a brief, and briefs for a creator, in the database.

The rules live in `campaigns.matching_reference` (the plain-Python specification, with the
choices for empty tag and model lists); this module computes the same numbers as SQL
expressions, ranks and cuts the top N in the database, and never loads every creator.

Exactness: every factor is a double computed with the same operations in the same order as the
reference (integers cast to double before dividing, constants sent as doubles, the currency
conversion a single multiplication by the reference's per-pair rate), so PostgreSQL, SQLite
and Python agree bit for bit and ties break identically.

Speed on PostgreSQL: the brief's few tags, models and languages become uncorrelated
`id IN (subquery)` tests, which PostgreSQL runs once per query as hashed sub-plans fed by the
jsonb GIN indexes (`@>`) and the `(model, creator)` skill index; the scan over eligible creators
then costs a few hash probes and some arithmetic per row, and the top N is a bounded heap sort.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.utils import timezone

from creators.models import TIER_RANK, CreatorProfile, CreatorSkill
from marketplace.models import User

from . import matching_reference as ref
from .models import (
    LIVE_BID_STATUSES,
    Bid,
    Brief,
    BriefStatus,
    Invitation,
    InvitationStatus,
    Visibility,
)

FACTORS = ref.FACTORS
EXCLUDE_CHOICES = ("bid", "invited")

Expr = Any  # a Django expression or Q usable inside annotations


# SQL building blocks ---------------------------------------------------------------------------


def _num(value: float) -> Expr:
    """A double constant. A bare `0.3` would be `numeric` on PostgreSQL, and numeric arithmetic
    would round differently from Python."""
    return Cast(Value(float(value)), FloatField())


def _float(expression: Expr) -> Expr:
    """An integer expression cast to double, so `/` is true division everywhere."""
    return Cast(expression, FloatField())


class JSONListHas(Func):
    """True when the JSON list in the column holds `item` (exact element match).

    PostgreSQL: `col @> '["item"]'`, which the jsonb_path_ops GIN indexes serve. SQLite has
    no containment operator, so it looks through `json_each`.
    """

    output_field = BooleanField()
    arity = 1

    def __init__(self, expression: Expr, item: str) -> None:
        super().__init__(expression)
        self.item = item

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"EXISTS (SELECT 1 FROM json_each({sql}) AS je WHERE je.value = %s)",
            (*params, self.item),
        )

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} @> %s::jsonb)", (*params, json.dumps([self.item]))


class JSONListCount(Func):
    """How many distinct items of the JSON list in the column are in `within` (or at all)."""

    output_field = IntegerField()
    arity = 1

    def __init__(self, expression: Expr, within: Iterable[str] | None = None) -> None:
        super().__init__(expression)
        self.within = None if within is None else sorted(set(within))

    def _where(self, column: str) -> tuple[str, list[str]]:
        if self.within is None:
            return "", []
        if not self.within:
            return " WHERE 1 = 0", []
        return f" WHERE {column} IN ({', '.join(['%s'] * len(self.within))})", list(self.within)

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        where, more = self._where("je.value")
        return (
            f"(SELECT COUNT(DISTINCT je.value) FROM json_each({sql}) AS je{where})",
            (*params, *more),
        )

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        where, more = self._where("je.v")
        return (
            f"(SELECT COUNT(DISTINCT je.v) FROM jsonb_array_elements_text({sql}) AS je(v){where})",
            (*params, *more),
        )


def _count_true(conditions: list[Expr]) -> Expr:
    """Σ (1 if condition else 0), an integer."""
    return reduce(
        operator.add, [Case(When(c, then=Value(1)), default=Value(0)) for c in conditions]
    )


def _creator_has(column_names: tuple[str, ...], item: str) -> Expr:
    """The creator row's JSON list column(s) hold `item`.

    On PostgreSQL an uncorrelated `id IN (SELECT id ... WHERE col @> ...)`: the sub-plan runs once
    through the GIN index and each row costs one hash probe. Elsewhere a per-row test.
    """
    test = reduce(operator.or_, [Q(JSONListHas(F(name), item)) for name in column_names])
    if connection.vendor == "postgresql":
        return Q(pk__in=CreatorProfile.objects.order_by().filter(test).values("pk"))
    return test


def _weighted_sum(factors: Mapping[str, Expr]) -> Expr:
    """Σ weight × factor in `FACTORS` order, left to right like the reference."""
    w = ref.weights()
    return reduce(operator.add, [_num(w[name]) * factors[name] for name in FACTORS])


def _budget(*, quote: Expr, rate: Expr, has_card: Expr | bool, limit: Expr, twice: Expr) -> Expr:
    """1 when the converted quote ≤ limit, 0 from twice the limit, linear between; 0.5: no card.

    Written as `min(1, max(0, (2B − q) / B))`, which equals the reference's three cases
    exactly (rounding is monotone, so q ≤ B yields a value ≥ 1 and q ≥ 2B one ≤ 0) and
    evaluates the quote once per row.
    """
    if has_card is False:
        return _num(ref.NO_RATE_CARD)
    converted = _float(quote) * rate
    linear = Least(_num(1.0), Greatest(_num(0.0), (twice - converted) / limit))
    if has_card is True:
        return linear
    return Case(When(has_card, then=linear), default=_num(ref.NO_RATE_CARD))


def _quality(rating_sum: Expr, review_count: Expr) -> Expr:
    return (
        (_num(ref.QUALITY_PRIOR) + _float(rating_sum))
        / _float(review_count + Value(ref.PRIOR_COUNT))
        / _num(ref.MAX_STARS)
    )


def _reliability(on_time: Expr, completed: Expr) -> Expr:
    return (_num(ref.RELIABILITY_PRIOR) + _float(on_time)) / _float(
        completed + Value(ref.PRIOR_COUNT)
    )


def _recency(last_active: Expr, now: datetime) -> Expr:
    full, half = ref.recency_cutoffs(now)
    return Case(
        When(GreaterThanOrEqual(last_active, full), then=_num(1.0)),
        When(GreaterThanOrEqual(last_active, half), then=_num(0.5)),
        default=_num(0.0),
        output_field=FloatField(),
    )


def _known_rates(target: str) -> dict[str, float]:
    """Rate to `target` from every currency the FX table (or `target` itself) knows."""
    rates = {c: ref.fx_rate(c, target) for c in {*settings.FX_TO_USD, target}}
    return {c: r for c, r in sorted(rates.items()) if r is not None}


# Creators for a brief ------------------------------------------------------------------------


def creator_factor_expressions(brief: ref.BriefFacts, *, now: datetime) -> dict[str, Expr]:
    """Each factor of DESIGN §6 as a SQL expression over creator rows, for one brief."""
    factors: dict[str, Expr] = {}
    if brief.tags:
        matched = _count_true([_creator_has(("tags", "reel_tags"), t) for t in sorted(brief.tags)])
        factors["style"] = _float(matched) / _num(len(brief.tags))
    else:
        factors["style"] = _num(0.0)
    if brief.models:
        used = _count_true(
            [
                Q(
                    pk__in=CreatorSkill.objects.order_by()
                    .filter(model=m, reel_count__gt=0)
                    .values("creator_id")
                )
                for m in sorted(brief.models)
            ]
        )
        factors["tools"] = _float(used) / _num(len(brief.models))
    else:
        factors["tools"] = _num(0.0)
    rates = _known_rates(brief.currency)
    factors["budget"] = _budget(
        quote=Greatest(
            Coalesce(F("min_price_per_project"), Value(0)),
            Coalesce(F("price_per_second"), Value(0)) * Value(brief.total_seconds),
        ),
        rate=Case(
            *[When(rate_currency=c, then=_num(r)) for c, r in rates.items()],
            default=Value(None, output_field=FloatField()),
            output_field=FloatField(),
        ),
        has_card=(Q(min_price_per_project__isnull=False) | Q(price_per_second__isnull=False))
        & Q(rate_currency__in=list(rates)),
        limit=_num(float(brief.budget_max)),
        twice=_num(float(2 * brief.budget_max)),
    )
    factors["quality"] = _quality(F("rating_sum"), F("review_count"))
    factors["reliability"] = _reliability(F("on_time_contracts"), F("completed_contracts"))
    if brief.languages:
        speaks = reduce(
            operator.or_, [_creator_has(("languages",), lang) for lang in sorted(brief.languages)]
        )
        factors["language"] = Case(
            When(speaks, then=_num(1.0)), default=_num(0.0), output_field=FloatField()
        )
    else:
        factors["language"] = _num(1.0)
    factors["recency"] = _recency(F("last_active_at"), now)
    return factors


def eligible_creators(min_tier_rank: int) -> QuerySet[CreatorProfile]:
    """Creators a brief may be matched with: not suspended, tier high enough, user active."""
    return (
        CreatorProfile.objects.order_by()
        .filter(suspended=False, tier_rank__gte=min_tier_rank)
        .exclude(user_id__in=User.objects.order_by().filter(is_active=False).values("pk"))
    )


def creator_ranking_queryset(
    brief: Brief, *, now: datetime, exclude: Iterable[str] = ()
) -> QuerySet:
    """`(creator id, score)` of eligible creators, best first (score, completed contracts, id).

    `exclude` may hold "bid" (hide creators with a live bid on the brief) and "invited" (hide
    creators already invited, whatever the invitation's status).
    """
    facts = ref.BriefFacts.of(brief)
    qs = eligible_creators(facts.min_tier_rank)
    exclude = set(exclude)
    if "bid" in exclude:
        qs = qs.exclude(
            pk__in=Bid.objects.order_by()
            .filter(brief_id=brief.pk, status__in=LIVE_BID_STATUSES)
            .values("creator_id")
        )
    if "invited" in exclude:
        qs = qs.exclude(
            pk__in=Invitation.objects.order_by().filter(brief_id=brief.pk).values("creator_id")
        )
    score = _weighted_sum(creator_factor_expressions(facts, now=now))
    return (
        qs.annotate(score=score)
        .order_by("-score", "-completed_contracts", "pk")
        .values_list("pk", "score")
    )


@dataclass
class CreatorMatch:
    """One ranked creator for a brief, with the why."""

    creator: CreatorProfile
    score: float
    breakdown: dict[str, float]
    reasons: list[str] = field(default_factory=list)
    invited: bool = False
    has_bid: bool = False


def rank_creators(
    brief: Brief,
    *,
    limit: int = 20,
    now: datetime | None = None,
    exclude: Iterable[str] = (),
) -> list[CreatorMatch]:
    """The top `limit` eligible creators for `brief`, scored and explained.

    Three queries whatever `limit` is: the ranking (top N in the database), the breakdown and
    flags of those N creators, and their skills in the brief's preferred models.
    """
    now = now or timezone.now()
    facts = ref.BriefFacts.of(brief)
    top = list(creator_ranking_queryset(brief, now=now, exclude=exclude)[:limit])
    if not top:
        return []
    factors = creator_factor_expressions(facts, now=now)
    rows = (
        CreatorProfile.objects.order_by()
        .filter(pk__in=[pk for pk, _ in top])
        .annotate(
            **{f"factor_{name}": expr for name, expr in factors.items()},
            invited=Exists(Invitation.objects.filter(brief_id=brief.pk, creator=OuterRef("pk"))),
            has_bid=Exists(
                Bid.objects.filter(
                    brief_id=brief.pk, creator=OuterRef("pk"), status__in=LIVE_BID_STATUSES
                )
            ),
        )
        .prefetch_related(
            Prefetch(
                "skills",
                queryset=CreatorSkill.objects.filter(
                    model__in=sorted(facts.models), reel_count__gt=0
                ).order_by("-reel_count", "model"),
                to_attr="matched_skills",
            )
        )
    )
    by_id = {row.pk: row for row in rows}
    matches = []
    for pk, score in top:
        creator = by_id[pk]
        breakdown = {name: getattr(creator, f"factor_{name}") for name in FACTORS}
        skills = {s.model: s.reel_count for s in creator.matched_skills}
        matches.append(
            CreatorMatch(
                creator=creator,
                score=score,
                breakdown=breakdown,
                reasons=explain(facts, creator_facts(creator, skills), breakdown, skills),
                invited=creator.invited,
                has_bid=creator.has_bid,
            )
        )
    return matches


def creator_facts(creator: CreatorProfile, skills: Mapping[str, int]) -> ref.CreatorFacts:
    """The reference's view of a loaded creator; `skills` maps model → approved reel count."""
    return ref.CreatorFacts(
        id=creator.pk,
        tags=frozenset(creator.tags or ()) | frozenset(creator.reel_tags or ()),
        models=frozenset(m for m, n in skills.items() if n > 0),
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
    )


# Briefs for a creator ------------------------------------------------------------------------


def briefs_open_to(creator: CreatorProfile, *, now: datetime) -> QuerySet[Brief]:
    """Briefs the creator may bid on now.

    Open, bid deadline in the future, minimum tier at most theirs, public or invite-only with
    an invitation they have not declined, and no live bid of theirs on it yet (a creator has
    one live bid per brief). None for a suspended creator.
    """
    if creator.suspended:
        return Brief.objects.none()
    invited = Invitation.objects.filter(brief=OuterRef("pk"), creator_id=creator.pk).exclude(
        status=InvitationStatus.DECLINED
    )
    live_bid = Bid.objects.filter(
        brief=OuterRef("pk"), creator_id=creator.pk, status__in=LIVE_BID_STATUSES
    )
    return (
        Brief.objects.order_by()
        .filter(
            status=BriefStatus.OPEN,
            bid_deadline__gt=now,
            min_tier_rank__lte=TIER_RANK[creator.tier],
        )
        .filter(Q(visibility=Visibility.PUBLIC) | Exists(invited))
        .exclude(Exists(live_bid))
    )


def brief_factor_expressions(creator: ref.CreatorFacts, *, now: datetime) -> dict[str, Expr]:
    """Each factor as a SQL expression over brief rows, for one creator."""

    def share(column: str, have: frozenset[str]) -> Expr:
        total = JSONListCount(F(column))
        return Case(
            When(
                GreaterThan(total, 0),
                then=_float(JSONListCount(F(column), within=have)) / _float(total),
            ),
            default=_num(0.0),
            output_field=FloatField(),
        )

    factors: dict[str, Expr] = {
        "style": share("tags", creator.tags),
        "tools": share("preferred_models", creator.models),
    }
    has_prices = creator.min_price_per_project is not None or creator.price_per_second is not None
    rates = {
        c: r
        for c in sorted({*settings.FX_TO_USD, *settings.CURRENCIES, creator.rate_currency})
        if c and (r := ref.fx_rate(creator.rate_currency, c)) is not None
    }
    factors["budget"] = _budget(
        quote=Greatest(
            Value(creator.min_price_per_project or 0),
            Value(creator.price_per_second or 0) * F("total_seconds"),
        ),
        rate=Case(
            *[When(currency=c, then=_num(r)) for c, r in rates.items()],
            default=Value(None, output_field=FloatField()),
            output_field=FloatField(),
        ),
        has_card=Q(currency__in=list(rates)) if has_prices and rates else False,
        limit=_float(F("budget_max")),
        twice=_float(F("budget_max") * Value(2)),
    )
    factors["quality"] = _quality(Value(creator.rating_sum), Value(creator.review_count))
    factors["reliability"] = _reliability(
        Value(creator.on_time_contracts), Value(creator.completed_contracts)
    )
    factors["language"] = Case(
        When(
            GreaterThan(JSONListCount(F("languages"), within=creator.languages), 0), then=_num(1.0)
        ),
        When(GreaterThan(JSONListCount(F("languages")), 0), then=_num(0.0)),
        default=_num(1.0),
        output_field=FloatField(),
    )
    factors["recency"] = _recency(Value(creator.last_active_at, output_field=DateTimeField()), now)
    return factors


@dataclass
class BriefMatch:
    """One recommended brief for a creator, with the why."""

    brief: Brief
    score: float
    breakdown: dict[str, float]
    reasons: list[str] = field(default_factory=list)
    invited: bool = False


def recommend_briefs(
    creator: CreatorProfile, *, limit: int = 20, now: datetime | None = None
) -> list[BriefMatch]:
    """The top `limit` briefs the creator may bid on, scored like the matches a brand sees.

    Two queries whatever `limit` is: the creator's skills, then the ranked briefs with their
    breakdown (ties: earlier bid deadline, then lower id).
    """
    now = now or timezone.now()
    skills = dict(
        CreatorSkill.objects.filter(creator_id=creator.pk, reel_count__gt=0).values_list(
            "model", "reel_count"
        )
    )
    facts = creator_facts(creator, skills)
    factors = brief_factor_expressions(facts, now=now)
    qs = (
        briefs_open_to(creator, now=now)
        .select_related("brand")
        .annotate(
            **{f"factor_{name}": expr for name, expr in factors.items()},
            score=_weighted_sum(factors),
            invited=Exists(Invitation.objects.filter(brief=OuterRef("pk"), creator_id=creator.pk)),
        )
        .order_by("-score", "bid_deadline", "pk")
    )
    matches = []
    for brief in qs[:limit]:
        breakdown = {name: getattr(brief, f"factor_{name}") for name in FACTORS}
        reasons = explain(
            ref.BriefFacts.of(brief), facts, breakdown, skills, factors=BRIEF_SIDE_FACTORS
        )
        matches.append(
            BriefMatch(
                brief=brief,
                score=brief.score,
                breakdown=breakdown,
                reasons=reasons,
                invited=brief.invited,
            )
        )
    return matches


# Reasons ------------------------------------------------------------------------------------

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
        if value == ref.NO_RATE_CARD and ref.quote(creator, brief.total_seconds) is None:
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


def brief_for_member(user: User, brief_id: int) -> Brief | None:
    """The brief if `user` is a member of its brand, else None (answered as 404)."""
    if not user.is_authenticated:
        return None
    return (
        Brief.objects.filter(pk=brief_id, brand__memberships__user=user)
        .select_related("brand")
        .first()
    )


__all__ = [
    "EXCLUDE_CHOICES",
    "FACTORS",
    "BriefMatch",
    "CreatorMatch",
    "brief_for_member",
    "briefs_open_to",
    "creator_ranking_queryset",
    "eligible_creators",
    "explain",
    "rank_creators",
    "recommend_briefs",
]
