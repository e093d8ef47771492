"""Ranking open briefs for one creator, with the same scorer and breakdown a brand sees.

A creator sees at most the open briefs of the marketplace, so the ranking runs over brief rows:
the creator's side of each factor is a constant and the brief's side a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from creators.models import TIER_RANK, CreatorProfile, CreatorSkill

from ..models import (
    LIVE_BID_STATUSES,
    Bid,
    Brief,
    BriefStatus,
    Invitation,
    InvitationStatus,
    Visibility,
)
from . import reference as ref
from . import sql
from .creators import creator_facts
from .reasons import BRIEF_SIDE_FACTORS, explain


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


def brief_factor_expressions(creator: ref.CreatorFacts, *, now: datetime) -> dict[str, sql.Expr]:
    """Each factor as a SQL expression over brief rows, for one creator."""

    def share(column: str, have: frozenset[str]) -> sql.Expr:
        total = sql.JSONListCount(F(column))
        return Case(
            When(
                GreaterThan(total, 0),
                then=sql.as_float(sql.JSONListCount(F(column), within=have)) / sql.as_float(total),
            ),
            default=sql.num(0.0),
            output_field=FloatField(),
        )

    factors: dict[str, sql.Expr] = {
        "style": share("tags", creator.tags),
        "tools": share("preferred_models", creator.models),
    }
    has_prices = creator.min_price_per_project is not None or creator.price_per_second is not None
    rates = {
        c: r
        for c in sorted({*settings.FX_TO_USD, *settings.CURRENCIES, creator.rate_currency})
        if c and (r := ref.fx_rate(creator.rate_currency, c)) is not None
    }
    factors["budget"] = sql.budget(
        quote=Greatest(
            Value(creator.min_price_per_project or 0),
            Value(creator.price_per_second or 0) * F("total_seconds"),
        ),
        rate=sql.rate_case("currency", rates),
        has_card=Q(currency__in=list(rates)) if has_prices and rates else False,
        limit=sql.as_float(F("budget_max")),
        twice=sql.as_float(F("budget_max") * Value(2)),
    )
    factors["quality"] = sql.quality(Value(creator.rating_sum), Value(creator.review_count))
    factors["reliability"] = sql.reliability(
        Value(creator.on_time_contracts), Value(creator.completed_contracts)
    )
    factors["language"] = Case(
        When(
            GreaterThan(sql.JSONListCount(F("languages"), within=creator.languages), 0),
            then=sql.num(1.0),
        ),
        When(GreaterThan(sql.JSONListCount(F("languages")), 0), then=sql.num(0.0)),
        default=sql.num(1.0),
        output_field=FloatField(),
    )
    factors["recency"] = sql.recency(
        Value(creator.last_active_at, output_field=DateTimeField()), now
    )
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
            score=sql.weighted_sum(factors),
            invited=Exists(Invitation.objects.filter(brief=OuterRef("pk"), creator_id=creator.pk)),
        )
        .order_by("-score", "bid_deadline", "pk")
    )
    matches = []
    for brief in qs[:limit]:
        breakdown = {name: getattr(brief, f"factor_{name}") for name in ref.FACTORS}
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
