"""Ranking creators for a brief in the database: top N, exact scores, never every creator in Python.

Three steps, whatever N is:

1. θ (`ranking_threshold`): the N-th best exact score among a few hundred likely winners found
   through the indexes (creators holding all, or half, of the brief's tags via the GIN indexes;
   users of its first model via the skill index). Every creator in the true top N scores at
   least θ.
2. The ranking query (`creator_ranking_queryset`) scans the candidates once. A row's *cheap
   part* (budget, quality, reliability, language, recency: arithmetic on the row plus a `?` on
   its short languages list) plus the full style and tools weights bounds its score; rows whose
   bound is below θ cannot reach the top N and are dropped before their tags are tested. A
   second bound with the exact style drops most of the rest before the skill probe. When few
   creators hold any of the brief's tags, a hashed set of those holders (GIN) replaces the tag
   tests for everyone else. The survivors are scored exactly and the database keeps the top N.
3. The breakdown, flags and skills of those N (two small queries), then reasons in Python.

Because the bounds only drop rows that cannot make the cut, the result is exactly the full
ranking's top N; the tests compare it with the reference for many seeds and limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from creators.models import TIER_RANK, CreatorProfile, CreatorSkill
from marketplace.models import User

from ..models import LIVE_BID_STATUSES, Bid, Brief, Invitation
from . import reference as ref
from . import sql
from .creator_sql import CreatorScorePlan, CreatorSQL
from .reasons import explain

EXCLUDE_CHOICES = ("bid", "invited")
SEED_SIZE = 200  # likely winners scored per seed group to find θ
# Fewer holders of the brief's tags than this share of the creators (and at least the floor):
# prune with a hashed set of them.
HOLDERS_SHARE = 0.10
HOLDERS_FLOOR = 500


def score_plan(brief: Brief | ref.BriefFacts, *, now: datetime) -> CreatorScorePlan:
    """The creator-side SQL of DESIGN §6 for one brief (see `creator_sql`)."""
    facts = brief if isinstance(brief, ref.BriefFacts) else ref.BriefFacts.of(brief)
    return CreatorScorePlan(facts, now=now)


def eligible_creators(min_tier_rank: int, *, few: bool = False) -> QuerySet[CreatorProfile]:
    """Creators a brief may be matched with: not suspended, tier high enough, user active.

    The active-user test is written for the planner. Over all creators it is `NOT IN` a hashed
    set of inactive users: a filter inside the (parallel) scan that keeps the top-N sort
    bounded. Over a `few` seeds it is a scalar sub-query on the users' primary key, evaluated
    for those rows only.
    """
    qs = CreatorProfile.objects.order_by().filter(suspended=False, tier_rank__gte=min_tier_rank)
    if few:
        active = User.objects.filter(pk=OuterRef("user_id")).values("is_active")[:1]
        return qs.filter(Subquery(active, output_field=BooleanField()))
    return qs.exclude(user_id__in=User.objects.order_by().filter(is_active=False).values("pk"))


def candidates(
    brief: Brief, *, exclude: Iterable[str] = (), few: bool = False
) -> QuerySet[CreatorProfile]:
    """Eligible creators for `brief`, less those `exclude` hides.

    "bid" hides creators with a live bid on the brief; "invited" hides creators already
    invited to it, whatever the invitation's status.
    """
    qs = eligible_creators(TIER_RANK[brief.min_tier], few=few)
    exclude = set(exclude)
    if "bid" in exclude:
        bids = Bid.objects.order_by().filter(brief_id=brief.pk, status__in=LIVE_BID_STATUSES)
        qs = qs.exclude(pk__in=bids.values("creator_id"))
    if "invited" in exclude:
        invitations = Invitation.objects.order_by().filter(brief_id=brief.pk)
        qs = qs.exclude(pk__in=invitations.values("creator_id"))
    return qs


def _headroom(facts: ref.BriefFacts) -> float:
    """How much style and tools can add at most."""
    w = ref.weights()
    return (w["style"] if facts.tags else 0.0) + (w["tools"] if facts.models else 0.0)


def _seed_groups(brief: Brief) -> list[Q]:
    """Where likely winners are: creators whose tags or reel tags hold all of the brief's tags,
    or the first half of them (GIN); for a brief without tags, users of its first model."""
    tags = list(dict.fromkeys(brief.tags or ()))
    if tags:
        parts = dict.fromkeys((tuple(tags), tuple(tags[: (len(tags) + 1) // 2])))
        return [
            Q(sql.JSONListContains(F("tags"), part)) | Q(sql.JSONListContains(F("reel_tags"), part))
            for part in parts
        ]
    if brief.preferred_models:
        users = CreatorSkill.objects.order_by().filter(
            model=brief.preferred_models[0], reel_count__gt=0
        )
        return [Q(pk__in=users.values("creator_id")[:SEED_SIZE])]
    return []


@dataclass(frozen=True)
class Pruning:
    """What the ranking query may skip: rows whose bound is below `theta`; `rare_tags` when few
    creators (under HOLDERS_SHARE of them) hold any of the brief's tags."""

    theta: float
    rare_tags: bool = False


def ranking_threshold(
    brief: Brief,
    *,
    now: datetime,
    limit: int,
    exclude: Iterable[str] = (),
    creators_estimate: float | None = None,
) -> Pruning | None:
    """θ, a score the `limit`-th best candidate is sure to reach; None when not worth it.

    The `limit`-th best exact score within each seed group (at most SEED_SIZE candidates each,
    found by index), the largest of these. On PostgreSQL the same query counts the holders of
    the brief's tags up to HOLDERS_SHARE of `creators_estimate` (the planner's row count). One
    query, reading only seeds and index entries.
    """
    plan = score_plan(brief, now=now)
    groups = _seed_groups(brief)
    if _headroom(plan.brief) == 0 or not groups:
        return None
    base = candidates(brief, exclude=exclude, few=True)
    bests = []
    for condition in groups:
        best = (
            CreatorProfile.objects.order_by()
            .filter(pk__in=base.filter(condition).values("pk")[:SEED_SIZE])
            .annotate(score=CreatorSQL(plan, "score"))
            .order_by("-score")
            .values("score")[limit - 1 : limit]
        )
        bests.append(Coalesce(Subquery(best), sql.num(-1.0)))
    values: dict[str, Any] = {"theta": bests[0] if len(bests) == 1 else Greatest(*bests)}
    cap = max(HOLDERS_FLOOR, int((creators_estimate or 0) * HOLDERS_SHARE))
    if plan.tags and connection.vendor == "postgresql":
        values["holders"] = RawSQL(*plan.holders_count(cap), output_field=IntegerField())
    # One row to select the values from: the brief itself.
    row = Brief.objects.filter(pk=brief.pk).annotate(**values).values(*values).first()
    if row is None or row["theta"] < 0:
        return None
    rare = "holders" in row and row["holders"] < cap
    return Pruning(theta=row["theta"], rare_tags=rare)


def creator_ranking_queryset(
    brief: Brief,
    *,
    now: datetime,
    exclude: Iterable[str] = (),
    pruning: Pruning | None = None,
) -> QuerySet:
    """`(creator id, score)` of candidates, best first: score, more completed contracts, id.

    With `pruning` (from `ranking_threshold`), rows whose upper bound is below θ are skipped
    before their style and tools are computed; the top N is unchanged.
    """
    plan = score_plan(brief, now=now)
    ranked = candidates(brief, exclude=exclude)
    if pruning is not None:
        plan.rare_tags = pruning.rare_tags
        if not pruning.rare_tags:
            ranked = ranked.filter(CreatorSQL(plan, "bound", pruning.theta))
        if plan.tags:
            # With rare tags this alone is cheaper: one hash probe instead of the tag tests.
            ranked = ranked.filter(CreatorSQL(plan, "bound_with_style", pruning.theta))
    return (
        ranked.annotate(score=CreatorSQL(plan, "score"))
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
    """The top `limit` candidates for `brief`, scored and explained.

    At most four queries whatever `limit` is: θ, the ranking (top N in the database), the
    breakdown and flags of those N creators, and their skills in the brief's preferred models.
    """
    if limit < 1:
        return []
    now = now or timezone.now()
    facts = ref.BriefFacts.of(brief)
    with sql.ranking_transaction(CreatorProfile._meta.db_table) as estimate:
        pruning = ranking_threshold(
            brief, now=now, limit=limit, exclude=exclude, creators_estimate=estimate
        )
        ranked = creator_ranking_queryset(brief, now=now, exclude=exclude, pruning=pruning)
        top = list(ranked[:limit])
    if not top:
        return []
    plan = score_plan(facts, now=now)
    rows = (
        CreatorProfile.objects.order_by()
        .filter(pk__in=[pk for pk, _ in top])
        .annotate(
            **{f"factor_{name}": CreatorSQL(plan, f"factor:{name}") for name in ref.FACTORS},
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
        breakdown = {name: getattr(creator, f"factor_{name}") for name in ref.FACTORS}
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
    """The reference's view of a loaded creator; `skills` maps model → approved reel count (all
    the creator's models, or just the ones a brief prefers when that is all that matters)."""
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


def brief_for_member(user: User, brief_id: int) -> Brief | None:
    """The brief if `user` is a member of its brand, else None (answered as 404)."""
    if not user.is_authenticated:
        return None
    return (
        Brief.objects.filter(pk=brief_id, brand__memberships__user=user)
        .select_related("brand")
        .first()
    )
