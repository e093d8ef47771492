"""Graded relevance 0..3 of a creator for a brief, from the hidden truth only.

Never from what is observable: the grades are the answer key the rankings are scored
against, so they must not share a ranking's blind spots (claimed tags, one lucky reel).
"""

from __future__ import annotations

from .specs import BriefSpec, CreatorSpec
from .vocab import MODELS, RESOLUTIONS

TIER_RANK = {"standard": 0, "partner": 1, "elite": 2}


def eligible(brief: BriefSpec, c: CreatorSpec) -> bool:
    return not c.suspended and TIER_RANK[c.tier] >= TIER_RANK[brief.payload["min_tier"]]


def fit(brief: BriefSpec, c: CreatorSpec) -> dict[str, float]:
    """The true fit of a creator for a brief, per aspect, each in 0..1."""
    style = sum(w * c.skills.get(s, 0.0) for s, w in brief.styles.items())
    models = brief.payload["preferred_models"]
    if models:
        per = []
        for m in models:
            p = c.models.get(m, 0.0)
            same_provider = [v for k, v in c.models.items() if MODELS[k] == MODELS[m]]
            per.append(max(p, 0.6 * max(same_provider, default=0.0), 0.25))
        model = sum(per) / len(per)
    else:
        model = 1.0
    fmt = []
    for d in brief.deliverables:
        if d["aspect_ratio"] not in c.aspects:
            fmt.append(0.0)
        elif RESOLUTIONS.index(c.max_res) >= RESOLUTIONS.index(d["resolution"]):
            fmt.append(1.0)
        else:
            fmt.append(0.5)
    formats = sum(fmt) / len(fmt)
    langs = brief.payload["languages"]
    language = 1.0 if not langs or set(langs) & set(c.languages) else 0.0
    total = sum(d["count"] * d["duration_s"] for d in brief.deliverables)
    quote = max(c.min_project_usd_cents, c.price_per_second_usd_cents * total)
    ratio = quote / brief.budget_max_usd_cents
    price = 1.0 if ratio <= 1.15 else 0.5 if ratio <= 1.6 else 0.0
    craft = 0.6 * c.quality + 0.4 * c.reliability
    return {
        "style": style,
        "model": model,
        "format": formats,
        "language": language,
        "price": price,
        "craft": craft,
    }


def utility(brief: BriefSpec, c: CreatorSpec) -> float:
    f = fit(brief, c)
    return (
        f["style"]
        * (0.55 + 0.45 * f["model"])
        * (0.6 + 0.4 * f["format"])
        * (0.35 + 0.65 * f["craft"])
    )


def grade(brief: BriefSpec, c: CreatorSpec, strict: bool = False) -> int:
    """0 (useless) .. 3 (ideal), from the hidden truth only.

    `strict` (the family's new settings): as a brand would judge, the main deliverable's format
    (the first) the creator cannot do, or named models they are all poor at, caps the grade at
    1; another deliverable's format they cannot do costs a grade; named models they have never
    worked with (nor the same provider's) cap it at 2.
    """
    f = fit(brief, c)
    if f["style"] < 0.3:
        return 0
    u = utility(brief, c)
    g = 3 if u >= 0.45 else 2 if u >= 0.28 else 1 if u >= 0.14 else 0
    if f["language"] == 0.0:
        g = min(g, 1)
    if f["price"] == 0.0:
        g = min(g, 1)
    elif f["price"] == 0.5:
        g = max(0, g - 1)
    if strict:
        missing = [d["aspect_ratio"] not in c.aspects for d in brief.deliverables]
        if missing[0]:
            g = min(g, 1)
        elif any(missing):
            g = max(0, g - 1)
        models = brief.payload["preferred_models"]
        if models and f["model"] < 0.3:
            poor = any(0 < c.models.get(m, 0.0) < 0.3 for m in models)
            g = min(g, 1 if poor else 2)
    return g
