"""How brands describe a style in their own marketing voice, sharing few words with the reels.

Used by briefs of settings with `voice="brand"` (and half the briefs of `voice="mixed"`), and by
reel-stuffers, who copy the words brands use into their prompts.
"""

from __future__ import annotations

BRAND_VOICE: dict[str, list[str]] = {
    "anime": [
        "a Japanese-animation inspired spot our younger fans will share",
        "hand-illustrated energy with heroes our community loves",
    ],
    "cyberpunk": [
        "a bold futuristic night-city vibe that feels edgy and tech-forward",
        "a dystopian, electric atmosphere for a gaming-savvy audience",
    ],
    "product-demo": [
        "a hero video that makes every feature of the product obvious in seconds",
        "premium showcase content that answers what it does and why it is better",
    ],
    "fashion": [
        "an aspirational, premium style film for the new season",
        "trend-led apparel content with attitude and movement",
    ],
    "food": [
        "craveable content that makes people hungry on the first frame",
        "delicious, indulgent moments for our menu launch",
    ],
    "cinematic": [
        "an emotional, big-screen brand story with real production value",
        "a premium film that feels like a movie, not an ad",
    ],
    "3d-cartoon": [
        "a lovable animated mascot with a friendly personality",
        "family-friendly character animation with charm",
    ],
    "documentary": [
        "an authentic, true-story piece about the people behind our brand",
        "honest, real-life storytelling with interviews and texture",
    ],
    "horror": [
        "a spine-chilling teaser that keeps people on the edge of their seats",
        "dark, unsettling suspense for our halloween campaign",
    ],
    "travel": [
        "an escapist getaway film that makes people book now",
        "bucket-list destinations and the feeling of being there",
    ],
    "music-video": [
        "a rhythm-driven visual for our artist's new single",
        "a performance piece cut to the beat, high energy",
    ],
    "explainer": [
        "a simple, friendly walkthrough that makes our service easy to understand",
        "clear educational content that explains the value in under a minute",
    ],
    "nature": [
        "a breathtaking planet-earth style piece about the outdoors",
        "calm, awe-inspiring wilderness footage for our sustainability message",
    ],
    "sports": [
        "a high-energy performance spot for athletes and fans",
        "adrenaline, sweat and victory for our fitness audience",
    ],
    "real-estate": [
        "a premium property showcase that sells the lifestyle",
        "inviting home tours that make buyers picture themselves living there",
    ],
    "beauty": [
        "a radiant skincare story with a luxurious, self-care feel",
        "glowing, confident beauty content for our cosmetics launch",
    ],
    "automotive": [
        "a powerful vehicle launch film full of speed and design",
        "a premium driving experience for our new model",
    ],
    "fantasy": [
        "an epic magical world for our game launch, full of wonder",
        "a mythical adventure with creatures and enchanted kingdoms",
    ],
    "sci-fi": [
        "an out-of-this-world space adventure for our tech brand",
        "a visionary future-tech story with spacecraft and distant planets",
    ],
    "kids": [
        "playful, colourful content that parents trust and children love",
        "fun and educational moments for little ones",
    ],
}

# Words any brand puts in a brief; reel-stuffers copy them into every prompt.
BRAND_BUZZWORDS = [
    "premium",
    "authentic",
    "scroll-stopping",
    "on-brand",
    "engaging",
    "storytelling",
    "high-converting",
    "social-first",
    "viral",
    "hero shot",
    "campaign",
    "launch",
    "consistency",
    "paid social",
]
