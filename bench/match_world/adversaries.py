"""Creators who game the reel evidence: reel-stuffers and reel farmers.

Both are mediocre in truth (graded low), and both pass moderation: their reels are real videos,
moderation approves content, not the honesty of tags and prompts.

- `reel_stuffer`: 8-15 approved reels, each tagged with EVERY style, prompts stuffed with the
  words brands use (every style's brief phrases, brand buzzwords, products), spread over the
  popular models and all four aspect ratios at 4k, so style, relevance, tools and format all
  saturate. True skill: one or two styles at 0.25-0.55, quality 0.25-0.6.
- `farmer`: 20-40 near-duplicate low-effort reels in one popular style: the same prompt (or a
  trivial variation), the same seed and thumbnail, the same model and aspect. True skill in that
  style 0.15-0.4, quality 0.2-0.5.

Drawn from their own random stream after the base world, so a world with and without
adversaries differs only by them (same creators, same briefs, same grades for the others).
"""

from __future__ import annotations

import random

from .specs import CreatorSpec, ReelSpec
from .vocab import ASPECTS, MODELS, NEIGHBOURS, PRODUCTS, STYLE_NAMES, STYLES, dims
from .voice import BRAND_BUZZWORDS, BRAND_VOICE

ADVERSARY_KINDS = {"stuffers": "reel_stuffer", "farmers": "farmer"}
DEFAULT_SHARE = 0.08  # of the final pool, each
POPULAR_STYLES = ["food", "fashion", "product-demo", "cinematic", "beauty", "travel"]
POPULAR_MODELS = ["kling-2.1-pro", "veo-3", "sora-2", "runway-gen4", "hailuo-02", "kling-2.1-std"]


def _stuffed_prompt(rng: random.Random, style: str) -> str:
    words = [rng.choice(STYLES[style]["subjects"])]
    for s in rng.sample(STYLE_NAMES, k=rng.randint(8, 14)):
        words.append(rng.choice(STYLES[s]["brief"]))
        words.append(rng.choice(BRAND_VOICE[s]))
        words.append(rng.choice(STYLES[s]["details"]))
    words += rng.sample(BRAND_BUZZWORDS, k=8)
    words += [rng.choice(v) for v in PRODUCTS.values()]
    return ", ".join(words)[:3900]


def reel_stuffer_reels(rng: random.Random, c: CreatorSpec, last: int) -> list[ReelSpec]:
    reels = []
    all_tags = list(STYLE_NAMES)
    for j in range(rng.randint(8, 15)):
        style = rng.choice(list(c.skills))
        model = POPULAR_MODELS[j % len(POPULAR_MODELS)]
        aspect = ASPECTS[j % len(ASPECTS)]
        width, height = dims(aspect, "4k")
        title = f"{rng.choice(STYLES[style]['titles'])} — any style, any brand"
        reels.append(
            ReelSpec(
                title=title,
                description="Versatile creator: "
                + ", ".join(rng.sample(BRAND_BUZZWORDS, k=5))
                + ". "
                + rng.choice(BRAND_VOICE[rng.choice(STYLE_NAMES)]),
                tags=rng.sample(all_tags, k=len(all_tags)),
                prompt=_stuffed_prompt(rng, style),
                provider=MODELS[model],
                model=model,
                width=width,
                height=height,
                fps=30,
                duration_s=rng.randint(5, 15),
                days_ago=last + j * rng.randint(1, 6),
                moderation="approved",
                style=style,
            )
        )
    return reels


def farmer_reels(rng: random.Random, c: CreatorSpec, last: int) -> list[ReelSpec]:
    style = next(iter(c.skills))
    model = next(iter(c.models))
    aspect = next(iter(sorted(c.aspects)))
    width, height = dims(aspect, c.max_res)
    v = STYLES[style]
    base = f"{rng.choice(v['subjects'])}, {', '.join(rng.sample(v['details'], k=2))}"
    seed = rng.randint(1, 2**31)
    thumb = f"https://cdn.mq.bench/farm/{c.handle}.jpg"
    title = rng.choice(v["titles"])
    reels = []
    for j in range(rng.randint(20, 40)):
        prompt = base if rng.random() < 0.5 else f"{base}, {rng.choice(['v2', 'hd', 'loop'])}"
        reels.append(
            ReelSpec(
                title=f"{title} #{j + 1}",
                description="",
                tags=[style] + ([rng.choice(NEIGHBOURS[style])] if rng.random() < 0.3 else []),
                prompt=prompt,
                provider=MODELS[model],
                model=model,
                width=width,
                height=height,
                fps=24,
                duration_s=rng.choice([5, 5, 6]),
                days_ago=last + j // 3,
                moderation="approved",
                style=style,
                video_seed=seed,
                thumbnail=thumb,
            )
        )
    return reels


def adversary_truth(rng: random.Random, c: CreatorSpec) -> None:
    """Overwrite a drawn creator's truth with an adversary's (mediocre or low)."""
    if c.kind == "reel_stuffer":
        styles = rng.sample(STYLE_NAMES, k=rng.randint(1, 2))
        c.skills = {s: rng.uniform(0.25, 0.55) for s in styles}
        c.models = {m: rng.uniform(0.3, 0.6) for m in rng.sample(POPULAR_MODELS, k=2)}
        c.quality = rng.uniform(0.25, 0.6)
    else:
        c.skills = {rng.choice(POPULAR_STYLES): rng.uniform(0.15, 0.4)}
        c.models = {rng.choice(POPULAR_MODELS[:4]): rng.uniform(0.3, 0.5)}
        c.quality = rng.uniform(0.2, 0.5)
        c.aspects = {sorted(c.aspects)[0]}
    c.reliability = rng.uniform(0.4, 0.8)


def counts(n_base: int, kinds: list[str], share: float = DEFAULT_SHARE) -> dict[str, int]:
    """How many of each adversary kind so that each is `share` of the final pool."""
    if not kinds:
        return {}
    total = share * len(kinds)
    each = round(share * n_base / (1 - total))
    return {ADVERSARY_KINDS[k]: each for k in kinds}
