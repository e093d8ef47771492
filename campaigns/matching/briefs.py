"""Ranking open briefs for one creator, with the same scorer and breakdown a brand sees.

A creator sees at most the open briefs of the marketplace (hundreds, not millions): the
database selects the briefs they may bid on, and the reference scorer itself orders them,
with the creator's stored evidence and each brief's terms (their idf in one query). So the
recommendation and the reference cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
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
from .reasons import Explained, brief_words, explain_all


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


@dataclass
class BriefMatch:
    """One recommended brief for a creator, with the why."""

    brief: Brief
    score: float
    breakdown: dict[str, float | None]
    reasons: list[str] = field(default_factory=list)
    reason_details: list[dict[str, str]] = field(default_factory=list)
    invited: bool = False
    constraints: dict[str, Any] = field(default_factory=dict)


def recommend_briefs(
    creator: CreatorProfile, *, limit: int = 20, now: datetime | None = None
) -> list[BriefMatch]:
    """The top `limit` briefs the creator may bid on, scored like the matches a brand sees.

    Three queries whatever `limit` is: the open briefs, the idf of their terms, the creator's
    skills in the recommended briefs' models. Ties: earlier bid deadline, then lower id.
    """
    now = now or timezone.now()
    briefs = list(
        briefs_open_to(creator, now=now)
        .select_related("brand")
        .annotate(
            invited=Exists(Invitation.objects.filter(brief=OuterRef("pk"), creator_id=creator.pk))
        )
    )
    corpus = ref.corpus_stats({t for b in briefs for t in ref.brief_terms(b)})
    facts = ref.CreatorFacts.of(creator)
    by_id = {b.pk: b for b in briefs}
    brief_facts = {b.pk: ref.BriefFacts.of(b, corpus) for b in briefs}
    ranked = ref.rank_briefs(facts, brief_facts.values(), now=now, limit=limit)
    models = sorted({m for s in ranked for m in brief_facts[s.id].models})
    skills = dict(
        CreatorSkill.objects.filter(
            creator_id=creator.pk, model__in=models, reel_count__gt=0
        ).values_list("model", "reel_count")
    )
    explained = explain_all(
        [
            Explained(
                brief=brief_facts[s.id],
                creator=facts,
                breakdown=s.breakdown,
                skills=skills,
                words=brief_words(by_id[s.id]),
            )
            for s in ranked
        ]
    )
    return [
        BriefMatch(
            brief=by_id[s.id],
            score=s.score,
            breakdown=s.breakdown,
            reasons=reasons,
            reason_details=details,
            invited=by_id[s.id].invited,
            constraints={
                "required": list(s.required),
                "missing": list(s.missing),
                "penalties": {
                    name: share * brief_facts[s.id].gap_penalties()[name]
                    for name, share in s.gaps.items()
                    if share > 0.0
                },
            },
        )
        for s, (reasons, details) in zip(ranked, explained, strict=True)
    ]
