"""The shapes of the world: what is hidden truth and what the product may observe.

Each spec holds both sides in one object so a creator or brief stays one thing to pass around;
the field comments mark the sides. The loader sends the observable fields (and the staff
decisions: tier, suspension) through the API; grading reads the hidden truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ReelSpec:
    title: str
    description: str
    tags: list[str]
    prompt: str
    provider: str
    model: str
    width: int
    height: int
    fps: int
    duration_s: int
    days_ago: int
    moderation: str  # approved | pending | rejected
    style: str  # what it really shows (hidden)
    # provenance a reel farmer reuses across near-duplicates (None: the loader draws fresh ones)
    video_seed: int | None = None
    thumbnail: str | None = None


@dataclass
class CreatorSpec:
    index: int
    handle: str
    kind: str
    # hidden truth
    skills: dict[str, float]
    models: dict[str, float]
    aspects: set[str]
    max_res: str
    languages: list[str]
    price_per_second_usd_cents: int
    min_project_usd_cents: int
    quality: float
    reliability: float
    tier: str = "standard"
    suspended: bool = False
    # observable
    profile_tags: list[str] = field(default_factory=list)
    profile_languages: list[str] = field(default_factory=list)
    rate_card: dict[str, Any] | None = None
    country: str = ""
    bio: str = ""
    reels: list[ReelSpec] = field(default_factory=list)
    rating_sum: int = 0
    review_count: int = 0
    completed: int = 0
    on_time: int = 0
    last_active_days_ago: int | None = None
    # the jobs behind the track record (history.PastJob); the counters above are their sums
    history: list[Any] = field(default_factory=list)

    @property
    def newcomer(self) -> bool:
        """No track record at all: no completed contract, no review."""
        return self.completed == 0 and self.review_count == 0


@dataclass
class BriefSpec:
    index: int
    brand: int
    # hidden truth: what the brand really wants
    styles: dict[str, float]  # style → weight (sums to 1)
    # the brief as written (the API payload, dates added on load)
    payload: dict[str, Any]
    budget_max_usd_cents: float = 0.0
    days_ago: int = 0  # past briefs (the track record): when they ran

    @property
    def deliverables(self) -> list[dict[str, Any]]:
        return self.payload["deliverables"]


@dataclass
class World:
    seed: int
    creators: list[CreatorSpec]
    briefs: list[BriefSpec]
    brands: list[str]
    setting: str = "home"
    strict: bool = False  # the answer key of the setting (family.WorldConfig.strict)
    adversaries: tuple[str, ...] = ()
    past_briefs: list[Any] = field(default_factory=list)  # history.PastBrief, in load order
