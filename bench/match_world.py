"""The labelled world of the matching-quality benchmark (`bench/match_quality.py`).

Pure Python, no Django: `build_world(seed)` returns creators with HIDDEN true skills, the
OBSERVABLE data drawn from that truth with noise (profile, rate card, reels with prompts and
provenance, track record), ~30 briefs written the way brands write them, and `grade(brief,
creator)` — graded relevance 0..3 computed from the hidden truth only, never from what is
observable.

Truth of a creator: styles with a skill in 0..1, generation models with a proficiency in 0..1,
formats (aspect ratios they deliver and their maximum resolution), languages, a true price
(US cents per delivered second and per project), quality and reliability in 0..1.

Adversaries, each a `kind`:
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
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# The vocabulary --------------------------------------------------------------------------------

MODELS: dict[str, str] = {  # model → provider
    "kling-2.1-pro": "kling",
    "kling-2.1-std": "kling",
    "kling-2.0-master": "kling",
    "veo-3": "veo",
    "veo-2": "veo",
    "sora-2": "sora",
    "runway-gen4": "runway",
    "runway-gen3-alpha": "runway",
    "pika-2.2": "pika",
    "hailuo-02": "hailuo",
    "wan-2.2": "other",
    "seedance-1-pro": "other",
}
MODEL_POPULARITY = [20, 10, 4, 16, 5, 10, 9, 3, 5, 7, 3, 3]

ASPECTS = ["9:16", "16:9", "1:1", "4:5"]
RESOLUTIONS = ["720p", "1080p", "4k"]
SHORT_SIDE = {"720p": 720, "1080p": 1080, "4k": 2160}
LANGUAGES = ["en", "es", "fr", "de", "pt", "ja", "ko", "zh"]
LANGUAGE_WEIGHTS = [50, 12, 8, 7, 6, 7, 4, 6]
RARE_LANGUAGES = ["ja", "ko", "de", "pt"]

# Currencies: USD per major unit and minor-unit exponent, as in settings (frozen copy).
FX_TO_USD = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "JPY": 0.0067, "CNY": 0.14}
EXPONENT = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "CNY": 2}
RATE_CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CNY"]
RATE_CURRENCY_WEIGHTS = [50, 18, 10, 10, 12]

GENERIC_CAMERA = [
    "slow dolly-in",
    "handheld camera",
    "smooth gimbal tracking shot",
    "static tripod shot",
    "aerial drone shot",
    "orbiting camera",
    "rack focus",
    "whip pan",
]
GENERIC_LOOK = [
    "soft diffused light",
    "golden hour",
    "high detail",
    "shallow depth of field",
    "film grain",
    "vibrant colors",
    "moody contrast",
    "natural light",
]

# Per style: subjects, specific details, title words, and how a brand describes it.
STYLES: dict[str, dict[str, list[str]]] = {
    "anime": {
        "subjects": [
            "a schoolgirl running along a seaside railway",
            "a young swordsman under falling cherry blossoms",
            "a magical girl transforming in a burst of ribbons",
            "two friends on a rooftop at sunset",
            "a spirit fox in a shrine forest",
        ],
        "details": [
            "cel-shaded",
            "hand-drawn anime style",
            "sakura petals",
            "expressive big eyes",
            "speed lines",
            "studio ghibli inspired watercolor sky",
            "shonen action pose",
        ],
        "titles": ["Sakura Run", "Rooftop Promise", "Spirit Shrine", "Blade of Spring"],
        "brief": [
            "an anime-style opening with cel-shaded characters",
            "a hand-drawn anime look with expressive characters and sakura petals",
        ],
    },
    "cyberpunk": {
        "subjects": [
            "a hacker in a rain-soaked neon alley",
            "a hover car gliding between megatowers",
            "a street market under holographic signs",
            "a cyborg mercenary lighting a cigarette",
        ],
        "details": [
            "neon signs reflected in puddles",
            "holograms",
            "rain at night",
            "chrome implants",
            "blade runner atmosphere",
            "magenta and teal glow",
            "dystopian megacity",
        ],
        "titles": ["Neon Rain", "Night City Run", "Chrome Heart", "Hologram Market"],
        "brief": [
            "a cyberpunk city at night with neon and rain",
            "a futuristic neon-lit megacity, holograms everywhere",
        ],
    },
    "product-demo": {
        "subjects": [
            "wireless earbuds rotating on a turntable",
            "a smartwatch showing its health features",
            "a blender crushing ice",
            "a robot vacuum navigating a living room",
            "a phone unboxing on a clean desk",
        ],
        "details": [
            "product turntable",
            "feature callouts",
            "clean white background",
            "exploded view of components",
            "unboxing",
            "close-up of buttons and ports",
            "studio product lighting",
        ],
        "titles": ["Unboxing", "Feature Tour", "Product Spin", "How It Works"],
        "brief": [
            "a product demo that shows the features clearly on a clean background",
            "a crisp product showcase with turntable shots and feature callouts",
        ],
    },
    "fashion": {
        "subjects": [
            "a model walking a runway in a flowing silk dress",
            "streetwear lookbook on a city crosswalk",
            "a close-up of a leather handbag",
            "a denim jacket fluttering in the wind",
        ],
        "details": [
            "runway walk",
            "lookbook",
            "editorial fashion",
            "fabric texture",
            "vogue style",
            "outfit transition",
            "couture",
        ],
        "titles": ["Lookbook", "Runway", "Silk and Steel", "Street Edit"],
        "brief": [
            "an editorial fashion film for our new collection, runway and lookbook energy",
            "outfit transitions and fabric close-ups for a clothing line",
        ],
    },
    "food": {
        "subjects": [
            "slow-motion pour of syrup over pancakes",
            "a chef plating a steak in a busy kitchen",
            "espresso with crema pouring into a cup",
            "a croissant being torn open",
            "sizzling noodles in a wok",
        ],
        "details": [
            "macro",
            "steam rising",
            "warm light",
            "sizzling",
            "appetizing food styling",
            "ingredients falling in slow motion",
            "crispy golden texture",
        ],
        "titles": ["Pancake Morning", "Espresso Pour", "Wok Fire", "Fresh Croissant"],
        "brief": [
            "mouth-watering food shots: slow-motion pours, steam, macro close-ups",
            "appetizing food videos for a restaurant menu, sizzling and warm",
        ],
    },
    "cinematic": {
        "subjects": [
            "a lone rider crossing a desert",
            "a lighthouse keeper in a storm",
            "a detective walking through fog",
            "a violinist on a cliff at dawn",
        ],
        "details": [
            "anamorphic lens flare",
            "epic wide shot",
            "dramatic score",
            "teal and orange grade",
            "hollywood trailer",
            "cinemascope framing",
            "volumetric light",
        ],
        "titles": ["The Crossing", "Storm Watch", "Last Light", "Fog Line"],
        "brief": [
            "a cinematic trailer feel, epic wide shots and anamorphic flares",
            "hollywood-grade cinematic storytelling with dramatic lighting",
        ],
    },
    "3d-cartoon": {
        "subjects": [
            "a chubby dragon learning to fly",
            "a talking toaster in a kitchen",
            "a squirrel family having a picnic",
            "a little robot collecting stars",
        ],
        "details": [
            "pixar style",
            "3d animated",
            "cute characters",
            "squash and stretch",
            "bright playful colors",
            "rendered in 3d",
            "cartoon",
        ],
        "titles": ["Little Dragon", "Toaster Tales", "Star Collector", "Picnic Day"],
        "brief": [
            "a cute pixar-style 3d cartoon mascot",
            "a playful 3d animated character with bright colors",
        ],
    },
    "documentary": {
        "subjects": [
            "a fisherman mending nets at dawn",
            "an old craftsman in his workshop",
            "a farmer talking about the harvest",
            "volunteers rebuilding a village school",
        ],
        "details": [
            "interview",
            "observational",
            "archival footage look",
            "real people",
            "voice-over narration",
            "authentic",
            "b-roll",
        ],
        "titles": ["The Net Mender", "Hands of Craft", "Harvest Stories", "Rebuild"],
        "brief": [
            "an authentic documentary style with interviews and b-roll",
            "a short documentary portrait of real people, observational",
        ],
    },
    "horror": {
        "subjects": [
            "a flickering corridor in an abandoned hospital",
            "a doll turning its head in an attic",
            "a figure at the end of a foggy forest path",
            "a ghost in a mirror",
        ],
        "details": [
            "creepy",
            "jump scare",
            "eerie silence",
            "dark shadows",
            "found footage",
            "unsettling atmosphere",
            "blood moon",
        ],
        "titles": ["Ward 13", "The Attic", "Do Not Look", "Mirror Mirror"],
        "brief": [
            "a creepy horror teaser with dark shadows and a jump scare",
            "an unsettling horror atmosphere for a game trailer",
        ],
    },
    "travel": {
        "subjects": [
            "a backpacker overlooking a mountain lake",
            "a gondola gliding through venice canals",
            "a road trip along a coastal highway",
            "lanterns over a night market in bangkok",
        ],
        "details": [
            "wanderlust",
            "destination",
            "hotel and resort",
            "scenic landscape",
            "adventure",
            "beach and turquoise water",
            "hyperlapse",
        ],
        "titles": ["Coastal Drive", "Venice Morning", "Lake Escape", "Night Market"],
        "brief": [
            "a travel video that makes people book: scenic destinations and adventure",
            "wanderlust travel content for a resort, beaches and landscapes",
        ],
    },
    "music-video": {
        "subjects": [
            "a singer in a rotating room of mirrors",
            "a dancer in strobe light",
            "a band performing on a rooftop",
            "a rapper in a neon-lit car",
        ],
        "details": [
            "beat-synced cuts",
            "performance shot",
            "lyric visuals",
            "strobe lighting",
            "choreography",
            "album art aesthetic",
            "dance",
        ],
        "titles": ["Mirrors", "Strobe", "Rooftop Session", "Night Drive"],
        "brief": [
            "a music video with performance shots and beat-synced cuts",
            "visuals for a single: choreography, strobe and lyric moments",
        ],
    },
    "explainer": {
        "subjects": [
            "how a bank transfer travels the world",
            "the steps of onboarding to an app",
            "how solar panels make electricity",
            "why sleep matters, in three steps",
        ],
        "details": [
            "motion graphics",
            "infographic",
            "step by step",
            "icons and arrows",
            "clear voice-over",
            "flat illustration",
            "diagram",
        ],
        "titles": ["How It Works", "Three Steps", "Explained", "In 60 Seconds"],
        "brief": [
            "an explainer with motion graphics that walks through the steps",
            "a clear step by step explainer with infographic and diagram visuals",
        ],
    },
    "nature": {
        "subjects": [
            "a humpback whale breaching",
            "a misty rainforest canopy",
            "a fox in fresh snow",
            "wildflowers in a mountain meadow",
        ],
        "details": [
            "wildlife",
            "national geographic look",
            "macro insects",
            "timelapse of clouds",
            "untouched wilderness",
            "birds in flight",
            "forest",
        ],
        "titles": ["Wild Coast", "Canopy", "Snow Fox", "Meadow"],
        "brief": [
            "nature and wildlife footage, national geographic quality",
            "untouched wilderness, forests and animals for an eco brand",
        ],
    },
    "sports": {
        "subjects": [
            "a sprinter exploding out of the blocks",
            "a basketball dunk in slow motion",
            "a surfer inside a barrel wave",
            "a boxer training at dawn",
        ],
        "details": [
            "athlete",
            "sweat and grit",
            "high energy",
            "stadium lights",
            "training montage",
            "slow-motion impact",
            "performance gear",
        ],
        "titles": ["Dawn Training", "Dunk", "Barrel", "Off the Blocks"],
        "brief": [
            "a high energy sports ad: athletes, sweat, slow-motion impact",
            "a training montage for performance gear with stadium lights",
        ],
    },
    "real-estate": {
        "subjects": [
            "a walkthrough of a modern villa",
            "a sunlit loft apartment",
            "a lakeside cabin interior",
            "a penthouse terrace at dusk",
        ],
        "details": [
            "property tour",
            "interior design",
            "architecture",
            "wide angle rooms",
            "listing video",
            "floor plan",
            "luxury home",
        ],
        "titles": ["Villa Tour", "Loft Living", "Lake House", "Penthouse"],
        "brief": [
            "property tour videos for listings, wide angle interiors",
            "a luxury home walkthrough showing the architecture and interior design",
        ],
    },
    "beauty": {
        "subjects": [
            "a lipstick swatch on skin",
            "serum drops falling onto a glowing face",
            "a skincare routine in a marble bathroom",
            "a perfume bottle in swirling mist",
        ],
        "details": [
            "skincare",
            "makeup",
            "glowing skin",
            "cosmetics",
            "texture swatch",
            "dewy",
            "beauty close-up",
        ],
        "titles": ["Glow Routine", "Swatch", "Morning Serum", "Mist"],
        "brief": [
            "a skincare ad with glowing skin, texture swatches and dewy close-ups",
            "beauty and makeup content for a cosmetics launch",
        ],
    },
    "automotive": {
        "subjects": [
            "a sports car drifting on a mountain road",
            "an electric suv charging at night",
            "a classic car cruising a coastal road",
            "a pickup truck splashing through mud",
        ],
        "details": [
            "car commercial",
            "tire smoke",
            "glossy paint reflections",
            "tracking shot from a chase car",
            "engine roar",
            "dashboard close-up",
            "drift",
        ],
        "titles": ["Mountain Drift", "Charge", "Coastal Cruise", "Mud Run"],
        "brief": [
            "a car commercial with tracking shots and glossy reflections",
            "an automotive spot for our new electric suv, driving shots",
        ],
    },
    "fantasy": {
        "subjects": [
            "a dragon circling a castle",
            "an elven archer in an enchanted forest",
            "a wizard casting a storm spell",
            "a floating island with waterfalls",
        ],
        "details": [
            "epic fantasy",
            "magic spell effects",
            "medieval castle",
            "enchanted forest",
            "mythical creatures",
            "glowing runes",
            "sword and sorcery",
        ],
        "titles": ["Dragonfall", "Enchanted", "Storm Spell", "Sky Isles"],
        "brief": [
            "an epic fantasy world with dragons, castles and magic",
            "a trailer for a fantasy game: mythical creatures and spell effects",
        ],
    },
    "sci-fi": {
        "subjects": [
            "a spaceship docking at an orbital station",
            "an astronaut walking on a red planet",
            "a wormhole opening near saturn",
            "a robot waking up in a lab",
        ],
        "details": [
            "space",
            "futuristic spacecraft",
            "zero gravity",
            "alien planet",
            "starfield",
            "hard sci-fi",
            "interstellar",
        ],
        "titles": ["Docking", "Red Dust", "Wormhole", "Awake"],
        "brief": [
            "a sci-fi space scene with spacecraft and alien planets",
            "an interstellar sci-fi teaser, zero gravity and starfields",
        ],
    },
    "kids": {
        "subjects": [
            "alphabet animals dancing",
            "a bedtime story about a sleepy moon",
            "a counting song with colorful blocks",
            "a dinosaur learning to share",
        ],
        "details": [
            "educational",
            "nursery rhyme",
            "toddler friendly",
            "colorful",
            "sing-along",
            "preschool",
            "gentle",
        ],
        "titles": ["ABC Animals", "Sleepy Moon", "Count Along", "Sharing Dino"],
        "brief": [
            "educational content for preschoolers, a colorful sing-along",
            "a gentle nursery rhyme video for toddlers",
        ],
    },
}
STYLE_NAMES = list(STYLES)
# Adjacent styles: what an honest creator sometimes also tags, and pairs a brief may combine.
NEIGHBOURS = {
    "anime": ["3d-cartoon", "fantasy"],
    "cyberpunk": ["sci-fi", "music-video"],
    "product-demo": ["explainer", "beauty"],
    "fashion": ["beauty", "music-video"],
    "food": ["product-demo", "travel"],
    "cinematic": ["documentary", "travel"],
    "3d-cartoon": ["kids", "anime"],
    "documentary": ["cinematic", "nature"],
    "horror": ["cinematic", "fantasy"],
    "travel": ["nature", "cinematic"],
    "music-video": ["fashion", "cyberpunk"],
    "explainer": ["product-demo", "kids"],
    "nature": ["travel", "documentary"],
    "sports": ["cinematic", "automotive"],
    "real-estate": ["travel", "cinematic"],
    "beauty": ["fashion", "product-demo"],
    "automotive": ["cinematic", "sports"],
    "fantasy": ["sci-fi", "anime"],
    "sci-fi": ["cyberpunk", "fantasy"],
    "kids": ["3d-cartoon", "explainer"],
}

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)  # the world's "today" (dates are shifted on load)


# Truth and observations ------------------------------------------------------------------------


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


@dataclass
class BriefSpec:
    index: int
    brand: int
    # hidden truth: what the brand really wants
    styles: dict[str, float]  # style → weight (sums to 1)
    # the brief as written (the API payload, dates added on load)
    payload: dict[str, Any]
    budget_max_usd_cents: float = 0.0

    @property
    def deliverables(self) -> list[dict[str, Any]]:
        return self.payload["deliverables"]


@dataclass
class World:
    seed: int
    creators: list[CreatorSpec]
    briefs: list[BriefSpec]
    brands: list[str]


def usd_cents(amount_minor: int, currency: str) -> float:
    return amount_minor / 10 ** EXPONENT[currency] * FX_TO_USD[currency] * 100


def minor_from_usd_cents(cents: float, currency: str) -> int:
    return max(1, round(cents / 100 / FX_TO_USD[currency] * 10 ** EXPONENT[currency]))


def dims(aspect: str, resolution: str) -> tuple[int, int]:
    s = SHORT_SIDE[resolution]
    long = {"9:16": s * 16 // 9, "16:9": s * 16 // 9, "1:1": s, "4:5": s * 5 // 4}[aspect]
    return (s, long) if aspect in {"9:16", "4:5"} else (long, s) if aspect == "16:9" else (s, s)


# Text ------------------------------------------------------------------------------------------


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


BRAND_NAMES = [
    "Maple & Oat",
    "Voltline Motors",
    "Lumen Skin",
    "Quanta Bank",
    "Pixel Forge Games",
    "Wander Resorts",
    "Stride Athletics",
    "Nook Realty",
]

PRODUCTS = {
    "food": ["our pancake mix", "a new oat-milk latte", "a ramen chain's menu", "a bakery"],
    "product-demo": ["wireless earbuds", "a smart thermostat", "a robot vacuum", "our new phone"],
    "fashion": ["our autumn collection", "a sneaker drop", "a denim line"],
    "beauty": ["a vitamin c serum", "a lipstick range", "a fragrance launch"],
    "automotive": ["our electric suv", "a sports coupe", "a tyre brand"],
    "explainer": ["our banking app", "a payroll product", "a solar subscription"],
    "travel": ["a beach resort", "a city break package", "an airline route"],
    "sports": ["running shoes", "a gym chain", "an energy drink"],
    "real-estate": ["a new development", "luxury listings", "a rental platform"],
    "kids": ["a learning app", "a toy line", "a children's channel"],
}


def brief_text(
    rng: random.Random, styles: list[str], deliverables: list[dict[str, Any]], brand: str
) -> tuple[str, str]:
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


# Generation ------------------------------------------------------------------------------------


def _weighted_model(rng: random.Random, exclude: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    names = [m for m in MODELS if m not in exclude]
    weights = [w for m, w in zip(MODELS, MODEL_POPULARITY, strict=True) if m not in exclude]
    return rng.choices(names, weights)[0]


def _languages(rng: random.Random) -> list[str]:
    first = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
    out = [first]
    if first != "en" and rng.random() < 0.7:
        out.append("en")
    elif rng.random() < 0.35:
        out.append(rng.choice(LANGUAGES[1:]))
    return list(dict.fromkeys(out))


def _make_truth(rng: random.Random, index: int, kind: str) -> CreatorSpec:
    skills: dict[str, float] = {}
    if kind == "specialist":
        skills[rng.choice(STYLE_NAMES)] = rng.uniform(0.8, 1.0)
        if rng.random() < 0.3:
            s = rng.choice(STYLE_NAMES)
            skills.setdefault(s, rng.uniform(0.3, 0.6))
    elif kind == "stuffer":
        for s in rng.sample(STYLE_NAMES, k=rng.randint(1, 2)):
            skills[s] = rng.uniform(0.25, 0.6)
    elif kind == "newcomer":
        main = rng.choice(STYLE_NAMES)
        skills[main] = rng.uniform(0.8, 1.0)
        if rng.random() < 0.5:
            skills.setdefault(rng.choice(NEIGHBOURS[main]), rng.uniform(0.5, 0.8))
    elif kind == "lingo":
        # weak in one or two styles; shares a rare language with some briefs, nothing else
        for s in rng.sample(STYLE_NAMES, k=rng.randint(1, 2)):
            skills[s] = rng.uniform(0.2, 0.5)
    else:  # normal, dabbler
        main = rng.choice(STYLE_NAMES)
        skills[main] = rng.uniform(0.45, 0.95)
        for _ in range(rng.choice([0, 1, 1, 2, 2])):
            other = rng.choice(NEIGHBOURS[main] + STYLE_NAMES)
            skills.setdefault(other, rng.uniform(0.3, 0.8))
    models: dict[str, float] = {}
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        models.setdefault(_weighted_model(rng), rng.uniform(0.4, 1.0))
    aspects = {rng.choices(ASPECTS, [40, 35, 15, 10])[0]}
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        aspects.add(rng.choices(ASPECTS, [35, 35, 15, 15])[0])
    max_res = rng.choices(RESOLUTIONS, [20, 55, 25])[0]
    languages = _languages(rng)
    if kind == "lingo":
        languages = [rng.choice(RARE_LANGUAGES)] + (["en"] if rng.random() < 0.3 else [])
    quality = rng.betavariate(4, 2.5)
    reliability = rng.betavariate(5, 1.8)
    if kind == "newcomer":
        quality = rng.uniform(0.75, 0.98)
        reliability = rng.uniform(0.75, 0.98)
    if kind in {"stuffer", "lingo"}:
        quality = rng.uniform(0.25, 0.65)
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


def _observe(rng: random.Random, c: CreatorSpec) -> None:
    """Draw the observable profile, reels and track record from the truth."""
    styles = list(c.skills)
    # activity: most creators are active; reels spread backwards from their last activity
    recent = rng.random() < (0.9 if c.kind == "newcomer" else 0.65)
    last = rng.randint(0, 25) if recent else rng.randint(35, 300)
    span = 20 if c.kind == "newcomer" else rng.randint(60, 700)

    def day() -> int:
        return last + int(rng.random() ** 1.5 * span)

    if c.kind == "specialist":
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
    if c.kind == "stuffer":
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
    # track record
    if c.kind != "newcomer":
        c.completed = int(rng.random() ** 1.7 * (4 + 30 * max(c.skills.values())))
        c.on_time = sum(rng.random() < c.reliability for _ in range(c.completed))
        c.review_count = sum(rng.random() < 0.75 for _ in range(c.completed))
        stars = [
            min(5, max(1, round(rng.gauss(2.2 + 3.0 * c.quality, 0.7))))
            for _ in range(c.review_count)
        ]
        c.rating_sum = sum(stars)
    c.last_active_days_ago = min(r.days_ago for r in c.reels)


KINDS = (
    ["stuffer"] * 60
    + ["specialist"] * 60
    + ["newcomer"] * 30
    + ["dabbler"] * 40
    + ["lingo"] * 30
    + ["normal"] * 180
)


def _make_brief(rng: random.Random, index: int, creators: list[CreatorSpec]) -> BriefSpec:
    primary = STYLE_NAMES[index % len(STYLE_NAMES)] if index < 20 else rng.choice(STYLE_NAMES)
    styles = {primary: 1.0}
    if rng.random() < 0.35:
        second = rng.choice(NEIGHBOURS[primary])
        styles = {primary: 0.7, second: 0.3}
    n_items = rng.choice([1, 1, 1, 2])
    first_aspect = rng.choices(ASPECTS, [40, 30, 15, 15])[0]
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
    brand = index % len(BRAND_NAMES)
    title, description = brief_text(rng, list(styles), deliverables, BRAND_NAMES[brand])
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
    if rng.random() < 0.6:
        models = [_weighted_model(rng)]
        if rng.random() < 0.3:
            models.append(_weighted_model(rng, set(models)))
    languages: list[str] = []
    roll = rng.random()
    if roll < 0.35:
        languages = ["en"]
    elif roll < 0.5:
        languages = [rng.choice(RARE_LANGUAGES + ["es", "fr", "zh"])]
    currency = rng.choice(["USD", "USD", "EUR", "GBP", "JPY", "CNY"])
    total = sum(d["count"] * d["duration_s"] for d in deliverables)
    quotes = sorted(
        max(c.min_project_usd_cents, c.price_per_second_usd_cents * total) for c in creators
    )
    budget_max_usd = quotes[int(len(quotes) * rng.uniform(0.4, 0.9))]
    budget_max = minor_from_usd_cents(budget_max_usd, currency)
    budget_min = max(1, int(budget_max * rng.uniform(0.3, 0.7)))
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


def build_world(seed: int = 7, n_creators: int = 400, n_briefs: int = 30) -> World:
    rng = random.Random(seed)
    kinds = [KINDS[i % len(KINDS)] for i in range(len(KINDS))]
    rng.shuffle(kinds)
    kinds = (kinds * (n_creators // len(kinds) + 1))[:n_creators]
    creators = []
    for i, kind in enumerate(kinds):
        c = _make_truth(rng, i, kind)
        _observe(rng, c)
        creators.append(c)
    # tiers and suspensions (staff decisions, from the track record and the truth)
    for c in creators:
        if c.completed >= 8 and c.quality > 0.55 and rng.random() < 0.7:
            c.tier = "elite" if c.completed >= 22 and rng.random() < 0.4 else "partner"
        elif c.kind == "newcomer" and rng.random() < 0.2:
            c.tier = "partner"
    for c in rng.sample(creators, k=max(1, n_creators // 100)):
        c.suspended = True
    briefs = [_make_brief(rng, i, creators) for i in range(n_briefs)]
    return World(seed=seed, creators=creators, briefs=briefs, brands=BRAND_NAMES)


# Grading (hidden truth only) ------------------------------------------------------------------

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


def grade(brief: BriefSpec, c: CreatorSpec) -> int:
    """0 (useless) .. 3 (ideal), from the hidden truth only."""
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
    return g
