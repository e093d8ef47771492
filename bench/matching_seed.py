"""The matching benchmark's world, as COPY text lines (loaded by bench/matching_load.py).

Everything about creator i is drawn from generators seeded by (seed, i): its reels, its
profile and its user. So any range of creators can be generated on its own, in any process,
and the result does not depend on how the work was split. `creator_lines` returns one
creator's rows for every table at once (user, profile with the evidence
`creators.evidence.compute` derives from the approved reels, videos, reels, skills), so each
reel is drawn once. Reel texts are words of a Zipf-distributed vocabulary of stable tokens, so
a reel's stored terms are its words (the tokenizer leaves them unchanged).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate

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


# The columns each table is loaded with, in the order `creator_lines` writes them.
TABLES: dict[str, list[str]] = {
    "marketplace_user": "id email password full_name is_active is_staff is_superuser "
    "date_joined".split(),
    "creators_creatorprofile": "id user_id handle display_name bio country languages tags "
    "reel_tags min_price_per_project price_per_second rate_currency tier verified suspended "
    "suspended_reason rating_sum review_count completed_contracts on_time_contracts "
    "last_active_at last_deal_at tag_evidence model_evidence provider_evidence formats "
    "terms created_at updated_at".split(),
    "creators_generatedvideo": "id provider model video_url thumbnail_url prompt mode "
    "duration_s width height fps provider_task_id licence_verdict plan".split(),
    "creators_reel": "id creator_id video_id title description tags terms moderation "
    "rejection_reason created_at updated_at".split(),
    "creators_creatorskill": "creator_id model provider reel_count total_seconds".split(),
}


def copy_line(values: tuple) -> str:
    """One row in COPY's text format (our values hold no tab, newline or backslash)."""
    out = []
    for v in values:
        if v is None:
            out.append("\\N")
        elif v is True or v is False:
            out.append("t" if v else "f")
        else:
            out.append(str(v))
    return "\t".join(out) + "\n"


def json_list(items: list[str]) -> str:
    """`json.dumps` of a list of plain slugs, without its overhead (10M reels carry two)."""
    return '["' + '", "'.join(items) + '"]' if items else "[]"


@dataclass
class Lines:
    """COPY text lines per table for a range of creators."""

    by_table: dict[str, list[str]] = field(default_factory=lambda: {t: [] for t in TABLES})

    def add(self, table: str, values: tuple) -> None:
        self.by_table[table].append(copy_line(values))


def profile_values(i: int, reels: list[tuple], rng: random.Random) -> tuple:
    """Creator i's profile row: claims, prices, record, and the evidence of its approved reels."""
    from creators.evidence import ReelRow, compute, latest

    approved = [r for r in reels if r[4] == "approved"]
    claimed = pick_tags(rng, 0, 6)
    ev = compute(
        [
            ReelRow(tags=r[2], model=r[0], provider=MODELS[r[0]][0], width=r[5], height=r[6],
                    terms=r[3], created_at=NOW - timedelta(days=r[7]))
            for r in approved
        ],
        claimed,
    )  # fmt: skip
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
    languages = sorted(set(rng.choices(LANGUAGES, LANGUAGE_WEIGHTS, k=rng.choice([1, 1, 2, 3]))))
    return (
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


def creator_lines(lines: Lines, i: int, count: int, first_reel: int, seed: int) -> None:
    """Append creator i's rows (user, profile, its `count` videos and reels numbered from
    `first_reel`, skills of its approved reels) to `lines`."""
    rng = random.Random(seed * 5_000_011 + i)
    reels = creator_reels(i, count, seed)
    lines.add(
        "marketplace_user",
        (i, f"bench{i}@example.com", "!", "", rng.random() > 0.01, False, False, NOW),
    )
    lines.add("creators_creatorprofile", profile_values(i, reels, rng))
    skills: Counter[str] = Counter()
    seconds: Counter[str] = Counter()
    videos, reel_rows = lines.by_table["creators_generatedvideo"], lines.by_table["creators_reel"]
    # The bulk of the data: formatted directly (plain values, no NULLs), not via `copy_line`.
    for n, (model, secs, tags, words, moderation, width, height, days) in enumerate(
        reels, first_reel
    ):
        when = NOW - timedelta(days=days)
        videos.append(
            f"{n}\t{MODELS[model][0]}\t{model}\thttps://cdn.example.com/v/{n}.mp4\t\t"
            f"{' '.join(words[3:])}\ttext_to_video\t{secs}\t{width}\t{height}\t24\t\t"
            "unknown\t\n"
        )
        reel_rows.append(
            f"{n}\t{i}\t{n}\t{' '.join(words[:3])}\t\t{json_list(tags)}\t{json_list(words)}"
            f"\t{moderation}\t\t{when}\t{when}\n"
        )
        if moderation == "approved":
            skills[model] += 1
            seconds[model] += secs
    for model in sorted(skills):
        lines.add(
            "creators_creatorskill", (i, model, MODELS[model][0], skills[model], seconds[model])
        )
