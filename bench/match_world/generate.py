"""Drawing the world: hidden truth per creator, then observations from it, then briefs.

One `random.Random(seed)` feeds every draw in a fixed order, so a seed always gives the same
world; reordering any draw (or the vocabulary it draws from) changes every number after it.
"""

from __future__ import annotations

import math
import random
from typing import Any

from . import adversaries as adv
from .family import SETTINGS, WorldConfig
from .history import draw_history
from .specs import BriefSpec, CreatorSpec, ReelSpec, World
from .text import brief_text, reel_text
from .vocab import (
    ASPECTS,
    BRAND_NAMES,
    LANGUAGES,
    MODEL_POPULARITY,
    MODELS,
    NEIGHBOURS,
    RARE_LANGUAGES,
    RATE_CURRENCIES,
    RATE_CURRENCY_WEIGHTS,
    RESOLUTIONS,
    STYLE_NAMES,
    dims,
    minor_from_usd_cents,
    usd_cents,
)


def _weighted_model(rng: random.Random, exclude: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    names = [m for m in MODELS if m not in exclude]
    weights = [w for m, w in zip(MODELS, MODEL_POPULARITY, strict=True) if m not in exclude]
    return rng.choices(names, weights)[0]


def _languages(rng: random.Random, cfg: WorldConfig) -> list[str]:
    first = rng.choices(LANGUAGES, cfg.language_weights)[0]
    out = [first]
    if first != "en" and rng.random() < 0.7:
        out.append("en")
    elif rng.random() < cfg.second_language:
        out.append(rng.choice(LANGUAGES[1:]))
    return list(dict.fromkeys(out))


def _main_style(rng: random.Random, cfg: WorldConfig) -> str:
    """A creator's main style or a brief's primary one: uniform over the styles, or, with the
    setting's `style_skew`, by popularity (weight 1 / rank^skew in `STYLE_NAMES` order), the
    same for supply and demand."""
    if not cfg.style_skew:
        return rng.choice(STYLE_NAMES)
    weights = [1.0 / (rank + 1) ** cfg.style_skew for rank in range(len(STYLE_NAMES))]
    return rng.choices(STYLE_NAMES, weights)[0]


def _skills(rng: random.Random, kind: str, cfg: WorldConfig) -> dict[str, float]:
    """A creator's hidden skill per style, by kind."""
    skills: dict[str, float] = {}
    if kind == "specialist":
        skills[_main_style(rng, cfg)] = rng.uniform(0.8, 1.0)
        if rng.random() < 0.3:
            s = rng.choice(STYLE_NAMES)
            skills.setdefault(s, rng.uniform(0.3, 0.6))
    elif kind == "stuffer":
        for s in rng.sample(STYLE_NAMES, k=rng.randint(1, 2)):
            skills[s] = rng.uniform(0.25, 0.6)
    elif kind == "newcomer":
        main = _main_style(rng, cfg)
        skills[main] = rng.uniform(0.8, 1.0)
        if rng.random() < 0.5:
            skills.setdefault(rng.choice(NEIGHBOURS[main]), rng.uniform(0.5, 0.8))
    elif kind == "lingo":
        # weak in one or two styles; shares a rare language with some briefs, nothing else
        for s in rng.sample(STYLE_NAMES, k=rng.randint(1, 2)):
            skills[s] = rng.uniform(0.2, 0.5)
    else:  # normal, dabbler
        main = _main_style(rng, cfg)
        skills[main] = rng.uniform(0.45, 0.95)
        for _ in range(rng.choice([0, 1, 1, 2, 2])):
            other = rng.choice(NEIGHBOURS[main] + STYLE_NAMES)
            skills.setdefault(other, rng.uniform(0.3, 0.8))
    return skills


def _make_truth(rng: random.Random, index: int, kind: str, cfg: WorldConfig) -> CreatorSpec:
    skills = _skills(rng, kind, cfg)
    models: dict[str, float] = {}
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        models.setdefault(_weighted_model(rng), rng.uniform(0.4, 1.0))
    aspects = {rng.choices(ASPECTS, [40, 35, 15, 10])[0]}
    for _ in range(rng.choice(cfg.aspect_breadth)):
        aspects.add(rng.choices(ASPECTS, [35, 35, 15, 15])[0])
    max_res = rng.choices(RESOLUTIONS, [20, 55, 25])[0]
    languages = _languages(rng, cfg)
    if kind == "lingo":
        languages = [rng.choice(RARE_LANGUAGES)] + (["en"] if rng.random() < 0.3 else [])
    quality = rng.betavariate(4, 2.5)
    reliability = rng.betavariate(5, 1.8)
    if kind == "newcomer":
        quality = rng.uniform(0.75, 0.98)
        reliability = rng.uniform(0.75, 0.98)
    if kind in {"stuffer", "lingo"}:
        quality = rng.uniform(0.25, 0.65)
    if cfg.poor_model_share and rng.random() < cfg.poor_model_share:
        # a model they post with now and then but handle poorly (a brief naming it is a trap)
        poor = _weighted_model(rng, set(models))
        models[poor] = rng.uniform(0.05, 0.25)
    # price: a log-normal per-second rate around $3/s, scaled up with quality
    per_second = math.exp(rng.gauss(math.log(300), 0.5)) * (0.6 + 0.8 * quality)
    min_project = per_second * rng.choice([10, 20, 30, 45])
    return CreatorSpec(
        index=index,
        handle=f"mq-{index:03d}",  # neutral: the kind is hidden
        kind=kind,
        skills=skills,
        models=models,
        aspects=aspects,
        max_res=max_res,
        languages=languages,
        price_per_second_usd_cents=round(per_second),
        min_project_usd_cents=round(min_project),
        quality=quality,
        reliability=reliability,
    )


def _reel(
    rng: random.Random,
    c: CreatorSpec,
    style: str,
    *,
    moderation: str,
    days_ago: int,
    model: str | None = None,
    plain: bool = False,
) -> ReelSpec:
    if model is None:
        if rng.random() < 0.1:
            model = _weighted_model(rng)
        else:
            names = list(c.models)
            model = rng.choices(names, [c.models[m] for m in names])[0]
    aspect = rng.choice(sorted(c.aspects))
    top = RESOLUTIONS.index(c.max_res)
    res = RESOLUTIONS[max(0, top - (1 if rng.random() < 0.3 else 0))]
    width, height = dims(aspect, res)
    title, description, prompt = reel_text(rng, style, plain=plain)
    roll = rng.random()
    if roll < 0.12:
        tags: list[str] = []
    else:
        tags = [style]
        if roll > 0.8:
            tags.append(rng.choice(NEIGHBOURS[style]))
        if rng.random() < 0.2:
            tags.append(rng.choice(["ai-video", "short", "loop", "spec", "4k", "reel"]))
    return ReelSpec(
        title=title,
        description=description,
        tags=tags,
        prompt=prompt,
        provider=MODELS[model],
        model=model,
        width=width,
        height=height,
        fps=rng.choice([24, 24, 25, 30, 30, 60]),
        duration_s=rng.randint(4, 20),
        days_ago=days_ago,
        moderation=moderation,
        style=style,
    )


def _observe(rng: random.Random, c: CreatorSpec, cfg: WorldConfig) -> None:
    """Draw the observable profile and reels from the truth (the track record: `history`)."""
    styles = list(c.skills)
    # activity: most creators are active; reels spread backwards from their last activity
    recent = rng.random() < (0.9 if c.kind == "newcomer" else 0.65)
    last = rng.randint(0, 25) if recent else rng.randint(35, 300)
    span = 20 if c.kind == "newcomer" else rng.randint(60, 700)

    def day() -> int:
        return last + int(rng.random() ** 1.5 * span)

    if c.kind in {"reel_stuffer", "farmer"}:
        n = 0
        make = adv.reel_stuffer_reels if c.kind == "reel_stuffer" else adv.farmer_reels
        c.reels.extend(make(rng, c, last))
    elif c.kind == "specialist":
        n = rng.randint(7, 14)
    elif c.kind == "newcomer":
        n = rng.randint(3, 5)
    elif c.kind == "stuffer":
        n = rng.randint(2, 7)
    elif c.kind == "lingo":
        n = rng.randint(1, 4)
    else:
        n = max(1, round(rng.gauss(2 + 7 * max(c.skills.values()), 2)))
    weights = [c.skills[s] ** 2 for s in styles]
    days = sorted(day() for _ in range(n))
    if days:
        days[0] = last
    for d in days:
        style = rng.choices(styles, weights)[0]
        if rng.random() < 0.06:  # an occasional off-style experiment
            style = rng.choice(STYLE_NAMES)
        plain = c.kind == "stuffer" and rng.random() < 0.4
        c.reels.append(_reel(rng, c, style, moderation="approved", days_ago=d, plain=plain))
    if c.kind == "dabbler":
        lucky = rng.choice([s for s in STYLE_NAMES if s not in c.skills])
        c.skills[lucky] = rng.uniform(0.1, 0.25)  # one lucky reel, little real skill
        c.reels.append(_reel(rng, c, lucky, moderation="approved", days_ago=day()))
    if c.kind == "stuffer" and rng.random() < 0.35:
        # some stuffers stuff reel tags too; the reels' words still show what they made
        for r in c.reels:
            r.tags = list(dict.fromkeys(r.tags + rng.sample(STYLE_NAMES, k=rng.randint(2, 4))))
    # pending and rejected reels, often in styles the creator does not have: they must not count
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        style = rng.choice(STYLE_NAMES)
        c.reels.append(
            _reel(
                rng,
                c,
                style,
                moderation=rng.choice(["pending", "rejected"]),
                days_ago=rng.randint(0, 10),
                model=_weighted_model(rng),
            )
        )
    # profile
    if c.kind in {"stuffer", "reel_stuffer"}:
        c.profile_tags = rng.sample(STYLE_NAMES, k=rng.randint(14, 19))
    else:
        tags = [s for s in styles if rng.random() < 0.8]
        if rng.random() < 0.25:
            tags.append(rng.choice(NEIGHBOURS[styles[0]]))
        if rng.random() < 0.15:
            tags = []
        c.profile_tags = list(dict.fromkeys(tags))
    c.profile_languages = list(c.languages)
    if rng.random() < 0.1 and len(c.profile_languages) > 1:
        c.profile_languages = c.profile_languages[:1]
    if cfg.claim_noise and rng.random() < cfg.claim_noise:
        # claims a language they do not work in (often the one briefs ask for most)
        claimed = [x for x in ["en", "es", "de", "ja", "fr"] if x not in c.languages]
        if claimed:
            c.profile_languages.append(rng.choice(claimed))
    if rng.random() < 0.9:
        currency = rng.choices(RATE_CURRENCIES, RATE_CURRENCY_WEIGHTS)[0]
        noise = rng.uniform(0.92, 1.08)
        card: dict[str, Any] = {"rate_currency": currency}
        card["price_per_second"] = minor_from_usd_cents(
            c.price_per_second_usd_cents * noise, currency
        )
        if rng.random() < 0.8:
            card["min_price_per_project"] = minor_from_usd_cents(
                c.min_project_usd_cents * noise, currency
            )
        c.rate_card = card
    c.country = rng.choice(["US", "GB", "DE", "FR", "ES", "JP", "KR", "CN", "BR", "IN"])
    c.bio = f"AI video creator. {' / '.join(c.profile_tags[:3]) or 'Open to anything'}."
    c.last_active_days_ago = min(r.days_ago for r in c.reels)


KINDS = SETTINGS["home"].kinds(400)


def _brief_styles(rng: random.Random, index: int, cfg: WorldConfig) -> tuple[str, dict[str, float]]:
    """A brief's primary style and its hidden style weights (sometimes a neighbour too)."""
    if index < 20 and not cfg.style_skew:
        primary = STYLE_NAMES[index % len(STYLE_NAMES)]
    else:
        primary = _main_style(rng, cfg)
    styles = {primary: 1.0}
    if rng.random() < 0.35:
        second = rng.choice(NEIGHBOURS[primary])
        styles = {primary: 0.7, second: 0.3}
    return primary, styles


def _brief_deliverables(rng: random.Random, cfg: WorldConfig) -> list[dict[str, Any]]:
    n_items = rng.choice([1, 1, 1, 2])
    first_aspect = rng.choices(ASPECTS, cfg.brief_aspect_weights)[0]
    deliverables = []
    for i in range(n_items):
        deliverables.append(
            {
                "count": rng.choice([1, 2, 3, 4, 6]),
                "duration_s": rng.choice([6, 8, 10, 15, 20, 30, 45, 60]),
                "aspect_ratio": first_aspect if i == 0 else rng.choice(ASPECTS),
                "resolution": rng.choices(RESOLUTIONS, [15, 60, 25])[0],
            }
        )
    return deliverables


def _brief_fields(
    rng: random.Random, cfg: WorldConfig, primary: str, styles: dict[str, float]
) -> tuple[list[str], list[str], list[str]]:
    """What the brand fills in: tags (sometimes none), preferred models, languages."""
    roll = rng.random()
    if roll < 0.2:
        tags: list[str] = []
    elif roll < 0.4:
        tags = [primary]
    else:
        tags = list(styles)
        if rng.random() < 0.3:
            tags.append(rng.choice(["ai-video", "social", "ad", "campaign"]))
    models: list[str] = []
    if rng.random() < cfg.model_share:
        models = [_weighted_model(rng)]
        if rng.random() < 0.3:
            models.append(_weighted_model(rng, set(models)))
    languages: list[str] = []
    roll = rng.random()
    if roll < cfg.english_share:
        languages = ["en"]
    elif roll < cfg.english_share + cfg.foreign_share:
        languages = [rng.choice(RARE_LANGUAGES + ["es", "fr", "zh"])]
    return tags, models, languages


def _make_brief(
    rng: random.Random,
    index: int,
    creators: list[CreatorSpec],
    cfg: WorldConfig,
    brand: int | None = None,
) -> BriefSpec:
    primary, styles = _brief_styles(rng, index, cfg)
    deliverables = _brief_deliverables(rng, cfg)
    brand = index % len(BRAND_NAMES) if brand is None else brand
    voice = cfg.voice
    if voice == "mixed":
        voice = "brand" if rng.random() < 0.5 else "reel"
    title, description = brief_text(
        rng, list(styles), deliverables, BRAND_NAMES[brand], voice=voice
    )
    tags, models, languages = _brief_fields(rng, cfg, primary, styles)
    currency = rng.choice(["USD", "USD", "EUR", "GBP", "JPY", "CNY"])
    total = sum(d["count"] * d["duration_s"] for d in deliverables)
    quotes = sorted(
        max(c.min_project_usd_cents, c.price_per_second_usd_cents * total) for c in creators
    )
    budget_max_usd = quotes[int(len(quotes) * rng.uniform(*cfg.budget_quantiles))]
    budget_max = minor_from_usd_cents(budget_max_usd, currency)
    budget_min = max(1, int(budget_max * rng.uniform(0.3, 0.7)))
    if cfg.state_constraints:
        description = f"{description} {_constraints_text(models, languages, budget_max, currency)}"
    min_tier = "partner" if rng.random() < 0.07 else "standard"
    payload = {
        "title": title[:150],
        "description": description,
        "tags": tags,
        "preferred_models": models,
        "languages": languages,
        "deliverables": deliverables,
        "budget_min": budget_min,
        "budget_max": budget_max,
        "currency": currency,
        "min_tier": min_tier,
        "visibility": "public",
    }
    return BriefSpec(
        index=index,
        brand=brand,
        styles=styles,
        payload=payload,
        budget_max_usd_cents=usd_cents(budget_max, currency),
    )


LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "pt": "Portuguese",
    "ja": "Japanese",
    "ko": "Korean",
    "zh": "Mandarin",
}


def _constraints_text(
    models: list[str], languages: list[str], budget_max: int, currency: str
) -> str:
    """What a brand writes about its constraints (the same facts as the brief's fields)."""
    parts = []
    if languages:
        parts.append(
            f"Voice-over and on-screen text in {LANGUAGE_NAMES[languages[0]]}; "
            "you must work in that language."
        )
    if models:
        parts.append(f"We would like it made with {' or '.join(models)}.")
    major = budget_max / 10 ** (0 if currency == "JPY" else 2)
    parts.append(f"Budget up to {major:,.0f} {currency} all in.")
    return " ".join(parts)


def build_world(
    seed: int = 7,
    n_creators: int = 400,
    n_briefs: int = 30,
    setting: str | WorldConfig = "home",
    adversaries: tuple[str, ...] | list[str] = (),
    share: float = adv.DEFAULT_SHARE,
) -> World:
    """The world of `seed` under `setting`; `adversaries` (`stuffers`, `farmers`) are added on
    top of the same base world, each `share` of the final pool, from their own random stream."""
    cfg = SETTINGS[setting] if isinstance(setting, str) else setting
    rng = random.Random(seed)
    kinds = cfg.kinds(sum(n for _, n in cfg.kind_mix))
    rng.shuffle(kinds)
    kinds = (kinds * (n_creators // len(kinds) + 1))[:n_creators]
    creators = []
    for i, kind in enumerate(kinds):
        c = _make_truth(rng, i, kind, cfg)
        _observe(rng, c, cfg)
        creators.append(c)
    # tiers and suspensions (staff decisions, from the truth: a proven, good creator)
    hist_rng = random.Random(seed * 7919 + 1)
    jobs = {c.index: _job_count(hist_rng, c, cfg) for c in creators}
    for c in creators:
        if jobs[c.index] >= 6 and c.quality > 0.55 and rng.random() < 0.7:
            c.tier = "elite" if jobs[c.index] >= 14 and rng.random() < 0.4 else "partner"
        elif c.kind == "newcomer" and rng.random() < 0.2:
            c.tier = "partner"
    for c in rng.sample(creators, k=max(1, n_creators // 100)):
        c.suspended = True
    briefs = [_make_brief(rng, i, creators, cfg) for i in range(n_briefs)]
    # adversaries: their own stream, after the base world, so the base stays the same
    arng = random.Random(seed * 104729 + 3)
    for kind, count in adv.counts(n_creators, list(adversaries), share).items():
        for _ in range(count):
            c = _make_truth(arng, len(creators), "normal", cfg)
            c.kind = kind
            adv.adversary_truth(arng, c)
            _observe(arng, c, cfg)
            jobs[c.index] = _job_count(arng, c, cfg)
            creators.append(c)
    # the track record: past briefs of the same brands and the jobs done on them
    past = draw_history(
        random.Random(seed * 7919 + 2),
        creators,
        jobs,
        lambda r, i, brand: _make_brief(r, i, creators[:n_creators], cfg, brand=brand),
        n_brands=len(BRAND_NAMES),
    )
    return World(
        seed=seed,
        creators=creators,
        briefs=briefs,
        brands=BRAND_NAMES,
        setting=cfg.name,
        strict=cfg.strict,
        adversaries=tuple(adversaries),
        past_briefs=past,
    )


def _job_count(rng: random.Random, c: CreatorSpec, cfg: WorldConfig) -> int:
    """How many contracts the creator has completed: none for a newcomer, more for the skilled."""
    if c.kind == "newcomer":
        return 0
    return int(rng.random() ** 1.7 * (3 + 18 * max(c.skills.values())) * cfg.history_scale)
