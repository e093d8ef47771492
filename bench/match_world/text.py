"""The words of reels and briefs, written the way creators and brands write them.

A reel's prompt and description come from its TRUE style (even when its tags lie), and a
brief describes what the brand wants in its own words: text only partly shared with the
reels, so a ranking has to earn its matches.
"""

from __future__ import annotations

import random
from typing import Any

from .vocab import GENERIC_CAMERA, GENERIC_LOOK, PRODUCTS, STYLES
from .voice import BRAND_BUZZWORDS, BRAND_VOICE


def reel_text(rng: random.Random, style: str, *, plain: bool = False) -> tuple[str, str, str]:
    """Title, description and prompt of a reel showing `style`."""
    v = STYLES[style]
    subject = rng.choice(v["subjects"])
    details = rng.sample(v["details"], k=rng.randint(2, 3))
    camera, look = rng.choice(GENERIC_CAMERA), rng.choice(GENERIC_LOOK)
    prompt = f"{subject}, {', '.join(details)}, {camera}, {look}"
    if rng.random() < 0.3:
        prompt += f", {rng.choice(GENERIC_LOOK)}"
    title = rng.choice(v["titles"])
    if rng.random() < 0.5:
        title = f"{title} — {rng.choice(['test', 'short', 'spec ad', 'concept', 'loop', 'v2'])}"
    if plain:  # ordinary, barely described work
        return title, "", subject
    openers = [
        "A short piece:",
        "Spec work.",
        "Personal project,",
        "Made for a client:",
        "Experiment with",
        "",
    ]
    description = (
        f"{rng.choice(openers)} {subject}. {details[0].capitalize()} with {details[-1]}."
    ).strip()
    if rng.random() < 0.25:
        description = ""
    return title, description, prompt


def brief_text(
    rng: random.Random,
    styles: list[str],
    deliverables: list[dict[str, Any]],
    brand: str,
    *,
    voice: str = "reel",
) -> tuple[str, str]:
    """Title and description; `voice="brand"`: the brand's marketing words, few reel words."""
    if voice == "brand":
        return _brand_voice_text(rng, styles, deliverables, brand)
    primary = styles[0]
    thing = rng.choice(PRODUCTS.get(primary, ["our campaign", "a new launch", "our brand"]))
    n = sum(d["count"] for d in deliverables)
    shape = {"9:16": "vertical", "16:9": "widescreen", "1:1": "square", "4:5": "portrait"}[
        deliverables[0]["aspect_ratio"]
    ]
    titles = [
        f"{n} {shape} videos for {thing}",
        f"{brand}: {rng.choice(STYLES[primary]['titles'])} campaign",
        f"Looking for a creator for {thing}",
        f"AI video for {thing}",
    ]
    title = rng.choice(titles)
    v = STYLES[primary]
    parts = [
        f"We are {brand} and we need {rng.choice(v['brief'])} for {thing}.",
        f"Think {rng.choice(v['subjects'])}, {', '.join(rng.sample(v['details'], 2))}.",
    ]
    for extra in styles[1:]:
        parts.append(f"It should also feel like {rng.choice(STYLES[extra]['brief'])}.")
    parts.append(
        rng.choice(
            [
                "Tell us which model you would use and show similar work.",
                "Please share relevant reels with your bid.",
                "We care about consistency across the set.",
                "Usage: paid social for 12 months.",
            ]
        )
    )
    secs = ", ".join(
        f"{d['count']}× {d['duration_s']}s {d['aspect_ratio']} {d['resolution']}"
        for d in deliverables
    )
    parts.append(f"Deliverables: {secs}.")
    return title, " ".join(parts)


def _brand_voice_text(
    rng: random.Random, styles: list[str], deliverables: list[dict[str, Any]], brand: str
) -> tuple[str, str]:
    primary = styles[0]
    thing = rng.choice(PRODUCTS.get(primary, ["our campaign", "a new launch", "our brand"]))
    n = sum(d["count"] for d in deliverables)
    title = rng.choice(
        [
            f"{brand} x creators: {thing}",
            f"{n} social assets for {thing}",
            f"Campaign: {thing}",
            f"{brand} — {rng.choice(BRAND_BUZZWORDS)} content for {thing}",
        ]
    )
    parts = [
        f"At {brand} we are launching {thing}.",
        f"We want {rng.choice(BRAND_VOICE[primary])}.",
    ]
    for extra in styles[1:]:
        parts.append(f"A touch of {rng.choice(BRAND_VOICE[extra])}.")
    if rng.random() < 0.4:  # a few concrete words slip in
        parts.append(f"Maybe {rng.choice(STYLES[primary]['details'])}.")
    parts.append(
        f"It has to feel {', '.join(rng.sample(BRAND_BUZZWORDS, 3))} and true to our brand."
    )
    secs = ", ".join(
        f"{d['count']}× {d['duration_s']}s {d['aspect_ratio']} {d['resolution']}"
        for d in deliverables
    )
    parts.append(f"Deliverables: {secs}.")
    return title[:150], " ".join(parts)
