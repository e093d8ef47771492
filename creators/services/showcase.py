"""The stored evidence of matching (what approved reels and completed contracts show) and the
corpus statistics (term document frequencies, population means)."""

from django.db import connection, transaction
from django.db.models import Sum

from marketplace.listcache import lists_changed

from .. import evidence
from ..models import (
    CreatorProfile,
    CreatorSkill,
    Moderation,
    Reel,
    TermStat,
)


def _approved_rows(creator_ids: list[int]) -> dict[int, list[evidence.ReelRow]]:
    rows: dict[int, list[evidence.ReelRow]] = {pk: [] for pk in creator_ids}
    approved = Reel.objects.filter(creator_id__in=creator_ids, moderation=Moderation.APPROVED)
    for values in approved.order_by("id").values_list(
        "creator_id",
        "tags",
        "video__model",
        "video__provider",
        "video__width",
        "video__height",
        "terms",
        "title",
        "description",
        "video__prompt",
        "created_at",
        "video__duration_s",
        "video__seed",
        "video__provider_task_id",
        "video__thumbnail_url",
    ):
        (
            creator_id, tags, model, provider, width, height, terms, title, text, prompt, at,
            secs, seed, task, thumbnail,
        ) = values  # fmt: skip
        counts, length = evidence.reel_row_text(title, text, prompt)
        rows[creator_id].append(
            evidence.ReelRow(
                tags=tags or [],
                model=model,
                provider=provider,
                width=width,
                height=height,
                # Rows written before terms were stored (or in bulk) are tokenized here.
                terms=terms or evidence.reel_terms(title, text, prompt),
                created_at=at,
                duration_s=secs,
                counts=counts,
                length=length,
                prompt=prompt or "",
                seed=seed,
                task_id=task or "",
                thumbnail=thumbnail or "",
            )
        )
    return rows


def creator_evidence_refresh(*, creator_id: int) -> None:
    """Recompute a creator's matching evidence from their approved reels and track record.

    Skills, reel tags, tag/model/provider evidence, formats, terms, and `last_active_at` (the
    latest approved reel, bid or delivery; pending and rejected reels never count). Called by
    every reel service that can change what is approved and by profile edits of the tags, in
    the same transaction.
    """
    creators_evidence_refresh(creator_ids=[creator_id])


def creators_evidence_refresh(*, creator_ids: list[int]) -> None:
    """`creator_evidence_refresh` for many creators at once (backfills, the benchmark)."""
    reels = _approved_rows(creator_ids)
    profiles = CreatorProfile.objects.filter(pk__in=creator_ids).order_by("pk")
    skills: list[CreatorSkill] = []
    changed = []
    avg_length = average_reel_length()
    for profile in profiles.only("pk", "tags", "last_deal_at", "track_record"):
        rows = reels[profile.pk]
        record = evidence.TrackRecord.of(profile.track_record)
        ev = evidence.compute(rows, profile.tags or [], record, avg_length=avg_length)
        by_model: dict[str, CreatorSkill] = {}
        tags: set[str] = set()
        for row in rows:
            tags.update(row.tags)
            skill = by_model.setdefault(
                row.model,
                CreatorSkill(creator_id=profile.pk, model=row.model, provider=row.provider),
            )
            skill.reel_count += 1
            skill.total_seconds += row.duration_s
        skills.extend(by_model.values())
        profile.reel_tags = sorted(tags)
        profile.tag_evidence = ev.tag_evidence
        profile.model_evidence = ev.model_evidence
        profile.provider_evidence = ev.provider_evidence
        profile.formats = ev.formats
        profile.terms = ev.terms
        profile.last_active_at = evidence.latest(ev.last_reel_at, profile.last_deal_at)
        changed.append(profile)
    CreatorSkill.objects.filter(creator_id__in=creator_ids).delete()
    CreatorSkill.objects.bulk_create(skills)
    CreatorProfile.objects.bulk_update(changed, EVIDENCE_FIELDS)
    lists_changed("creators", "reels")


def creators_track_record_store(records: dict[int, evidence.TrackRecord]) -> None:
    """Store track records handed over by campaigns as they are (no evidence recomputed)."""
    profiles = []
    for creator_id, record in sorted(records.items()):
        profiles.append(CreatorProfile(pk=creator_id, track_record=record.as_json()))
    CreatorProfile.objects.bulk_update(profiles, ["track_record"], batch_size=2000)


@transaction.atomic
def creator_track_record_set(*, creator_id: int, record: evidence.TrackRecord) -> None:
    """Store a creator's track record (the credits of their completed contracts per brief tag
    and model, computed by campaigns, which owns contracts) and recompute their matching
    evidence in the same transaction: evidence a creator cannot write counts more than reels.
    """
    CreatorProfile.objects.filter(pk=creator_id).update(track_record=record.as_json())
    creators_evidence_refresh(creator_ids=[creator_id])


TERM_DF_SQL = {
    "postgresql": (
        "SELECT k, COUNT(*) FROM {table}, jsonb_object_keys({table}.terms) AS k "
        "WHERE jsonb_typeof({table}.terms) = 'object' GROUP BY k"
    ),
    "sqlite": (
        "SELECT je.key, COUNT(*) FROM {table}, json_each({table}.terms) AS je GROUP BY je.key"
    ),
}
CORPUS_SIZE_SQL = {
    "postgresql": "SELECT COUNT(*) FROM {table} WHERE terms <> '{{}}'::jsonb",
    "sqlite": "SELECT COUNT(*) FROM {table} WHERE json_type(terms) = 'object' AND terms <> '{{}}'",
}


def average_reel_length() -> float | None:
    """The corpus's typical approved reel length in distinct terms: the median, which a few
    creators' stuffed prompts cannot inflate (None before the first refresh)."""
    row = TermStat.objects.filter(term=TermStat.REEL_LENGTH).values_list("df", flat=True).first()
    return float(row) if row else None


def _population() -> dict[str, int]:
    """The sums behind the population means of the quality and reliability priors."""
    totals = CreatorProfile.objects.aggregate(
        rating_sum=Sum("rating_sum"),
        review_count=Sum("review_count"),
        on_time=Sum("on_time_contracts"),
        completed=Sum("completed_contracts"),
    )
    return {k: int(v or 0) for k, v in totals.items()}


REEL_LENGTH_SQL = {
    "postgresql": "jsonb_array_length(terms)",
    "sqlite": "json_array_length(terms)",
}
APPROVED_ARRAYS = {
    "postgresql": "moderation = %s AND jsonb_typeof(terms) = 'array'",
    "sqlite": "moderation = %s AND json_type(terms) = 'array'",
}


def _reel_lengths() -> tuple[int, int]:
    """(approved reels, their median length in distinct terms), from the stored reel terms."""
    vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    table = Reel._meta.db_table
    where = APPROVED_ARRAYS[vendor]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", [Moderation.APPROVED])
        reels = int(cursor.fetchone()[0])
        if not reels:
            return 0, 0
        cursor.execute(
            f"SELECT {REEL_LENGTH_SQL[vendor]} FROM {table} WHERE {where} "
            "ORDER BY 1 LIMIT 1 OFFSET %s",
            [Moderation.APPROVED, reels // 2],
        )
        return reels, int(cursor.fetchone()[0])


@transaction.atomic
def term_stats_refresh() -> int:
    """Recount the matching corpus statistics from the creators' stored terms.

    `TermStat.df` = how many creators' approved reels contain the term; the reserved row
    `TermStat.CORPUS` holds N, the creators with any term; the other reserved rows
    (`TermStat.STATS`) hold the sums behind the population means of the quality and
    reliability priors and the average approved reel length. Replaces the table in one
    transaction, so it is safe to run twice or concurrently with the ranking. Returns N.
    """
    table = CreatorProfile._meta.db_table
    vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    with connection.cursor() as cursor:
        cursor.execute(TERM_DF_SQL[vendor].format(table=table))
        counts = [(term, df) for term, df in cursor.fetchall() if term]
        cursor.execute(CORPUS_SIZE_SQL[vendor].format(table=table))
        corpus = cursor.fetchone()[0]
    population = _population()
    reels, median = _reel_lengths()
    stats = {
        TermStat.RATING_SUM: population["rating_sum"],
        TermStat.REVIEW_COUNT: population["review_count"],
        TermStat.ON_TIME: population["on_time"],
        TermStat.COMPLETED: population["completed"],
        TermStat.REELS: reels,
        TermStat.REEL_LENGTH: median,
    }
    TermStat.objects.all().delete()
    TermStat.objects.bulk_create(
        [TermStat(term=TermStat.CORPUS, df=corpus)]
        + [TermStat(term=key, df=min(value, TermStat.MAX_DF)) for key, value in stats.items()]
        + [TermStat(term=term[:60], df=df) for term, df in counts],
        batch_size=5000,
        ignore_conflicts=True,
    )
    return corpus


EVIDENCE_FIELDS = [
    "reel_tags",
    "tag_evidence",
    "model_evidence",
    "provider_evidence",
    "formats",
    "terms",
    "last_active_at",
]


# The name the reel services and the demo seed used before the stored matching evidence.
def creator_refresh_showcase(*, creator_id: int) -> None:
    """Recompute skills, reel tags and matching evidence (see `creator_evidence_refresh`)."""
    creator_evidence_refresh(creator_id=creator_id)
