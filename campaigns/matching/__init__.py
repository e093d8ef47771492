"""Matching: rank creators for a brief, and briefs for a creator, in the database.

The rules live in `campaigns.matching.reference`, the plain-Python specification of v3
(stored evidence a creator cannot stuff: diluted tags, near-duplicates once, BM25 word
strengths of the best reels, completed contracts; hard constraints; population priors;
exploration; scores in millionths); this package computes the same numbers as SQL
(`creator_sql`), ranks and cuts the top N in the database (`creators`, `probes`), orders a
creator's open briefs (`briefs`), explains each result's place in its list (`reasons`) and
keeps the track-record evidence current (`record`, `refresh`).
"""

from .briefs import BriefMatch, briefs_open_to, recommend_briefs
from .creators import (
    EXCLUDE_CHOICES,
    CreatorMatch,
    brief_for_member,
    candidates,
    creator_ranking_queryset,
    eligible_creators,
    rank_creators,
    ranking_threshold,
)
from .reasons import explain_all

__all__ = [
    "EXCLUDE_CHOICES",
    "BriefMatch",
    "CreatorMatch",
    "brief_for_member",
    "briefs_open_to",
    "candidates",
    "creator_ranking_queryset",
    "eligible_creators",
    "explain_all",
    "rank_creators",
    "ranking_threshold",
    "recommend_briefs",
]
