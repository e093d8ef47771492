"""Ranking creators for a brief in the database: top N, exact scores, never every creator in Python.

Three steps, whatever N is:

1. θ (`ranking_threshold`): the N-th best exact score among a few hundred likely winners found
   through the GIN indexes on the evidence objects (creators with approved reels carrying all,
   or half, of the brief's tags; made with all its preferred models; mentioning its rarest
   terms). Every creator in the true top N scores at least θ.
2. The ranking query (`creator_ranking_queryset`) scans the candidates once. A row's *cheap
   part* (format, budget, quality, reliability, language, recency: arithmetic on the row and
   its small objects) plus the full weights of style, relevance and tools bounds its score;
   rows whose bound is below θ cannot reach the top N and are dropped before their evidence
   is read. A second bound with the exact style and tools drops most of the rest before the
   terms are probed. The survivors are scored exactly and the database keeps the top N.
3. The breakdown, flags and skills of those N (two small queries), then reasons in Python,
   relative to the list (`reasons.explain_all`).

Because the bounds only drop rows that cannot make the cut, the result is exactly the full
ranking's top N; the tests compare it with the reference for many seeds and limits.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from creators.models import TIER_RANK, CreatorProfile, CreatorSkill
from marketplace.models import User

from ..models import LIVE_BID_STATUSES, Bid, Brief, Invitation
from . import reference as ref
from . import sql
from .creator_sql import CreatorScorePlan, CreatorSQL, SeedCondition
from .probes import index_plan, ranked_by_index
from .reasons import Explained, brief_words, explain_all

EXCLUDE_CHOICES = ("bid", "invited")
SEED_SIZE = 200  # likely winners scored per seed group to find θ
SEED_TERMS = 2  # how many of the rarest brief terms a term seed must mention
# The holders of the brief's rarest terms, up to about this share of the creators together, are
# all scored as one more seed group: the best matches nearly always show a rare brief term.
RARE_SEED_SHARE = 0.03


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


def _seed_groups(facts: ref.BriefFacts, *, broad: bool = True) -> list[Q]:
    """Where likely winners are: creators whose evidence holds all (or the first half) of the
    brief's tags, all its preferred models, or its rarest terms (GIN `?&` on PostgreSQL).

    Without `broad`, not the groups of half the tags nor of the models: their keys are often
    common, and a `?&` reads every posting list in full (about 0.1 s each at 1M creators).
    Left out when the holders of the rare terms are scored (`_rare_term_seeds`): in the
    benchmark those set θ for every brief that has them (bench/matching.py)."""
    groups: list[Q] = []
    tags = list(facts.tags)
    if tags:
        parts = [tuple(tags), tuple(tags[: (len(tags) + 1) // 2])] if broad else [tuple(tags)]
        for part in dict.fromkeys(parts):
            groups.append(Q(SeedCondition("tag_evidence", part)))
    if facts.models and broad:
        groups.append(Q(SeedCondition("model_evidence", facts.models)))
    if facts.terms:
        rarest = sorted(facts.terms, key=lambda p: (-p[1], p[0]))[:SEED_TERMS]
        groups.append(Q(SeedCondition("terms", [t for t, _ in rarest])))
    return groups


def _rare_term_seeds(facts: ref.BriefFacts) -> Q | None:
    """Creators whose approved reels mention one of the brief's rarest terms (GIN `?|`), when
    their estimated number stays small: idf = ln(1 + N / (1 + df)), so a term is held by about
    N / (e^idf − 1) creators."""
    chosen, share = [], 0.0
    for term, idf in sorted(facts.terms, key=lambda p: (-p[1], p[0])):
        held = 1.0 / math.expm1(idf) if idf > 0 else 1.0
        if share + held > RARE_SEED_SHARE:
            break
        chosen.append(term)
        share += held
    return Q(SeedCondition("terms", chosen, any_=True)) if chosen else None


@dataclass(frozen=True)
class Pruning:
    """What the ranking query may skip: rows whose bound is below `theta`. `rows`: the
    planner's estimate of the creators table's size (PostgreSQL; 0 elsewhere)."""

    theta: float
    rows: float = 0.0


def ranking_threshold(
    brief: Brief,
    *,
    now: datetime,
    limit: int,
    exclude: Iterable[str] = (),
    facts: ref.BriefFacts | None = None,
) -> Pruning | None:
    """θ, a score the `limit`-th best candidate is sure to reach; None when not worth it.

    The `limit`-th best exact score within each seed group (at most SEED_SIZE candidates each,
    found by index; on PostgreSQL also every holder of the brief's rarest terms), the largest
    of these. One query, reading only seeds and index entries.
    """
    facts = facts or ref.BriefFacts.of(brief)
    plan = CreatorScorePlan(facts, now=now)
    rare = _rare_term_seeds(facts) if connection.vendor == "postgresql" else None
    groups = _seed_groups(facts, broad=rare is None)
    if not groups or plan.room(("style", "relevance", "tools")) == 0:
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
    if rare is not None:
        # Scored where they are found, all of them (a few thousand at most, by the estimate).
        best = (
            candidates(brief, exclude=exclude)
            .filter(rare)
            .annotate(score=CreatorSQL(plan, "score"))
            .order_by("-score")
            .values("score")[limit - 1 : limit]
        )
        bests.append(Coalesce(Subquery(best), sql.num(-1.0)))
    theta = bests[0] if len(bests) == 1 else Greatest(*bests)
    # One row to select the values from: the brief itself.
    extra = {}
    if connection.vendor == "postgresql":
        table = CreatorProfile._meta.db_table
        extra["rows"] = RawSQL("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
    row = (
        Brief.objects.filter(pk=brief.pk)
        .annotate(theta=theta, **extra)
        .values("theta", *extra)
        .first()
    )
    if row is None or row["theta"] < 0:
        return None
    return Pruning(theta=row["theta"], rows=float(row.get("rows") or 0.0))


def creator_ranking_queryset(
    brief: Brief,
    *,
    now: datetime,
    exclude: Iterable[str] = (),
    pruning: Pruning | None = None,
    facts: ref.BriefFacts | None = None,
) -> QuerySet:
    """`(creator id, score, completed contracts)` of candidates, best first: score, more
    completed contracts, id.

    With `pruning` (from `ranking_threshold`), rows whose upper bound is below θ are skipped
    before their evidence is read; the top N is unchanged.
    """
    plan = CreatorScorePlan(facts or ref.BriefFacts.of(brief), now=now)
    ranked = candidates(brief, exclude=exclude)
    if pruning is not None:
        ranked = ranked.filter(CreatorSQL(plan, "bound", pruning.theta))
        if "relevance" in plan.weights:
            ranked = ranked.filter(CreatorSQL(plan, "bound_with_style", pruning.theta))
    return (
        ranked.annotate(score=CreatorSQL(plan, "score"))
        .order_by("-score", "-completed_contracts", "pk")
        .values_list("pk", "score", "completed_contracts")
    )


@dataclass
class CreatorMatch:
    """One ranked creator for a brief, with the why."""

    creator: CreatorProfile
    score: float
    breakdown: dict[str, float | None]
    reasons: list[str] = field(default_factory=list)
    reason_details: list[dict[str, str]] = field(default_factory=list)
    invited: bool = False
    has_bid: bool = False
    constraints: dict[str, Any] = field(default_factory=dict)


def constraints_of(brief: ref.BriefFacts, creator: ref.CreatorFacts) -> dict[str, Any]:
    """The hard constraints in force, those the creator misses, and the gap penalties applied
    (share × penalty), as the score computed them."""
    penalties = brief.gap_penalties()
    return {
        "required": list(brief.constraints()),
        "missing": [n for n in brief.constraints() if ref.misses(n, brief, creator)],
        "penalties": {
            name: ref.gap(name, brief, creator) * penalty
            for name, penalty in penalties.items()
            if ref.gap(name, brief, creator) > 0.0
        },
    }


def explored(
    brief: Brief,
    plan: CreatorScorePlan,
    top: list[tuple[int, float, int]],
    *,
    exclude: Iterable[str],
) -> list[tuple[int, float, int]]:
    """`top` (best first: id, score, completed contracts; cut at its length) with the
    exploration rule of the reference applied: one more query only when the first `slot` all
    have completed contracts."""
    slot, margin = ref.exploration()
    if slot < 1 or len(top) < slot or any(row[2] == 0 for row in top[:slot]):
        return top
    floor = max(top[slot - 1][1] - margin, 0.0)
    best = list(
        candidates(brief, exclude=exclude)
        .filter(completed_contracts=0)
        .filter(CreatorSQL(plan, "bound", floor))
        .annotate(score=CreatorSQL(plan, "score"))
        .filter(score__gte=floor)
        .order_by("-score", "pk")
        .values_list("pk", "score", "completed_contracts")[:1]
    )
    if not best:
        return top
    rest = [row for row in top[slot - 1 :] if row[0] != best[0][0]]
    return [*top[: slot - 1], best[0], *rest][: len(top)]


def rank_creators(
    brief: Brief,
    *,
    limit: int = 20,
    now: datetime | None = None,
    exclude: Iterable[str] = (),
) -> list[CreatorMatch]:
    """The top `limit` candidates for `brief`, scored and explained.

    A handful of queries whatever `limit` is: the brief's term statistics, θ, the ranking (top
    N in the database; on a large table first a sample to choose between index probes and a
    scan, `probes`), the breakdown and flags of those N creators, and their skills in the
    brief's preferred models. Phases: `top_rows` (who, in order), `match_rows` (their
    breakdown and flags), `explain_matches` (reasons and the constraints applied).
    """
    if limit < 1:
        return []
    now = now or timezone.now()
    facts = ref.BriefFacts.of(brief)
    plan = CreatorScorePlan(facts, now=now)
    top = top_rows(brief, facts, plan, now=now, limit=limit, exclude=exclude)
    if not top:
        return []
    matches = match_rows(brief, facts, plan, top)
    explain_matches(brief, facts, matches)
    return matches


def top_rows(
    brief: Brief,
    facts: ref.BriefFacts,
    plan: CreatorScorePlan,
    *,
    now: datetime,
    limit: int,
    exclude: Iterable[str],
) -> list[tuple[int, float, int]]:
    """`(creator id, score, completed contracts)` of the top `limit`, best first, with the
    exploration rule applied: θ, then index probes or the pruned scan, in one transaction."""
    with sql.ranking_transaction():
        pruning = ranking_threshold(brief, now=now, limit=limit, exclude=exclude, facts=facts)
        chosen = None
        if pruning is not None:
            chosen = index_plan(
                plan,
                theta=pruning.theta,
                min_tier_rank=TIER_RANK[brief.min_tier],
                rows=pruning.rows,
            )
        if chosen is not None and pruning is not None:
            base = candidates(brief, exclude=exclude)
            top = ranked_by_index(base, plan, chosen, limit=limit, theta=pruning.theta)
        else:
            ranked = creator_ranking_queryset(
                brief, now=now, exclude=exclude, pruning=pruning, facts=facts
            )
            top = list(ranked[:limit])
        return explored(brief, plan, top, exclude=exclude)


def match_rows(
    brief: Brief,
    facts: ref.BriefFacts,
    plan: CreatorScorePlan,
    top: list[tuple[int, float, int]],
) -> list[CreatorMatch]:
    """The matches of `top`, in its order: each creator with its per-factor breakdown (from
    the same SQL as the score), whether invited or bidding, and its skills in the brief's
    preferred models (one query and one prefetch)."""
    rows = (
        CreatorProfile.objects.order_by()
        .filter(pk__in=[row[0] for row in top])
        .annotate(
            **{f"factor_{name}": CreatorSQL(plan, f"factor:{name}") for name in plan.asked},
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
                    model__in=list(facts.models), reel_count__gt=0
                ).order_by("-reel_count", "model"),
                to_attr="matched_skills",
            )
        )
    )
    by_id = {row.pk: row for row in rows}
    matches = []
    for pk, score, _ in top:
        creator = by_id[pk]
        breakdown: dict[str, float | None] = {
            name: getattr(creator, f"factor_{name}") if name in plan.asked else None
            for name in ref.FACTORS
        }
        matches.append(
            CreatorMatch(
                creator=creator,
                score=score,
                breakdown=breakdown,
                invited=creator.invited,
                has_bid=creator.has_bid,
            )
        )
    return matches


def explain_matches(brief: Brief, facts: ref.BriefFacts, matches: list[CreatorMatch]) -> None:
    """Fill each match's reasons (relative to the list, `reasons.explain_all`) and the
    constraints the score applied to it."""
    words = brief_words(brief)
    creators = [ref.CreatorFacts.of(m.creator) for m in matches]
    explained = explain_all(
        [
            Explained(
                brief=facts,
                creator=creator,
                breakdown=m.breakdown,
                skills={s.model: s.reel_count for s in m.creator.matched_skills},
                words=words,
            )
            for m, creator in zip(matches, creators, strict=True)
        ]
    )
    for match, creator, (reasons, details) in zip(matches, creators, explained, strict=True):
        match.reasons = reasons
        match.reason_details = details
        match.constraints = constraints_of(facts, creator)


def brief_for_member(user: User, brief_id: int) -> Brief | None:
    """The brief if `user` is a member of its brand, else None (answered as 404)."""
    if not user.is_authenticated:
        return None
    return (
        Brief.objects.filter(pk=brief_id, brand__memberships__user=user)
        .select_related("brand")
        .first()
    )
