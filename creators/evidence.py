"""What a creator's approved reels and completed contracts show, as stored evidence for matching.

Pure functions from reel rows (and the track record campaigns hands over) to the JSON the
profile stores (`tag_evidence`, `model_evidence`, `provider_evidence`, `formats`, `terms`); the
services (`creators.services`), the backfill and `manage.py refresh_matching` all call them, so
there is one definition. Matching v3 treats what a creator writes as cheap evidence:

- **Near-duplicates count once.** Approved reels sharing a normalised prompt, a (provider,
  seed), a provider task id or a thumbnail URL, or whose prompt terms overlap by at least
  `NEAR_DUPLICATE` (Jaccard, prompts of 3+ terms), form one cluster; each reel of a cluster of
  m reels weighs 1/m, so the cluster counts as one reel.
- **Dilution.** A reel carrying k distinct tags is 1/k of a showing for each of them, and past
  `PLAUSIBLE_TAGS` tags `PLAUSIBLE_TAGS/k²` (a reel tagged with every style shows none), and
  its words and its showing of a model count `PLAUSIBLE_TAGS/k` (a stuffed listing is
  discounted whole; its format still shows, the video is what it is).
- **Saturation.** Evidence of n (weighted) showings is `1 − 0.5ⁿ`: one reel 0.5, two 0.75,
  and no volume goes past 1. A tag only claimed on the profile counts as `CLAIM_ONLY` reels.
- **Track record counts as reels.** The credits of completed contracts in a tag or a
  model (computed by campaigns from the brand's review, on-time delivery, revisions and
  disputes: `TrackRecord`) add `RECORD_WEIGHT` showings each.
- **Models.** A reel counts for its model; its provider is the one recorded on the video (the
  model name's prefix only when none is recorded), and a reel recorded as `other` is never
  counted for a provider. Another model of the same provider counts half.
- **Relevance strengths (BM25).** For each term of a reel (title, description, prompt) with
  frequency tf (words kept by the tokenizer, repeats included), its weight is
  `min(1, tf·(k1 + 1) / (tf + k1·(1 − b + b·dl / avgdl)))`, dl = the reel's distinct terms:
  1 for one mention in a reel of average length, less in a long, stuffed one. A cluster's
  weight for a term is the best of its reels'; the creator's stored strength is the mean of
  the best `TOP_REELS` clusters' weights (missing ones count 0), so relevance comes from a
  creator's best few reels, never from the union of every word they wrote. `avgdl` is the
  corpus's *median* reel length (stuffed prompts cannot inflate it), refreshed with the term
  statistics (`AVG_REEL_TERMS` until there is one).
- **Per-creator saturation of words.** The strengths sum to at most `TERM_MASS_REELS` × the
  median reel length; a creator whose reels name everything has every strength scaled down by
  the same factor, so writing more words cannot buy relevance for every brief.
- **Words of the work done.** The terms of the briefs of a creator's completed contracts
  (written by brands, not by the creator) are evidence too: a term with contract credit c is
  `1 − 0.5^(RECORD_WEIGHT·c)`, combined with the reels' strength s as `1 − (1 − s)(1 − that)`.

Every stored number is rounded to `DIGITS` decimals, so it reads back as the same double from
JSON on every database.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .text import tokenize, words

CLAIM_ONLY = 0.25  # a tag claimed on the profile with no approved reel behind it
PLAUSIBLE_TAGS = 3  # tags a reel can carry before each counts 1/k² instead of 1/k
SAME_PROVIDER = 0.5  # a reel with another model of the same provider
OTHER_PROVIDER = "other"
RECORD_WEIGHT = 1.0  # showings per unit of contract credit: a contract is one reel
NEAR_DUPLICATE = 0.75  # Jaccard overlap of prompt terms that makes two reels one
MIN_PROMPT_TERMS = 3
TOP_REELS = 2  # relevance from the best this many distinct reels
TERM_MASS_REELS = 3.0  # a creator's words count in full up to this many typical reels' worth
BM25_K1 = 1.2
BM25_B = 1.0  # full length normalisation: a reel that names everything is evidence of little
AVG_REEL_TERMS = 20.0
DIGITS = 6

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

# Aspect ratios a deliverable can ask for, as (width, height) in lowest terms.
ASPECT_PAIRS: dict[str, tuple[int, int]] = {
    "9:16": (9, 16),
    "16:9": (16, 9),
    "1:1": (1, 1),
    "4:5": (4, 5),
}
ASPECTS: dict[str, float] = {name: w / h for name, (w, h) in ASPECT_PAIRS.items()}
ASPECT_TOLERANCE_PER_CENT = 2  # ±2% of the target ratio, decided in integers
# Resolution rank of a video from its short side; a deliverable's resolution → required rank.
RESOLUTION_RANK: dict[str, int] = {"720p": 1, "1080p": 2, "4k": 3}
SHORT_SIDE_RANKS: tuple[tuple[int, int], ...] = ((2160, 3), (1080, 2), (720, 1))


def evidence(n: float) -> float:
    """`1 − 0.5ⁿ`: 0 for nothing, 0.5 for one showing, approaching 1."""
    return 1.0 - 0.5**n


def stored(value: float) -> float:
    """A number as the profile stores it (`DIGITS` decimals)."""
    return round(value, DIGITS)


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


def reel_provider(model: str, recorded: str) -> str:
    """The provider a reel counts for: the one recorded on its video; the model name's prefix
    only when none is recorded. A recorded `other` stays `other`."""
    return recorded if recorded else provider_of(model)


def aspect_of(width: int, height: int) -> str | None:
    """The deliverable aspect ratio a video shows, or None.

    Within ±2% of the target w:h, decided in integers: `|width·h − w·height| · 50 ≤ w·height`
    (the same boundary for every ratio).
    """
    if width <= 0 or height <= 0:
        return None
    for name, (w, h) in ASPECT_PAIRS.items():
        if abs(width * h - w * height) * (100 // ASPECT_TOLERANCE_PER_CENT) <= w * height:
            return name
    return None


def resolution_rank(width: int, height: int) -> int:
    """3 for 4k, 2 for 1080p, 1 for 720p, 0 below, from the short side."""
    short = min(width, height)
    for side, rank in SHORT_SIDE_RANKS:
        if short >= side:
            return rank
    return 0


def normalised_prompt(prompt: str) -> str:
    """A prompt with case, punctuation and spacing removed (equal prompts are one reel)."""
    return " ".join(re.findall(r"[^\W_]+", (prompt or "").lower()))


@dataclass(frozen=True)
class ReelRow:
    """What the evidence reads from one approved reel.

    `counts` (term → frequency) and `length` come from the text; rows built without them (bulk
    seeding) count each of `terms` once."""

    tags: list[str]
    model: str
    provider: str
    width: int
    height: int
    terms: list[str]
    created_at: datetime | None = None
    duration_s: int = 0
    counts: Mapping[str, int] | None = None
    length: int = 0
    prompt: str = ""
    seed: int | None = None
    task_id: str = ""
    thumbnail: str = ""


def reel_row_text(title: str, description: str, prompt: str) -> tuple[dict[str, int], int]:
    """(term → frequency, length) of a reel's text through the tokenizer; the length is the
    number of distinct terms (what the reel stores, and what the corpus average is over)."""
    counts: Counter[str] = Counter()
    for text in (title, description, prompt):
        counts.update(term for term, _ in words(text or ""))
    return dict(counts), len(counts)


@dataclass
class TrackRecord:
    """Credits of completed contracts, per brief tag and per preferred model (each contract's
    credit in 0..1, summed), as campaigns computes them."""

    tags: dict[str, float] = field(default_factory=dict)
    models: dict[str, float] = field(default_factory=dict)
    terms: dict[str, float] = field(default_factory=dict)  # words of the contracts' briefs

    @classmethod
    def of(cls, data: Mapping | None) -> TrackRecord:
        data = data or {}
        return cls(
            tags=dict(data.get("tags") or {}),
            models=dict(data.get("models") or {}),
            terms=dict(data.get("terms") or {}),
        )

    def as_json(self) -> dict[str, dict[str, float]]:
        out = {
            "tags": {k: stored(v) for k, v in sorted(self.tags.items())},
            "models": {k: stored(v) for k, v in sorted(self.models.items())},
        }
        if self.terms:
            out["terms"] = {k: stored(v) for k, v in sorted(self.terms.items())}
        return out


@dataclass
class Evidence:
    tag_evidence: dict[str, float]
    model_evidence: dict[str, float]
    provider_evidence: dict[str, float]
    formats: dict[str, int]
    terms: dict[str, float]
    last_reel_at: datetime | None
    clusters: int = 0


def reel_terms(title: str, description: str, prompt: str) -> list[str]:
    """The stored terms of a reel: its title, description and prompt through the tokenizer."""
    return tokenize(title, description, prompt)


def clusters_of(reels: list[ReelRow]) -> list[int]:
    """For each reel, the index of the first reel of its near-duplicate cluster."""
    parent = list(range(len(reels)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    seen: dict[tuple[str, str], int] = {}
    prompt_terms: list[frozenset[str]] = []
    for i, reel in enumerate(reels):
        keys = []
        prompt = normalised_prompt(reel.prompt)
        if prompt:
            keys.append(("prompt", prompt))
        if reel.seed is not None:
            keys.append(("seed", f"{reel.provider}:{reel.seed}"))
        if reel.task_id:
            keys.append(("task", f"{reel.provider}:{reel.task_id}"))
        if reel.thumbnail:
            keys.append(("thumb", reel.thumbnail))
        for key in keys:
            if key in seen:
                union(seen[key], i)
            else:
                seen[key] = i
        prompt_terms.append(frozenset(tokenize(reel.prompt)) if reel.prompt else frozenset())
    for i in range(len(reels)):
        a = prompt_terms[i]
        if len(a) < MIN_PROMPT_TERMS:
            continue
        for j in range(i):
            b = prompt_terms[j]
            if len(b) >= MIN_PROMPT_TERMS and len(a & b) >= NEAR_DUPLICATE * len(a | b):
                union(i, j)
    return [find(i) for i in range(len(reels))]


def term_weight(tf: int, length: int, avg_length: float) -> float:
    """BM25's saturating term weight, 1 for one mention in a reel of average length, capped."""
    norm = BM25_K1 * (1.0 - BM25_B + BM25_B * float(length) / avg_length)
    return min(1.0, float(tf) * (BM25_K1 + 1.0) / (float(tf) + norm))


def tag_share(share: float, k: int) -> float:
    """What a reel of weight `share` carrying `k` distinct tags counts for each of them:
    `share/k` up to `PLAUSIBLE_TAGS` tags (one showing in all), `share·PLAUSIBLE_TAGS/k²` past
    that (a reel tagged with more styles than a reel can show is weak evidence of each, and
    less in total)."""
    if k <= PLAUSIBLE_TAGS:
        return share / k
    return share * PLAUSIBLE_TAGS / (k * k)


def tag_trust(k: int) -> float:
    """How far a reel's words and model count: fully up to `PLAUSIBLE_TAGS` tags,
    `PLAUSIBLE_TAGS/k` past that (a listing stuffed with every style is discounted whole)."""
    return 1.0 if k <= PLAUSIBLE_TAGS else PLAUSIBLE_TAGS / k


@dataclass
class Tally:
    """Weighted showings per tag, model and provider, the best format per aspect ratio, and
    per near-duplicate cluster the best weight of each term, from a creator's reels."""

    tags: Counter[str] = field(default_factory=Counter)
    models: Counter[str] = field(default_factory=Counter)
    providers: Counter[str] = field(default_factory=Counter)
    model_provider: dict[str, str] = field(default_factory=dict)
    formats: dict[str, int] = field(default_factory=dict)
    best: dict[int, dict[str, float]] = field(default_factory=dict)
    last: datetime | None = None
    clusters: int = 0


def tally(reels: list[ReelRow], avg: float) -> Tally:
    """Near-duplicates once (each reel of a cluster of m weighs 1/m), tags diluted."""
    roots = clusters_of(reels)
    size = Counter(roots)
    t = Tally(clusters=len(size))
    for reel, root in zip(reels, roots, strict=True):
        share = 1.0 / size[root]
        tags = sorted(set(reel.tags or ()))
        for tag in tags:
            t.tags[tag] += tag_share(share, len(tags))
        provider = reel_provider(reel.model, reel.provider)
        trust = tag_trust(len(tags))
        t.models[reel.model] += share * trust
        t.model_provider.setdefault(reel.model, provider)
        t.providers[provider] += share * trust
        aspect = aspect_of(reel.width, reel.height)
        if aspect is not None:
            rank = resolution_rank(reel.width, reel.height)
            t.formats[aspect] = max(t.formats.get(aspect, 0), rank)
        counts = reel.counts if reel.counts is not None else dict.fromkeys(reel.terms or (), 1)
        length = reel.length or len(counts)
        weights = t.best.setdefault(root, {})
        for term, tf in counts.items():
            if tf > 0:
                w = term_weight(tf, length, avg) * trust
                weights[term] = max(weights.get(term, 0.0), w)
        if reel.created_at is not None and (t.last is None or reel.created_at > t.last):
            t.last = reel.created_at
    return t


def add_record(t: Tally, record: TrackRecord) -> None:
    """Completed contracts' credits as `RECORD_WEIGHT` showings each, per tag and model."""
    for tag, credit in record.tags.items():
        t.tags[tag] += RECORD_WEIGHT * credit
    for model, credit in record.models.items():
        t.models[model] += RECORD_WEIGHT * credit
        provider = provider_of(model)
        t.model_provider.setdefault(model, provider)
        t.providers[provider] += RECORD_WEIGHT * credit


def tool_evidence(t: Tally) -> tuple[dict[str, float], dict[str, float]]:
    """Model evidence (another model of the same provider counts half; never for `other`)
    and provider evidence."""
    model_ev = {}
    for model, n in sorted(t.models.items()):
        provider = t.model_provider[model]
        others = 0.0 if provider == OTHER_PROVIDER else t.providers[provider] - n
        model_ev[model] = stored(evidence(n + SAME_PROVIDER * max(others, 0.0)))
    provider_ev = {
        p: stored(evidence(SAME_PROVIDER * n))
        for p, n in sorted(t.providers.items())
        if p != OTHER_PROVIDER
    }
    return model_ev, provider_ev


def term_strengths(t: Tally, record: TrackRecord, avg: float) -> dict[str, float]:
    """Per term the mean of the best `TOP_REELS` clusters' weights, scaled so they sum to at
    most `TERM_MASS_REELS` median reels; then the words of the completed contracts' briefs
    (written by brands) combined as independent evidence: 1 − (1 − reels)(1 − record)."""
    per_term: dict[str, list[float]] = {}
    for weights in t.best.values():
        for term, w in weights.items():
            per_term.setdefault(term, []).append(w)
    strengths = {}
    mass = 0.0
    for term, ws in sorted(per_term.items()):
        total = 0.0
        for w in sorted(ws, reverse=True)[:TOP_REELS]:
            total += w
        strengths[term] = total / TOP_REELS
        mass += strengths[term]
    scale = min(1.0, TERM_MASS_REELS * avg / mass) if mass > 0 else 1.0
    for term in strengths:
        strengths[term] *= scale
    for term, credit in record.terms.items():
        shown = evidence(RECORD_WEIGHT * credit)
        strengths[term] = 1.0 - (1.0 - strengths.get(term, 0.0)) * (1.0 - shown)
    return {term: stored(s) for term, s in sorted(strengths.items()) if stored(s) > 0}


def compute(
    reels: Iterable[ReelRow],
    profile_tags: Iterable[str],
    record: TrackRecord | None = None,
    *,
    avg_length: float | None = None,
) -> Evidence:
    """The evidence of a creator's approved `reels`, claimed `profile_tags` and `record`."""
    record = record or TrackRecord()
    avg = float(avg_length) if avg_length and avg_length > 0 else AVG_REEL_TERMS
    t = tally(list(reels), avg)
    add_record(t, record)
    tag_ev = {tag: stored(evidence(n)) for tag, n in sorted(t.tags.items()) if n > 0}
    for tag in profile_tags or ():
        tag_ev.setdefault(tag, stored(evidence(CLAIM_ONLY)))
    model_ev, provider_ev = tool_evidence(t)
    return Evidence(
        tag_evidence=dict(sorted(tag_ev.items())),
        model_evidence=model_ev,
        provider_evidence=provider_ev,
        formats=dict(sorted(t.formats.items())),
        terms=term_strengths(t, record, avg),
        last_reel_at=t.last,
        clusters=t.clusters,
    )


def latest(*instants: datetime | None) -> datetime | None:
    """The latest of the given instants, ignoring None."""
    present = [i for i in instants if i is not None]
    return max(present) if present else None
