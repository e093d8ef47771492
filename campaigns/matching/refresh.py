"""Keeping matching's stored evidence and corpus statistics current.

The reel services keep each creator's evidence current as reels are approved, rejected, edited
or deleted; what is left to a job: the corpus statistics behind relevance's idf
(`matching_refresh_idf`, hourly), and a full backfill after loading or migrating data
(`matching_backfill`, `manage.py refresh_matching`). Both are safe to run twice.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from creators.evidence import latest
from creators.models import CreatorProfile
from creators.services import creators_evidence_refresh, term_stats_refresh

from ..models import Bid, Delivery
from .record import track_records_backfill

CHUNK = 2000


def matching_refresh_idf() -> int:
    """Recount the term statistics from the creators' stored terms; returns N (the corpus)."""
    return term_stats_refresh()


def _last_deals() -> dict[int, object]:
    deals: dict[int, object] = dict(
        Bid.objects.order_by()
        .values("creator_id")
        .annotate(at=Max("created_at"))
        .values_list("creator_id", "at")
    )
    deliveries = (
        Delivery.objects.order_by()
        .values("contract__creator_id")
        .annotate(at=Max("created_at"))
        .values_list("contract__creator_id", "at")
    )
    for creator_id, at in deliveries:
        deals[creator_id] = latest(deals.get(creator_id), at)
    return deals


def matching_backfill(*, chunk: int = CHUNK) -> dict[str, int]:
    """Recompute every creator's track record, evidence, approved-only activity and the corpus
    statistics.

    `last_deal_at` comes from the creator's latest bid or delivery; `last_active_at` becomes
    the later of that and their latest approved reel (pending and rejected reels never count).
    """
    deals = _last_deals()
    with_record = 0
    ids = list(CreatorProfile.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        with transaction.atomic():
            changed = []
            for profile in CreatorProfile.objects.filter(pk__in=part).only("pk", "last_deal_at"):
                at = deals.get(profile.pk)
                if profile.last_deal_at != at:
                    profile.last_deal_at = at
                    changed.append(profile)
            CreatorProfile.objects.bulk_update(changed, ["last_deal_at"])
            records = track_records_backfill(part)
            creators_evidence_refresh(creator_ids=part)
            with_record += records
    corpus = matching_refresh_idf()
    # The stored relevance strengths are normalised by the corpus's average reel length, which
    # the statistics just refreshed: one more pass so every creator uses the same average.
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            creators_evidence_refresh(creator_ids=ids[start : start + chunk])
    return {"creators": len(ids), "corpus": corpus, "with_track_record": with_record}
