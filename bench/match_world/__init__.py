"""The labelled world of the matching-quality benchmark (`bench/match_quality.py`).

Pure Python, no Django: `build_world(seed)` returns creators with HIDDEN true skills, the
OBSERVABLE data drawn from that truth with noise (profile, rate card, reels with prompts and
provenance, track record), ~30 briefs written the way brands write them, and `grade(brief,
creator)` — graded relevance 0..3 computed from the hidden truth only, never from what is
observable.

Truth of a creator: styles with a skill in 0..1, generation models with a proficiency in 0..1,
formats (aspect ratios they deliver and their maximum resolution), languages, a true price
(US cents per delivered second and per project), quality and reliability in 0..1.

A family of settings (`family.py`: brand voice, language mix, newcomers, budgets, models a
creator is poor at, over-claimed languages, track-record depth, a strict answer key) with tune
and held-out seeds; the track record is drawn as jobs on past briefs (`history.py`) and loaded
as real contracts and reviews. Adversaries added on request (`adversaries.py`): reel-stuffers
(`reel_stuffer`) and reel farmers (`farmer`), each 8% of the final pool by default.

Adversaries of the base pool, each a `kind`:
- `stuffer` (15% of the pool): the profile claims almost every style tag; the reels show the
  creator's one or two ordinary true styles; a third of them also stuff extra tags on reels
  (their prompts still describe what they really made).
- `dabbler` ("one lucky reel"): a real specialist elsewhere plus exactly one reel (and a profile
  tag) in a style where their true skill is low — against `specialist`s with many reels.
- `newcomer`: strong true skills, a few great reels, no reviews, no contracts.
- `lingo`: speaks a language some briefs ask for (ja, ko, de, pt) and shares nothing else.
- `normal` and `specialist`: honest creators, more or less experienced.
Every creator may also have pending or rejected reels — often in styles they do not have —
which must not count for anything.

Callers import the package (`import match_world as mw`); inside, `vocab` (with the two
`styles_*` tables) holds the words, `specs` the dataclasses, `text` the writing, `generate` the
draws and `grading` the answer key.
"""

from .adversaries import ADVERSARY_KINDS, DEFAULT_SHARE
from .family import (
    HOLDOUT_ONLY,
    HOLDOUT_SEEDS,
    HOLDOUT_SETTINGS,
    SETTINGS,
    TUNE_SEEDS,
    WorldConfig,
)
from .generate import KINDS, build_world
from .grading import TIER_RANK, eligible, fit, grade, utility
from .history import PastJob
from .specs import BriefSpec, CreatorSpec, ReelSpec, World
from .text import brief_text, reel_text
from .vocab import (
    ASPECTS,
    BRAND_NAMES,
    EXPONENT,
    FX_TO_USD,
    GENERIC_CAMERA,
    GENERIC_LOOK,
    LANGUAGE_WEIGHTS,
    LANGUAGES,
    MODEL_POPULARITY,
    MODELS,
    NEIGHBOURS,
    NOW,
    PRODUCTS,
    RARE_LANGUAGES,
    RATE_CURRENCIES,
    RATE_CURRENCY_WEIGHTS,
    RESOLUTIONS,
    SHORT_SIDE,
    STYLE_NAMES,
    STYLES,
    dims,
    minor_from_usd_cents,
    usd_cents,
)

__all__ = [
    "ADVERSARY_KINDS",
    "DEFAULT_SHARE",
    "HOLDOUT_ONLY",
    "HOLDOUT_SEEDS",
    "HOLDOUT_SETTINGS",
    "SETTINGS",
    "TUNE_SEEDS",
    "PastJob",
    "WorldConfig",
    "ASPECTS",
    "BRAND_NAMES",
    "EXPONENT",
    "FX_TO_USD",
    "GENERIC_CAMERA",
    "GENERIC_LOOK",
    "KINDS",
    "LANGUAGE_WEIGHTS",
    "LANGUAGES",
    "MODEL_POPULARITY",
    "MODELS",
    "NEIGHBOURS",
    "NOW",
    "PRODUCTS",
    "RARE_LANGUAGES",
    "RATE_CURRENCIES",
    "RATE_CURRENCY_WEIGHTS",
    "RESOLUTIONS",
    "SHORT_SIDE",
    "STYLES",
    "STYLE_NAMES",
    "TIER_RANK",
    "BriefSpec",
    "CreatorSpec",
    "ReelSpec",
    "World",
    "brief_text",
    "build_world",
    "dims",
    "eligible",
    "fit",
    "grade",
    "minor_from_usd_cents",
    "reel_text",
    "usd_cents",
    "utility",
]
