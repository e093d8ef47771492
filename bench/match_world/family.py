"""The family of worlds: generator settings, and which seeds are for tuning and which held out.

A setting changes how the world is drawn, not how it is graded in spirit: the brand's voice
(how many of the reels' words a brief shares), the language mix, the share of newcomers, how
wide budgets are, how often a creator posts reels with a model they are poor at, how much
profiles over-claim, how deep the track record is, and whether the answer key treats a format
or a requested model the creator cannot do as disqualifying (as a brand would).

`home` is the world the product's weights were first tuned on (`bench/match_quality.py` before
the family); the others were written without looking at any ranking's results on them.
Tune on `TUNE_SEEDS`, report on `HOLDOUT_SEEDS`: a seed is never in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# (kind, count per 400 creators); the adversaries of `adversaries.py` come on top.
HOME_MIX = (
    ("stuffer", 60),
    ("specialist", 60),
    ("newcomer", 30),
    ("dabbler", 40),
    ("lingo", 30),
    ("normal", 180),
)


@dataclass(frozen=True)
class WorldConfig:
    name: str
    summary: str
    kind_mix: tuple[tuple[str, int], ...] = HOME_MIX
    # briefs
    voice: str = "reel"  # reel: brands reuse the reels' words | brand: their own marketing voice
    english_share: float = 0.35  # briefs that ask for English
    foreign_share: float = 0.15  # briefs that ask for one other language
    model_share: float = 0.6  # briefs naming preferred models
    budget_quantiles: tuple[float, float] = (0.4, 0.9)  # budget max among the creators' quotes
    state_constraints: bool = False  # the description spells out languages, models, budget
    brief_aspect_weights: tuple[int, int, int, int] = (40, 30, 15, 15)  # 9:16 16:9 1:1 4:5
    # creators
    language_weights: tuple[int, ...] = (50, 12, 8, 7, 6, 7, 4, 6)  # en es fr de pt ja ko zh
    aspect_breadth: tuple[int, ...] = (0, 1, 1, 2, 3)  # extra aspect ratios a creator can do
    second_language: float = 0.35  # an English speaker's chance of a second language
    poor_model_share: float = 0.0  # creators who also post reels with a model they are poor at
    claim_noise: float = 0.0  # profiles claiming a language the creator does not work in
    history_scale: float = 1.0  # completed contracts per creator, relative to home
    style_skew: float = 0.0  # 0: styles uniform; s: main styles and briefs by 1 / rank^s
    # grading
    strict: bool = False  # a format, model or language the creator cannot do caps the grade at 1
    extra: dict[str, float] = field(default_factory=dict)

    def kinds(self, n: int) -> list[str]:
        """The kinds of a pool of n creators, before shuffling (proportions of `kind_mix`)."""
        base = [k for k, count in self.kind_mix for _ in range(count)]
        return (base * (n // len(base) + 1))[:n]


SETTINGS: dict[str, WorldConfig] = {
    "home": WorldConfig(
        name="home",
        summary="the original world: brands reuse the reels' words, mostly English, "
        "lenient answer key (format and model lower the grade, never cap it)",
    ),
    "brandvoice": WorldConfig(
        name="brandvoice",
        summary="briefs in the brand's own marketing voice (few reel words), tighter budgets, "
        "a quarter of creators post reels with a model they are poor at, strict answer key",
        voice="brand",
        english_share=0.45,
        foreign_share=0.2,
        model_share=0.75,
        budget_quantiles=(0.45, 0.85),
        aspect_breadth=(1, 1, 2, 2, 3),
        brief_aspect_weights=(35, 25, 20, 20),
        poor_model_share=0.25,
        claim_noise=0.05,
        state_constraints=True,
        strict=True,
    ),
    "polyglot": WorldConfig(
        name="polyglot",
        summary="a multilingual market: 45% of briefs need a non-English language, creators "
        "more often non-English, 15% of profiles claim a language they do not work in, wide "
        "budgets, strict answer key",
        voice="mixed",
        english_share=0.3,
        foreign_share=0.45,
        model_share=0.5,
        budget_quantiles=(0.5, 0.95),
        language_weights=(30, 16, 12, 12, 9, 10, 5, 8),
        aspect_breadth=(1, 1, 2, 2, 3),
        second_language=0.6,
        claim_noise=0.15,
        history_scale=0.8,
        state_constraints=True,
        strict=True,
    ),
    "fresh": WorldConfig(
        name="fresh",
        summary="a young market: a quarter of creators are newcomers, thin track records, "
        "most briefs name models and less common formats (1:1, 4:5), strict answer key",
        kind_mix=(
            ("stuffer", 40),
            ("specialist", 50),
            ("newcomer", 100),
            ("dabbler", 30),
            ("lingo", 20),
            ("normal", 160),
        ),
        voice="mixed",
        english_share=0.4,
        foreign_share=0.2,
        model_share=0.85,
        budget_quantiles=(0.35, 0.8),
        brief_aspect_weights=(25, 20, 30, 25),
        aspect_breadth=(1, 2, 2, 3),
        poor_model_share=0.15,
        claim_noise=0.05,
        history_scale=0.4,
        state_constraints=True,
        strict=True,
    ),
    "outsider": WorldConfig(
        name="outsider",
        summary="held out only (never in the tune split): brand voice, a mid-size "
        "multilingual market with many specialists and newcomers, wide budgets, 30% of "
        "creators with a model they are poor at, strict answer key",
        kind_mix=(
            ("stuffer", 30),
            ("specialist", 70),
            ("newcomer", 60),
            ("dabbler", 50),
            ("lingo", 30),
            ("normal", 160),
        ),
        voice="brand",
        english_share=0.4,
        foreign_share=0.3,
        model_share=0.7,
        budget_quantiles=(0.3, 0.9),
        brief_aspect_weights=(30, 30, 20, 20),
        language_weights=(40, 14, 10, 9, 7, 9, 5, 6),
        aspect_breadth=(1, 1, 2, 3),
        second_language=0.5,
        poor_model_share=0.3,
        claim_noise=0.1,
        history_scale=0.6,
        state_constraints=True,
        strict=True,
    ),
    "market": WorldConfig(
        name="market",
        summary="a dense market, as dense as the outside benchmark's (a perfect ranker's P@10 "
        "0.57-0.77 at 400 creators, against its 0.81-0.83 and 0.34-0.53 here elsewhere): "
        "brands ask for the styles most creators work in (popularity 1 / rank^1.2 for both), "
        "creators with more formats and languages, budgets at the 55-95th percentile of "
        "quotes, brand voice, strict answer key",
        voice="brand",
        english_share=0.5,
        foreign_share=0.2,
        model_share=0.75,
        budget_quantiles=(0.55, 0.95),
        brief_aspect_weights=(45, 35, 10, 10),
        aspect_breadth=(2, 2, 3, 3),
        second_language=0.6,
        poor_model_share=0.25,
        claim_noise=0.05,
        state_constraints=True,
        strict=True,
        style_skew=1.2,
    ),
}

# Seeds per split; every setting uses the same seeds (the setting changes the draws).
TUNE_SEEDS = (1, 2, 3)
HOLDOUT_SEEDS = (101, 102)
# Settings only ever measured on held-out seeds: a generator the scorer was not tuned on.
HOLDOUT_ONLY = ("outsider",)
# The settings a held-out report covers by default: none of them is `home`.
HOLDOUT_SETTINGS = ("brandvoice", "polyglot", "fresh", "outsider", "market")
