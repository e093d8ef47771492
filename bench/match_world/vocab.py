"""The words and tables the world is drawn from, and the unit conversions that read them.

Frozen copies, not imports from the project: the world must stay the same when the
product's settings (models, currencies, FX rates) move, or the benchmark's numbers would
drift for reasons that have nothing to do with matching.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .styles_commercial import COMMERCIAL_STYLES
from .styles_story import STORY_STYLES

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

# Per style: subjects, specific details, title words, and how a brand describes it. The order
# is part of the seed: the generator draws styles by position (`rng.choice(STYLE_NAMES)`).
STYLE_ORDER = (
    "anime",
    "cyberpunk",
    "product-demo",
    "fashion",
    "food",
    "cinematic",
    "3d-cartoon",
    "documentary",
    "horror",
    "travel",
    "music-video",
    "explainer",
    "nature",
    "sports",
    "real-estate",
    "beauty",
    "automotive",
    "fantasy",
    "sci-fi",
    "kids",
)
STYLES: dict[str, dict[str, list[str]]] = {
    name: {**STORY_STYLES, **COMMERCIAL_STYLES}[name] for name in STYLE_ORDER
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


def usd_cents(amount_minor: int, currency: str) -> float:
    return amount_minor / 10 ** EXPONENT[currency] * FX_TO_USD[currency] * 100


def minor_from_usd_cents(cents: float, currency: str) -> int:
    return max(1, round(cents / 100 / FX_TO_USD[currency] * 10 ** EXPONENT[currency]))


def dims(aspect: str, resolution: str) -> tuple[int, int]:
    s = SHORT_SIDE[resolution]
    long = {"9:16": s * 16 // 9, "16:9": s * 16 // 9, "1:1": s, "4:5": s * 5 // 4}[aspect]
    return (s, long) if aspect in {"9:16", "4:5"} else (long, s) if aspect == "16:9" else (s, s)
