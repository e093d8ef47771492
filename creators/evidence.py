"""What a creator's approved reels show, as stored evidence for matching (DESIGN §6 v2).

Pure functions from reel rows to the JSON the profile stores (`tag_evidence`, `model_evidence`,
`provider_evidence`, `formats`, `terms`); the services (`creators.services`), the backfill
migration and `manage.py refresh_matching` all call them, so there is one definition.

Evidence of n showings is `1 − 0.5ⁿ`: one reel is worth 0.5, two 0.75, eight 0.996. A tag only
claimed on the profile counts as half a reel (0.29); a reel made with another model of the same
provider counts half a reel of the asked model.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .text import tokenize

CLAIM_ONLY = 0.5  # a tag claimed on the profile with no approved reel behind it
SAME_PROVIDER = 0.5  # a reel with another model of the same provider
OTHER_PROVIDER = "other"

# Provider of a model name, by prefix (brief models are free text, reels also carry a provider).
PROVIDER_PREFIXES: tuple[tuple[str, str], ...] = (
    ("kling", "kling"),
    ("veo", "veo"),
    ("sora", "sora"),
    ("runway", "runway"),
    ("gen-", "runway"),
    ("gen3", "runway"),
    ("gen4", "runway"),
    ("pika", "pika"),
    ("hailuo", "hailuo"),
    ("minimax", "hailuo"),
)

# Aspect ratios a deliverable can ask for, as width / height.
ASPECTS: dict[str, float] = {"9:16": 9 / 16, "16:9": 16 / 9, "1:1": 1.0, "4:5": 4 / 5}
ASPECT_TOLERANCE = 0.02
# Resolution rank of a video from its short side; a deliverable's resolution → required rank.
RESOLUTION_RANK: dict[str, int] = {"720p": 1, "1080p": 2, "4k": 3}
SHORT_SIDE_RANKS: tuple[tuple[int, int], ...] = ((2160, 3), (1080, 2), (720, 1))


def evidence(n: float) -> float:
    """`1 − 0.5ⁿ`: 0 for nothing, 0.5 for one showing, approaching 1."""
    return 1.0 - 0.5**n


def showings(value: float) -> float:
    """The n behind an evidence value, to the nearest half (for reasons)."""
    if value <= 0.0:
        return 0.0
    if value >= 1.0:
        return 60.0
    return round(-math.log2(1.0 - value) * 2) / 2


def provider_of(model: str) -> str:
    """The provider of a model name by its prefix; "other" when unknown."""
    name = model.lower()
    for prefix, provider in PROVIDER_PREFIXES:
        if name.startswith(prefix):
            return provider
    return OTHER_PROVIDER


def aspect_of(width: int, height: int) -> str | None:
    """The deliverable aspect ratio a video shows (within ±2%), or None."""
    if width <= 0 or height <= 0:
        return None
    ratio = width / height
    for name, target in ASPECTS.items():
        if abs(ratio - target) <= ASPECT_TOLERANCE * target:
            return name
    return None


def resolution_rank(width: int, height: int) -> int:
    """3 for 4k, 2 for 1080p, 1 for 720p, 0 below, from the short side."""
    short = min(width, height)
    for side, rank in SHORT_SIDE_RANKS:
        if short >= side:
            return rank
    return 0


@dataclass(frozen=True)
class ReelRow:
    """What the evidence reads from one approved reel."""

    tags: list[str]
    model: str
    provider: str
    width: int
    height: int
    terms: list[str]
    created_at: datetime | None = None
    duration_s: int = 0


@dataclass
class Evidence:
    tag_evidence: dict[str, float]
    model_evidence: dict[str, float]
    provider_evidence: dict[str, float]
    formats: dict[str, int]
    terms: dict[str, int]
    last_reel_at: datetime | None


def reel_terms(title: str, description: str, prompt: str) -> list[str]:
    """The stored terms of a reel: its title, description and prompt through the tokenizer."""
    return tokenize(title, description, prompt)


def compute(reels: Iterable[ReelRow], profile_tags: Iterable[str]) -> Evidence:
    """The evidence of a creator's approved `reels` (and claimed `profile_tags`)."""
    reels = list(reels)
    tag_counts: Counter[str] = Counter()
    model_counts: Counter[str] = Counter()
    provider_counts: Counter[str] = Counter()
    model_provider: dict[str, str] = {}
    formats: dict[str, int] = {}
    terms: Counter[str] = Counter()
    last: datetime | None = None
    for reel in reels:
        tag_counts.update(set(reel.tags or ()))
        provider = provider_of(reel.model)
        if provider == OTHER_PROVIDER and reel.provider:
            provider = reel.provider
        model_counts[reel.model] += 1
        model_provider[reel.model] = provider
        provider_counts[provider] += 1
        aspect = aspect_of(reel.width, reel.height)
        if aspect is not None:
            formats[aspect] = max(formats.get(aspect, 0), resolution_rank(reel.width, reel.height))
        terms.update(set(reel.terms or ()))
        if reel.created_at is not None and (last is None or reel.created_at > last):
            last = reel.created_at
    tag_ev = {tag: evidence(n) for tag, n in sorted(tag_counts.items())}
    for tag in profile_tags or ():
        tag_ev.setdefault(tag, evidence(CLAIM_ONLY))
    model_ev = {}
    for model, n in sorted(model_counts.items()):
        provider = model_provider[model]
        others = 0 if provider == OTHER_PROVIDER else provider_counts[provider] - n
        model_ev[model] = evidence(n + SAME_PROVIDER * others)
    provider_ev = {
        p: evidence(SAME_PROVIDER * n)
        for p, n in sorted(provider_counts.items())
        if p != OTHER_PROVIDER
    }
    return Evidence(
        tag_evidence=dict(sorted(tag_ev.items())),
        model_evidence=model_ev,
        provider_evidence=provider_ev,
        formats=dict(sorted(formats.items())),
        terms=dict(sorted(terms.items())),
        last_reel_at=last,
    )


def latest(*instants: datetime | None) -> datetime | None:
    """The latest of the given instants, ignoring None."""
    present = [i for i in instants if i is not None]
    return max(present) if present else None
