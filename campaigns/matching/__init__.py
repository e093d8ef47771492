"""Matching (DESIGN §6): rank creators for a brief, and briefs for a creator, in the database.

The rules live in `campaigns.matching.reference`, the plain-Python specification (with the
choices for empty tag and model lists); this package computes the same numbers as SQL
(`sql`), ranks and cuts the top N in the database (`creators`, `briefs`) and explains each
match in a few words (`reasons`).
"""

from .briefs import BriefMatch, briefs_open_to, recommend_briefs
from .creators import (
    EXCLUDE_CHOICES,
    CreatorMatch,
    brief_for_member,
    candidates,
    creator_facts,
    creator_ranking_queryset,
    eligible_creators,
    rank_creators,
    ranking_threshold,
)
from .reasons import explain

__all__ = [
    "EXCLUDE_CHOICES",
    "BriefMatch",
    "CreatorMatch",
    "brief_for_member",
    "briefs_open_to",
    "candidates",
    "creator_facts",
    "creator_ranking_queryset",
    "eligible_creators",
    "explain",
    "rank_creators",
    "ranking_threshold",
    "recommend_briefs",
]
