"""Styles that sell a product, a place or a service: the other half of the style vocabulary.

Same shape as `styles_story.py`. Which half a style sits in does not matter to the world:
`vocab.STYLE_ORDER` fixes the order the generator draws them in.
"""

COMMERCIAL_STYLES: dict[str, dict[str, list[str]]] = {
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
}
