"""Track-record evidence for matching: what a creator's completed contracts show.

A creator writes their reels' tags and prompts; they cannot write a brand's review, an on-time
delivery or a dispute. Each completed contract (its completion recorded) earns a *credit* in
0..1, counted for each of its brief's tags and preferred models (a brief is fixed once open, so
its tags, models and words are what the contract was for):

    credit = stars × timeliness × revisions × disputes
    stars      = (brand's review stars − 1) / 4; 0.5 while the brand has not reviewed
    timeliness = 1 if the last delivery was by the delivery deadline (as the creator's
                 on-time count has it), else 0.75
    revisions  = max(0.5, 1 − 0.1 × revisions used (contract and milestones))
    disputes   = 0 if a dispute was resolved with a refund, 0.5 if any other dispute, else 1

The credits are handed to `creators.services.creator_track_record_set`, which stores them and
recomputes the stored evidence (a credit counts as `creators.evidence.RECORD_WEIGHT` reels).
Called when a contract's completion is recorded and when a brand reviews a creator; the
backfill (`matching_backfill`, `manage.py refresh_matching`) recomputes every creator's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Max, Sum

from creators.evidence import TrackRecord
from creators.models import Review, ReviewerRole
from creators.services import creator_track_record_set, creators_track_record_store
from creators.text import tokenize

from ..models import Contract, Dispute, DisputeStatus, Milestone, Resolution

LATE = 0.75
UNREVIEWED = 0.5
REVISION_COST = 0.1
MIN_REVISIONS = 0.5
DISPUTED = 0.5


def contract_credit(
    *,
    stars: int | None,
    on_time: bool,
    revisions: int,
    refunded: bool,
    disputed: bool,
) -> float:
    """One completed contract's credit in 0..1 (the rule in the module docstring)."""
    if refunded:
        return 0.0
    quality = UNREVIEWED if stars is None else (max(1, min(5, stars)) - 1) / 4
    credit = quality * (1.0 if on_time else LATE)
    credit *= max(MIN_REVISIONS, 1.0 - REVISION_COST * revisions)
    return credit * (DISPUTED if disputed else 1.0)


def track_records(creator_ids: Iterable[int]) -> dict[int, TrackRecord]:
    """The track record of each of `creator_ids` from their completed contracts (four queries)."""
    ids = list(creator_ids)
    records = {pk: TrackRecord() for pk in ids}
    contracts = list(
        Contract.objects.filter(creator_id__in=ids, completion_recorded=True)
        .order_by("pk")
        .values(
            "pk",
            "creator_id",
            "delivery_deadline",
            "revisions_used",
            "brief__tags",
            "brief__preferred_models",
            "brief__terms",
            "brief__title",
            "brief__description",
        )
    )
    if not contracts:
        return records
    pks = [c["pk"] for c in contracts]
    stars = dict(
        Review.objects.filter(contract_id__in=pks, author_role=ReviewerRole.BRAND).values_list(
            "contract_id", "stars"
        )
    )
    milestones = {
        row["contract_id"]: row
        for row in Milestone.objects.filter(contract_id__in=pks)
        .order_by()
        .values("contract_id")
        .annotate(last=Max("delivered_at"), revisions=Sum("revisions_used"))
    }
    disputes: dict[int, set[str]] = defaultdict(set)
    for contract_id, status, resolution in Dispute.objects.filter(contract_id__in=pks).values_list(
        "contract_id", "status", "resolution"
    ):
        disputes[contract_id].add(resolution if status == DisputeStatus.RESOLVED else "open")
    for c in contracts:
        work = milestones.get(c["pk"], {})
        last = work.get("last")
        credit = contract_credit(
            stars=stars.get(c["pk"]),
            on_time=last is not None and last <= c["delivery_deadline"],
            revisions=max(c["revisions_used"] or 0, work.get("revisions") or 0),
            refunded=Resolution.REFUND in disputes[c["pk"]],
            disputed=bool(disputes[c["pk"]]),
        )
        record = records[c["creator_id"]]
        for tag in sorted(set(c["brief__tags"] or ())):
            record.tags[tag] = record.tags.get(tag, 0.0) + credit
        for model in sorted(set(c["brief__preferred_models"] or ())):
            record.models[model] = record.models.get(model, 0.0) + credit
        words = c["brief__terms"] or tokenize(c["brief__title"], c["brief__description"])
        for term in sorted(set(words)):
            record.terms[term] = record.terms.get(term, 0.0) + credit
    return records


def creator_track_record_refresh(*, creator_id: int) -> None:
    """Recompute one creator's track record and their stored evidence (same transaction)."""
    record = track_records([creator_id])[creator_id]
    creator_track_record_set(creator_id=creator_id, record=record)


def track_records_backfill(creator_ids: Iterable[int]) -> int:
    """Store the track record of `creator_ids` without recomputing their evidence (the
    backfill does that next); returns how many have one."""
    records = track_records(creator_ids)
    creators_track_record_store(records)
    return sum(1 for r in records.values() if r.tags or r.models)
