"""Seeding the matching benchmark's databases with COPY (used by bench/matching.py).

Every creator's reels are drawn from a generator seeded by (seed, creator id), so the creators
table (with the evidence `creators.evidence.compute` derives from the approved reels) and the
videos and reels tables can be written in separate COPY streams without holding 10M reels in
memory. Reel texts are words of a Zipf-distributed vocabulary of stable tokens, so a reel's
stored terms are its words (the tokenizer leaves them unchanged).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

MODELS = {  # model → (provider, popularity)
    "kling-2.1-pro": ("kling", 20),
    "kling-2.1-std": ("kling", 12),
    "kling-2.1": ("kling", 10),
    "kling-2.0-master": ("kling", 4),
    "veo-3": ("veo", 14),
    "veo-2": ("veo", 5),
    "sora-2": ("sora", 9),
    "sora-1": ("sora", 3),
    "runway-gen4": ("runway", 7),
    "runway-gen3-alpha": ("runway", 3),
    "pika-2.2": ("pika", 4),
    "hailuo-02": ("hailuo", 6),
    "wan-2.2": ("other", 2),
    "seedance-1-pro": ("other", 2),
}
MODEL_NAMES = list(MODELS)
MODEL_WEIGHTS = [MODELS[m][1] for m in MODEL_NAMES]
LANGUAGES = ["en", "es", "ja", "zh", "fr", "de", "pt", "ko", "hi", "ar"]
LANGUAGE_WEIGHTS = [40, 12, 10, 10, 6, 6, 5, 5, 3, 3]
# Rate currencies with a rough "minor units per US cent" factor for plausible prices.
CURRENCIES = [("USD", 1.0, 50), ("EUR", 0.93, 15), ("GBP", 0.79, 8), ("JPY", 1.5, 12)]
CURRENCIES += [("CNY", 7.2, 15)]
CURRENCY_WEIGHTS = [w for *_, w in CURRENCIES]
DIMS = [(1080, 1920)] * 6 + [(1920, 1080)] * 3 + [(1080, 1080), (2160, 3840), (720, 1280)]


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (rank + 1) ** s for rank in range(n)]


def cumulative(weights: list[float]) -> list[float]:
    return list(accumulate(weights))


TAGS = [f"tag-{i:03d}" for i in range(300)]
TAG_CUM = cumulative(zipf_weights(len(TAGS), 0.9))
WORDS = [f"w{i:04d}" for i in range(3000)]
WORD_CUM = cumulative(zipf_weights(len(WORDS), 1.0))
MODEL_CUM = cumulative(MODEL_WEIGHTS)


def pick_tags(rng: random.Random, low: int, high: int) -> list[str]:
    return sorted(set(rng.choices(TAGS, cum_weights=TAG_CUM, k=rng.randint(low, high))))


def reel_count(creator: int, n_creators: int, per_creator: int, seed: int) -> int:
    """Skewed: some creators post a lot; the mean is `per_creator`."""
    rng = random.Random(seed * 1_000_003 + creator)
    return int(rng.expovariate(1 / per_creator) + 0.5)


def expected_reels(n_creators: int, per_creator: int, seed: int = 20250601) -> int:
    """How many reels `seed` writes for this size."""
    return sum(reel_count(i, n_creators, per_creator, seed) for i in range(1, n_creators + 1))


_POOL_RNG = random.Random(1)
# Reel texts and side tags drawn once: each reel picks one (a reel draw is then a few calls).
POOL = [
    (
        sorted(set(_POOL_RNG.choices(WORDS, cum_weights=WORD_CUM, k=_POOL_RNG.randint(3, 10)))),
        sorted(set(_POOL_RNG.choices(TAGS, cum_weights=TAG_CUM, k=_POOL_RNG.randint(0, 2)))),
    )
    for _ in range(20_000)
]


def creator_reels(creator: int, count: int, seed: int) -> list[tuple]:
    """(model, seconds, tags, words, moderation, width, height, days ago) of a creator's reels."""
    rng = random.Random(seed * 7_000_003 + creator)
    focus = pick_tags(rng, 1, 3)  # what this creator really makes
    out = []
    for _ in range(count):
        words, extra = POOL[rng.randrange(len(POOL))]
        draw = rng.random()
        moderation = "approved" if draw < 0.85 else "pending" if draw < 0.95 else "rejected"
        width, height = DIMS[rng.randrange(len(DIMS))]
        out.append(
            (
                rng.choices(MODEL_NAMES, cum_weights=MODEL_CUM)[0],
                5 + rng.randrange(56),
                sorted({focus[rng.randrange(len(focus))], *extra}),
                words,
                moderation,
                width,
                height,
                rng.random() * 400,
            )
        )
    return out


def copy_rows(table: str, columns: list[str], rows: Iterator[tuple], total: int) -> None:
    """COPY `rows` into `table` with a progress bar."""
    from django.db import connection
    from tqdm import tqdm

    cols = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            for row in tqdm(rows, total=total, desc=f"{table:>26}", unit="row", miniters=20000):
                copy.write_row(row)


def seed(n_creators: int, per_creator: int, seed_value: int = 20250601) -> int:
    """Users, creators (with evidence), videos and reels by COPY; skills in SQL. Returns reels."""
    from django.db import connection

    from creators.evidence import ReelRow, compute, latest

    rng = random.Random(seed_value)
    counts = [reel_count(i, n_creators, per_creator, seed_value) for i in range(n_creators + 1)]
    n_reels = sum(counts[1:])

    def users() -> Iterator[tuple]:
        for i in range(1, n_creators + 1):
            yield (i, f"bench{i}@example.com", "!", "", rng.random() > 0.01, False, False, NOW)

    copy_rows(
        "marketplace_user",
        ["id", "email", "password", "full_name", "is_active", "is_staff", "is_superuser"]
        + ["date_joined"],
        users(),
        n_creators,
    )

    def creators() -> Iterator[tuple]:
        for i in range(1, n_creators + 1):
            reels = creator_reels(i, counts[i], seed_value)
            approved = [r for r in reels if r[4] == "approved"]
            claimed = pick_tags(rng, 0, 6)
            ev = compute(
                [
                    ReelRow(
                        tags=r[2],
                        model=r[0],
                        provider=MODELS[r[0]][0],
                        width=r[5],
                        height=r[6],
                        terms=r[3],
                        created_at=NOW - timedelta(days=r[7]),
                    )
                    for r in approved
                ],
                claimed,
            )
            deal = None if rng.random() < 0.7 else NOW - timedelta(days=rng.uniform(0, 400))
            last = latest(ev.last_reel_at, deal)
            tier = rng.choices(["standard", "partner", "elite"], [85, 12, 3])[0]
            reviews = int(rng.expovariate(1 / 8)) if rng.random() < 0.7 else 0
            completed = int(rng.expovariate(1 / 6)) if rng.random() < 0.6 else 0
            min_price = per_second = None
            currency = ""
            if rng.random() < 0.75:
                currency, factor, _ = rng.choices(CURRENCIES, CURRENCY_WEIGHTS)[0]
                if rng.random() < 0.8:
                    min_price = int(rng.randint(20_000, 500_000) * factor)
                if rng.random() < 0.5 or min_price is None:
                    per_second = int(rng.randint(500, 20_000) * factor)
            languages = sorted(
                set(rng.choices(LANGUAGES, LANGUAGE_WEIGHTS, k=rng.choice([1, 1, 2, 3])))
            )
            yield (
                i, i, f"creator-{i}", f"Creator {i}", "",
                rng.choice(["US", "GB", "JP", "CN", "FR", "DE", "BR", "IN", "KR", "ES"]),
                json.dumps(languages), json.dumps(claimed),
                json.dumps(sorted({t for r in approved for t in r[2]})),
                min_price, per_second, currency, tier, rng.random() < 0.05, rng.random() < 0.01,
                "", round(reviews * rng.uniform(2.5, 5.0)), reviews, completed,
                rng.randint(0, completed), last, deal,
                json.dumps(ev.tag_evidence), json.dumps(ev.model_evidence),
                json.dumps(ev.provider_evidence), json.dumps(ev.formats), json.dumps(ev.terms),
                NOW, NOW,
            )  # fmt: skip

    copy_rows(
        "creators_creatorprofile",
        "id user_id handle display_name bio country languages tags reel_tags "
        "min_price_per_project price_per_second rate_currency tier verified suspended "
        "suspended_reason rating_sum review_count completed_contracts on_time_contracts "
        "last_active_at last_deal_at tag_evidence model_evidence provider_evidence formats "
        "terms created_at updated_at".split(),
        creators(),
        n_creators,
    )

    def all_reels() -> Iterator[tuple[int, int, tuple]]:
        n = 0
        for i in range(1, n_creators + 1):
            for reel in creator_reels(i, counts[i], seed_value):
                n += 1
                yield n, i, reel

    def videos() -> Iterator[tuple]:
        for n, _, (model, seconds, _, words, _, width, height, _) in all_reels():
            yield (
                n, MODELS[model][0], model, f"https://cdn.example.com/v/{n}.mp4", "",
                " ".join(words[3:]), "text_to_video", seconds, width, height, 24, "",
            )  # fmt: skip

    copy_rows(
        "creators_generatedvideo",
        "id provider model video_url thumbnail_url prompt mode duration_s width height fps "
        "provider_task_id".split(),
        videos(),
        n_reels,
    )

    def reel_rows() -> Iterator[tuple]:
        for n, owner, (_, _, tags, words, moderation, _, _, days) in all_reels():
            when = NOW - timedelta(days=days)
            yield (
                n, owner, n, " ".join(words[:3]), "", json.dumps(tags), json.dumps(words),
                moderation, "", when, when,
            )  # fmt: skip

    copy_rows(
        "creators_reel",
        "id creator_id video_id title description tags terms moderation rejection_reason "
        "created_at updated_at".split(),
        reel_rows(),
        n_reels,
    )
    with connection.cursor() as cursor:
        print("deriving skills from approved reels …", flush=True)
        cursor.execute(
            """
            INSERT INTO creators_creatorskill
                (creator_id, model, provider, reel_count, total_seconds)
            SELECT r.creator_id, v.model, min(v.provider), count(*), sum(v.duration_s)
            FROM creators_reel r JOIN creators_generatedvideo v ON v.id = r.video_id
            WHERE r.moderation = 'approved'
            GROUP BY r.creator_id, v.model
            """
        )
        for table in (
            "marketplace_user",
            "creators_creatorprofile",
            "creators_generatedvideo",
            "creators_reel",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    print("term statistics …", flush=True)
    from creators.services import term_stats_refresh

    term_stats_refresh()
    with connection.cursor() as cursor:
        print("VACUUM ANALYZE …", flush=True)
        cursor.execute("VACUUM ANALYZE")
    return n_reels


def check_evidence_consistency(sample: int = 50) -> None:
    """Recompute a sample of creators with the real service and require no change."""
    from django.db import transaction

    from creators.models import CreatorProfile, CreatorSkill
    from creators.services import creators_evidence_refresh

    fields = ["reel_tags", "tag_evidence", "model_evidence", "provider_evidence", "formats"]
    fields += ["terms", "last_active_at"]
    ids = list(CreatorProfile.objects.order_by("?").values_list("pk", flat=True)[:sample])

    def snapshot() -> dict[int, Any]:
        skills: dict[int, list] = {}
        for s in CreatorSkill.objects.filter(creator_id__in=ids).order_by("creator_id", "model"):
            skills.setdefault(s.creator_id, []).append((s.model, s.reel_count, s.total_seconds))
        rows = CreatorProfile.objects.filter(pk__in=ids).values_list("pk", *fields)
        return {row[0]: (skills.get(row[0], []), row[1:]) for row in rows}

    before = snapshot()
    with transaction.atomic():
        creators_evidence_refresh(creator_ids=ids)
        after = snapshot()
        transaction.set_rollback(True)
    assert before == after, "seeded evidence differs from creators_evidence_refresh"
    print(f"evidence of {len(ids)} sampled creators matches creators_evidence_refresh")
