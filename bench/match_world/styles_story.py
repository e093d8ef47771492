"""Styles that tell a story or build a world, one half of the world's style vocabulary.

Per style: the subjects, specific details and title words its reels are written from, and the
phrases a brand uses to ask for it. The reels' words come from the creator's TRUE style, so
they show what a tag stuffer really makes; the brief phrases share only some of those words.
"""

STORY_STYLES: dict[str, dict[str, list[str]]] = {
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
