"""Matching (the rules: campaigns/matching/reference.py): the database ranking equals the reference
scorer on every factor and on the order over many random worlds, each factor orders creators
the obvious way from evidence (not claims), eligibility holds, the endpoints answer only the
right people with a query count independent of `limit`, and generation cost warns under cost.

The API tests mount only the matching URLs (this module is their URLconf) so they do not depend
on the rest of the campaigns API; `test_real_urlconf_routes_matching` checks the real wiring.
The same tests run on PostgreSQL in CI (DATABASE_URL), where the SQL dialect differs.
"""

import itertools
import random
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.urls import include, path, resolve
from django.utils import timezone

from campaigns import matching
from campaigns.generation_cost import below_cost_warnings, estimate_generation_cost
from campaigns.matching import probes
from campaigns.matching import reference as ref
from campaigns.matching.creator_sql import CreatorScorePlan
from campaigns.models import Bid, Brief, BriefStatus, Invitation, InvitationStatus, Visibility
from creators.models import CreatorProfile, GeneratedVideo, Moderation, Reel, Tier
from creators.services import (
    creator_refresh_showcase,
    creators_evidence_refresh,
    term_stats_refresh,
)
from creators.text import tokenize
from marketplace.models import User
from tests.factories import (
    BrandFactory,
    BriefFactory,
    CreatorFactory,
    MembershipFactory,
    ReelFactory,
    UserFactory,
    VideoFactory,
)

pytestmark = pytest.mark.django_db

urlpatterns = [path("api/v1/", include("campaigns.matching.apis"))]
matching_urls = pytest.mark.urls(__name__)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.get_current_timezone())


def ranked_ids(brief: Brief, **kwargs) -> list[int]:  # type: ignore[no-untyped-def]
    return [m.creator.pk for m in matching.rank_creators(brief, limit=1000, now=NOW, **kwargs)]


TAKES = itertools.count(1)


def with_reels(creator: CreatorProfile, *specs: tuple[str, list[str], str]) -> CreatorProfile:
    """Give `creator` distinct reels (prompts, thumbnails) of (model, tags, moderation) and
    refresh the evidence."""
    for model, tags, moderation in specs:
        ReelFactory(
            creator=creator,
            tags=tags,
            moderation=moderation,
            created_at=NOW - timedelta(days=2),
            video=VideoFactory(model=model, prompt=f"take {next(TAKES)}"),
        )
    creator_refresh_showcase(creator_id=creator.pk)
    creator.refresh_from_db()
    return creator


def plain_brief(**kwargs) -> Brief:  # type: ignore[no-untyped-def]
    """A brief asking only about budget, quality, reliability and recency unless told."""
    values = {
        "tags": [],
        "preferred_models": [],
        "languages": [],
        "deliverables": [],
        "title": "Brief",
        "description": "",
        **kwargs,
    }
    return BriefFactory(**values)


# The fast ranking equals the reference --------------------------------------------------------

TAGS = ["anime", "neon", "noir", "retro", "product", "fantasy", "cyberpunk", "food"]
MODELS = ["kling-2.1", "kling-2.1-pro", "kling-2.1-std", "veo-3", "sora-2", "hailuo-02", "my-lora"]
LANGUAGES = ["en", "ja", "fr", "zh", "es"]
RATE_CURRENCIES = ["USD", "USD", "EUR", "GBP", "JPY", "CNY", "", "XXX"]
ACTIVE_DAYS = [None, 0, 1, 29, 30, 31, 60, 89, 90, 91, 400]
WORDS = "pancake syrup macro steam neon rain city street ramen anime robot car desert ocean".split()
DIMS = [
    (1080, 1920),
    (720, 1280),
    (2160, 3840),
    (1920, 1080),
    (1080, 1080),
    (864, 1080),
    (500, 500),
]
RESOLUTIONS = ["720p", "1080p", "4k"]
ASPECTS = ["9:16", "16:9", "1:1", "4:5"]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) + rng.choice(["", "s", "ing"]) for _ in range(n))


def seed_world(rng: random.Random, n_creators: int, n_briefs: int) -> list[Brief]:
    """Random creators, reels and briefs with many exact ties and boundary values."""
    users = User.objects.bulk_create(
        [User(email=f"w{i}@example.com", is_active=rng.random() > 0.05) for i in range(n_creators)]
    )
    profiles = []
    for i, user in enumerate(users):
        reviews = rng.choice([0, 0, 1, 2, 5, 10])
        completed = rng.choice([0, 0, 1, 3, 3, 5, 10, 15])
        days = rng.choice(ACTIVE_DAYS)
        profiles.append(
            CreatorProfile(
                user=user,
                handle=f"w{i}",
                display_name=f"W {i}",
                tags=rng.sample(TAGS, rng.choice([0, 0, 1, 3, 8])),
                languages=rng.sample(LANGUAGES, rng.randint(0, 2)),
                min_price_per_project=rng.choice([None, None, 50_000, 100_000, 150_000, 200_000]),
                price_per_second=rng.choice([None, None, 1_000, 5_000, 10_000]),
                rate_currency=rng.choice(RATE_CURRENCIES),
                tier=rng.choice([Tier.STANDARD, Tier.STANDARD, Tier.PARTNER, Tier.ELITE]),
                suspended=rng.random() < 0.05,
                rating_sum=sum(rng.randint(1, 5) for _ in range(reviews)),
                review_count=reviews,
                completed_contracts=completed,
                on_time_contracts=rng.randint(0, completed),
                last_deal_at=None if days is None else NOW - timedelta(days=days),
                track_record=(
                    {
                        "tags": {t: rng.choice([0.5, 1.0, 1.75]) for t in rng.sample(TAGS, 2)},
                        "models": {rng.choice(MODELS): rng.choice([0.25, 1.0])},
                    }
                    if rng.random() < 0.3
                    else {}
                ),
            )
        )
    profiles = CreatorProfile.objects.bulk_create(profiles)
    videos, owners = [], []
    for profile in profiles:
        for _ in range(rng.choice([0, 0, 1, 2, 3, 4, 8])):
            model = rng.choice(MODELS)
            width, height = rng.choice(DIMS)
            videos.append(
                GeneratedVideo(
                    provider="other" if model == "my-lora" else model.split("-")[0],
                    model=model,
                    video_url="https://cdn.example.com/v.mp4",
                    # Some near-duplicates: a shared prompt or a shared seed.
                    prompt=rng.choice(["", "same old prompt again"])
                    if rng.random() < 0.2
                    else _text(rng, rng.randint(0, 5)),
                    seed=rng.choice([None, None, None, 7]),
                    duration_s=rng.randint(5, 20),
                    width=width,
                    height=height,
                    fps=24,
                )
            )
            owners.append(profile)
    videos = GeneratedVideo.objects.bulk_create(videos)
    Reel.objects.bulk_create(
        Reel(
            creator=owner,
            video=video,
            title=_text(rng, 2),
            tags=rng.sample(TAGS, rng.randint(0, 3)),
            moderation=rng.choice([Moderation.APPROVED] * 3 + [Moderation.PENDING, "rejected"]),
            created_at=NOW - timedelta(days=rng.choice([1, 40, 120])),
        )
        for owner, video in zip(owners, videos, strict=True)
    )
    creators_evidence_refresh(creator_ids=[p.pk for p in profiles])
    term_stats_refresh()
    brand = BrandFactory()
    briefs = []
    for _ in range(n_briefs):
        deliverables = [
            {
                "count": 1,
                "duration_s": 15,
                "aspect_ratio": rng.choice(ASPECTS),
                "resolution": rng.choice(RESOLUTIONS),
            }
            for _ in range(rng.choice([0, 1, 1, 2]))
        ]
        briefs.append(
            BriefFactory(
                brand=brand,
                title=_text(rng, 2),
                description=rng.choice(["", _text(rng, 6), "the and of"]),
                tags=rng.sample(TAGS, rng.choice([0, 1, 2, 3, 4])),
                preferred_models=rng.sample(MODELS, rng.choice([0, 1, 2, 3])),
                languages=rng.sample(LANGUAGES, rng.choice([0, 0, 1, 2])),
                required=rng.choice(
                    [None, None, [], ["formats"], ["models"], ["formats", "languages", "models"]]
                ),
                deliverables=deliverables,
                total_seconds=rng.choice([0, 10, 15, 30, 60]),
                budget_min=1,
                budget_max=rng.choice([50_000, 100_000, 150_000, 300_000, 1_000_000, 99_999]),
                currency=rng.choice(["USD", "EUR", "JPY", "CNY", "GBP"]),
                min_tier=rng.choice([Tier.STANDARD, Tier.STANDARD, Tier.PARTNER, Tier.ELITE]),
                visibility=rng.choice(
                    [Visibility.PUBLIC, Visibility.PUBLIC, Visibility.INVITE_ONLY]
                ),
                bid_deadline=NOW + timedelta(days=rng.choice([-1, 1, 3, 3, 7])),
            )
        )
    return briefs


def assert_same(fast: list, expected: list[ref.Scored]) -> None:  # type: ignore[type-arg]
    assert [pk for pk, _, _ in fast] == [s.id for s in expected]
    for (_, score, breakdown), want in zip(fast, expected, strict=True):
        assert abs(score - want.score) <= 1e-9
        assert set(breakdown) == set(want.breakdown) == set(ref.FACTORS)
        for name, value in want.breakdown.items():
            if value is None:
                assert breakdown[name] is None, name
            else:
                assert abs(breakdown[name] - value) <= 1e-9, name


@pytest.mark.parametrize("seed", range(20))
def test_ranking_equals_reference(seed: int) -> None:
    rng = random.Random(seed)
    briefs = seed_world(rng, n_creators=150, n_briefs=4)
    everyone = ref.load_creator_facts()
    for brief in briefs:
        fast = matching.rank_creators(brief, limit=1000, now=NOW)
        expected = ref.rank_creators(ref.BriefFacts.of(brief), everyone, now=NOW)
        assert len(expected) > 0
        assert_same([(m.creator.pk, m.score, m.breakdown) for m in fast], expected)
        for match in fast:
            assert 2 <= len(match.reasons) <= 3
        # The top N (pruned with a seed threshold) is the prefix of the full ranking.
        for limit in (1, 7):
            top = matching.rank_creators(brief, limit=limit, now=NOW)
            assert_same([(m.creator.pk, m.score, m.breakdown) for m in top], expected[:limit])

    facts = {f.id: f for f in everyone}
    for creator in rng.sample(list(CreatorProfile.objects.filter(suspended=False)), 3):
        fast_briefs = matching.recommend_briefs(creator, limit=100, now=NOW)
        open_briefs = [ref.BriefFacts.of(b) for b in matching.briefs_open_to(creator, now=NOW)]
        expected = ref.rank_briefs(facts[creator.pk], open_briefs, now=NOW)
        assert_same([(m.brief.pk, m.score, m.breakdown) for m in fast_briefs], expected)


@pytest.mark.parametrize("seed_size", [250, 2])
def test_pruned_top_n_equals_reference(monkeypatch, seed_size: int) -> None:  # type: ignore[no-untyped-def]
    """The θ bound only skips creators that cannot reach the top N, with tight or poor seeds."""
    from campaigns.matching import creators as ranking

    monkeypatch.setattr(ranking, "SEED_SIZE", seed_size)
    briefs = seed_world(random.Random(seed_size), n_creators=150, n_briefs=6)
    everyone = ref.load_creator_facts()
    pruned = 0
    for brief in briefs:
        expected = ref.rank_creators(ref.BriefFacts.of(brief), everyone, now=NOW)
        for limit in (1, 5, 12):
            pruned += ranking.ranking_threshold(brief, now=NOW, limit=limit) is not None
            top = matching.rank_creators(brief, limit=limit, now=NOW)
            assert_same([(m.creator.pk, m.score, m.breakdown) for m in top], expected[:limit])
    assert pruned > 0  # the bound was in play


@pytest.mark.parametrize("seed", range(8))
def test_index_probed_top_n_equals_reference(settings, seed: int) -> None:  # type: ignore[no-untyped-def]
    """Probing the evidence indexes for the kept units (and the covering index for the rest)
    finds the exact top N whichever units the sample chose to drop (PostgreSQL; elsewhere the
    ranking scans)."""

    settings.MATCHING_CANDIDATES = "index"
    briefs = seed_world(random.Random(1000 + seed), n_creators=150, n_briefs=6)
    everyone = ref.load_creator_facts()
    probed = 0
    for brief in briefs:
        facts = ref.BriefFacts.of(brief)
        expected = ref.rank_creators(facts, everyone, now=NOW)
        plan = CreatorScorePlan(facts, now=NOW)
        for limit in (1, 5, 12):
            top = matching.rank_creators(brief, limit=limit, now=NOW)
            assert_same([(m.creator.pk, m.score, m.breakdown) for m in top], expected[:limit])
            if len(expected) >= limit:
                theta = expected[limit - 1].score
                chosen = probes.index_plan(plan, theta=theta, min_tier_rank=0, rows=150)
                probed += chosen is not None
    if connection.vendor == "postgresql":
        assert probed > 0  # the index plan was in play


def test_every_split_of_the_units_is_exact(settings) -> None:  # type: ignore[no-untyped-def]
    """Whatever units are kept, the union of the probed rows and the covering-index pass holds
    the exact top N (each prefix of the drop order, forced one by one)."""
    if connection.vendor != "postgresql":
        pytest.skip("index probes are a PostgreSQL plan")

    briefs = seed_world(random.Random(77), n_creators=150, n_briefs=4)
    everyone = ref.load_creator_facts()
    for brief in briefs:
        facts = ref.BriefFacts.of(brief)
        expected = ref.rank_creators(facts, everyone, now=NOW)
        plan = CreatorScorePlan(facts, now=NOW)
        units = probes.units(plan)
        for limit in (1, 6):
            if len(expected) < limit:
                continue
            theta = expected[limit - 1].score
            for k in range(len(units) + 1):
                kept, dropped = units[k:], units[:k]
                chosen = probes.IndexPlan(
                    probes=tuple(p for u in kept for p in u.probes),
                    cheap_floor=probes.cheap_floor(plan, theta, dropped),
                )
                top = probes.ranked_by_index(
                    matching.candidates(brief), plan, chosen, limit=limit, theta=theta
                )
                want = [(s.id, s.score) for s in expected[:limit]]
                assert [row[0] for row in top] == [pk for pk, _ in want], (brief.pk, limit, k)
                assert [row[1] for row in top] == [score for _, score in want]


def test_scores_are_bit_identical_to_reference() -> None:
    """Not just within 1e-9: the same doubles, which is what makes ties break the same way."""
    briefs = seed_world(random.Random(99), n_creators=60, n_briefs=3)
    everyone = ref.load_creator_facts()
    for brief in briefs:
        fast = matching.rank_creators(brief, limit=1000, now=NOW)
        expected = ref.rank_creators(ref.BriefFacts.of(brief), everyone, now=NOW)
        assert [(m.score, m.breakdown) for m in fast] == [(s.score, s.breakdown) for s in expected]


def ranking_queries(base: int) -> int:
    """On PostgreSQL the ranking runs in a savepoint that turns JIT off (three more)."""
    return base + (3 if connection.vendor == "postgresql" else 0)


def test_ranking_query_count_does_not_depend_on_limit(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    brief = seed_world(random.Random(3), n_creators=40, n_briefs=1)[0]
    Brief.objects.filter(pk=brief.pk).update(
        tags=["anime"], preferred_models=["kling-2.1", "veo-3"], min_tier="standard"
    )
    brief.refresh_from_db()
    # term statistics, θ from the seeds, the ranking, the page's breakdown and flags, skills.
    for limit in (5, 30):
        with django_assert_num_queries(ranking_queries(5)):
            assert len(matching.rank_creators(brief, limit=limit, now=NOW)) == limit


# One test per factor ------------------------------------------------------------------------


def test_style_is_evidence_from_approved_reels_not_claims() -> None:
    brief = plain_brief(tags=["anime", "neon"])
    shown = with_reels(CreatorFactory(), *[("veo-3", ["anime", "neon"], Moderation.APPROVED)] * 3)
    one_reel = with_reels(CreatorFactory(), ("veo-3", ["anime"], Moderation.APPROVED))
    claims = with_reels(CreatorFactory(tags=["anime", "neon"], last_deal_at=NOW))
    pending_only = with_reels(CreatorFactory(), ("veo-3", ["anime"], Moderation.PENDING))
    assert ranked_ids(brief) == [shown.pk, one_reel.pk, claims.pk, pending_only.pk]
    by_id = {m.creator.pk: m for m in matching.rank_creators(brief, now=NOW)}
    # Three reels tagged with both: half a showing each per tag, 1 − 0.5^1.5 for both tags.
    assert by_id[shown.pk].breakdown["style"] == round(1 - 0.5**1.5, 6)
    assert by_id[one_reel.pk].breakdown["style"] == 0.25  # (0.5 + 0) / 2
    assert by_id[claims.pk].breakdown["style"] == round(1 - 0.5**0.25, 6)  # a claim: n = 0.25
    assert by_id[pending_only.pk].breakdown["style"] == 0.0
    assert "approved reels show anime: evidence 0.65 of 1 (+1 more of the brief's tags)" in (
        by_id[shown.pk].reasons
    )


def test_not_asked_factors_are_null_and_left_out() -> None:
    brief = plain_brief()
    creator = CreatorFactory(rating_sum=50, review_count=10, last_deal_at=NOW)
    with_reels(creator, ("kling-2.1-pro", ["neon"], Moderation.APPROVED))
    (match,) = matching.rank_creators(brief, now=NOW)
    for name in ("style", "relevance", "tools", "format", "language"):
        assert match.breakdown[name] is None
    w = ref.weights()
    asked = {n: w[n] for n in ("budget", "quality", "reliability", "recency")}
    expected = sum(asked[n] * match.breakdown[n] for n in asked) / sum(asked.values())
    assert match.score == round(expected, 6)  # compared and returned in millionths


def test_tools_counts_approved_reels_per_model_with_half_credit_for_the_provider() -> None:
    brief = plain_brief(preferred_models=["kling-2.1-pro"])
    eight = with_reels(CreatorFactory(), *[("kling-2.1-pro", [], Moderation.APPROVED)] * 8)
    one = with_reels(CreatorFactory(), ("kling-2.1-pro", [], Moderation.APPROVED))
    sibling = with_reels(CreatorFactory(), ("kling-2.1", [], Moderation.APPROVED))
    rejected = with_reels(CreatorFactory(), ("kling-2.1-pro", [], Moderation.REJECTED))
    assert ranked_ids(brief) == [eight.pk, one.pk, sibling.pk, rejected.pk]
    by_id = {m.creator.pk: m for m in matching.rank_creators(brief, now=NOW)}
    assert by_id[eight.pk].breakdown["tools"] == round(1 - 0.5**8, 6)
    assert by_id[one.pk].breakdown["tools"] == 0.5
    assert by_id[sibling.pk].breakdown["tools"] == pytest.approx(1 - 0.5**0.5)
    assert "8 approved kling-2.1-pro reels" in by_id[eight.pk].reasons


def test_relevance_matches_brief_words_in_approved_reels() -> None:
    brief = plain_brief(title="Pancakes", description="Syrup pouring over pancakes, macro shots.")
    for words, moderation in [
        ("stack of pancakes with syrup, macro lens", Moderation.APPROVED),
        ("pancake breakfast", Moderation.APPROVED),
        ("pancakes syrup macro", Moderation.PENDING),
        ("city at night", Moderation.APPROVED),
    ]:
        creator = CreatorFactory()
        ReelFactory(creator=creator, video=VideoFactory(prompt=words))
        Reel.objects.filter(creator=creator).update(moderation=moderation)
        creator_refresh_showcase(creator_id=creator.pk)
    term_stats_refresh()
    assert brief.terms == [] or brief.terms == tokenize(brief.title, brief.description)
    matches = matching.rank_creators(brief, now=NOW)
    relevance = [m.breakdown["relevance"] for m in matches]
    # One reel is half of the best two; "pouring" and "shots" are in no reel and still count.
    assert 0 < relevance[1] < relevance[0] < 0.5 and relevance[2:] == [0.0, 0.0]
    assert any(r.startswith("reels mention: ") for r in matches[0].reasons)


def test_format_needs_the_aspect_ratio_at_the_resolution() -> None:
    brief = plain_brief(
        deliverables=[{"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "4k"}]
    )
    uhd, hd, wide = CreatorFactory(), CreatorFactory(), CreatorFactory()
    for creator, (width, height) in ((uhd, (2160, 3840)), (hd, (1080, 1920)), (wide, (3840, 2160))):
        ReelFactory(creator=creator, video=VideoFactory(width=width, height=height))
        creator_refresh_showcase(creator_id=creator.pk)
    fmt = {m.creator.pk: m.breakdown["format"] for m in matching.rank_creators(brief, now=NOW)}
    assert (fmt[uhd.pk], fmt[hd.pk], fmt[wide.pk]) == (1.0, 0.5, 0.0)


def test_budget_is_full_within_budget_and_falls_linearly_to_twice_it() -> None:
    brief = plain_brief(budget_max=100_000, total_seconds=15)
    fits = CreatorFactory(min_price_per_project=100_000, rate_currency="USD")
    per_second = CreatorFactory(price_per_second=8_000, rate_currency="USD")  # 120_000 → 0.8
    no_card = CreatorFactory()
    over = CreatorFactory(min_price_per_project=190_000, rate_currency="USD")
    far_over = CreatorFactory(min_price_per_project=200_000, rate_currency="USD")
    assert ranked_ids(brief) == [fits.pk, per_second.pk, no_card.pk, over.pk, far_over.pk]
    budget = {m.creator.pk: m.breakdown["budget"] for m in matching.rank_creators(brief, now=NOW)}
    assert budget[fits.pk] == 1.0
    assert budget[per_second.pk] == pytest.approx(0.8)
    assert budget[no_card.pk] == 0.5
    assert budget[over.pk] == pytest.approx(0.1)
    assert budget[far_over.pk] == 0.0


def test_budget_converts_currencies_in_minor_units() -> None:
    """¥20,000 (JPY has no minor unit) is $134 = 13,400 cents against a $100 budget: 0.66."""
    brief = plain_brief(budget_min=5_000, budget_max=10_000, currency="USD")
    yen = CreatorFactory(min_price_per_project=20_000, rate_currency="JPY")
    euro = CreatorFactory(min_price_per_project=9_000, rate_currency="EUR")  # $97.20: fits
    unknown = CreatorFactory(min_price_per_project=1, rate_currency="XXX")  # no usable card
    budget = {m.creator.pk: m.breakdown["budget"] for m in matching.rank_creators(brief, now=NOW)}
    assert budget[yen.pk] == pytest.approx(0.66)
    assert budget[euro.pk] == 1.0
    assert budget[unknown.pk] == 0.5


def test_quality_is_the_smoothed_rating() -> None:
    brief = plain_brief()
    great = CreatorFactory(rating_sum=50, review_count=10)  # (17.5 + 50) / 15 / 5 = 0.9
    unrated = CreatorFactory()  # 0.7
    poor = CreatorFactory(rating_sum=4, review_count=4)  # 21.5 / 9 / 5
    assert ranked_ids(brief) == [great.pk, unrated.pk, poor.pk]
    quality = {m.creator.pk: m.breakdown["quality"] for m in matching.rank_creators(brief, now=NOW)}
    assert quality[great.pk] == pytest.approx(0.9)
    assert quality[unrated.pk] == pytest.approx(0.7)


def test_reliability_is_the_smoothed_on_time_rate() -> None:
    brief = plain_brief()
    late = CreatorFactory(completed_contracts=5, on_time_contracts=0)  # 4 / 10
    punctual = CreatorFactory(completed_contracts=10, on_time_contracts=10)  # 14 / 15
    fresh = CreatorFactory()  # 0.8
    assert ranked_ids(brief) == [punctual.pk, fresh.pk, late.pk]


def test_language_matches_any_brief_language() -> None:
    english = CreatorFactory(languages=["en"])
    japanese = CreatorFactory(languages=["ja", "fr"])
    silent = CreatorFactory(languages=[])
    brief = plain_brief(languages=["ja"])
    assert ranked_ids(brief)[0] == japanese.pk
    language = {
        m.creator.pk: m.breakdown["language"] for m in matching.rank_creators(brief, now=NOW)
    }
    assert (language[japanese.pk], language[english.pk], language[silent.pk]) == (1.0, 0.0, 0.0)
    anything = plain_brief(languages=[])
    assert {m.breakdown["language"] for m in matching.rank_creators(anything, now=NOW)} == {None}


def test_recency_steps_at_30_and_90_days() -> None:
    brief = plain_brief()
    dormant = CreatorFactory(last_active_at=NOW - timedelta(days=91))
    recent = CreatorFactory(last_active_at=NOW - timedelta(days=30))
    never = CreatorFactory(last_active_at=None)
    lately = CreatorFactory(last_active_at=NOW - timedelta(days=60))
    assert ranked_ids(brief) == [recent.pk, lately.pk, dormant.pk, never.pk]
    recency = {m.creator.pk: m.breakdown["recency"] for m in matching.rank_creators(brief, now=NOW)}
    assert [recency[c.pk] for c in (recent, lately, dormant, never)] == [1.0, 0.5, 0.0, 0.0]


def test_ties_break_by_completed_contracts_then_id() -> None:
    brief = plain_brief()
    first = CreatorFactory(completed_contracts=5, on_time_contracts=5)  # 9 / 10
    second = CreatorFactory(completed_contracts=5, on_time_contracts=5)
    busier = CreatorFactory(completed_contracts=15, on_time_contracts=14)  # 18 / 20, same double
    assert ranked_ids(brief) == [busier.pk, first.pk, second.pk]


# Eligibility --------------------------------------------------------------------------------


def test_suspended_inactive_and_low_tier_creators_never_match() -> None:
    brief = BriefFactory(min_tier=Tier.PARTNER, tags=["anime"])
    elite = CreatorFactory(tier=Tier.ELITE)
    partner = CreatorFactory(tier=Tier.PARTNER)
    CreatorFactory(tier=Tier.STANDARD, tags=["anime"])
    CreatorFactory(tier=Tier.ELITE, suspended=True, tags=["anime"])
    CreatorFactory(tier=Tier.ELITE, user=UserFactory(is_active=False), tags=["anime"])
    assert sorted(ranked_ids(brief)) == sorted([elite.pk, partner.pk])


def test_recommendations_respect_visibility_tier_deadline_and_live_bids() -> None:
    creator = CreatorFactory(tier=Tier.PARTNER)
    public = BriefFactory()
    invited = BriefFactory(visibility=Visibility.INVITE_ONLY)
    Invitation.objects.create(brief=invited, creator=creator)
    BriefFactory(visibility=Visibility.INVITE_ONLY)  # not invited
    declined = BriefFactory(visibility=Visibility.INVITE_ONLY)
    Invitation.objects.create(brief=declined, creator=creator, status=InvitationStatus.DECLINED)
    partner = BriefFactory(min_tier=Tier.PARTNER)
    BriefFactory(min_tier=Tier.ELITE)
    BriefFactory(status=BriefStatus.DRAFT)
    BriefFactory(status=BriefStatus.CLOSED)
    BriefFactory(bid_deadline=timezone.now() - timedelta(hours=1))
    bid_on = BriefFactory()
    Bid.objects.create(brief=bid_on, creator=creator, amount=1_000, currency="USD")
    withdrawn = BriefFactory()
    Bid.objects.create(
        brief=withdrawn, creator=creator, amount=1_000, currency="USD", status="withdrawn"
    )
    found = {m.brief.pk for m in matching.recommend_briefs(creator)}
    assert found == {public.pk, invited.pk, partner.pk, withdrawn.pk}
    creator.suspended = True
    assert matching.recommend_briefs(creator) == []


# The matches endpoint -----------------------------------------------------------------------


@pytest.fixture
def team():  # type: ignore[no-untyped-def]
    """A brand member, their brief and a dozen creators with skills."""
    member = MembershipFactory()
    brief = BriefFactory(
        brand=member.brand, tags=["anime", "neon", "noir"], preferred_models=["kling-2.1-pro"]
    )
    for i in range(12):
        creator = CreatorFactory(
            tags=["anime", "neon"][: i % 3],
            min_price_per_project=60_000 + 10_000 * i,
            rate_currency="USD",
            completed_contracts=i,
            on_time_contracts=i // 2,
        )
        with_reels(creator, *[("kling-2.1-pro", ["noir"], Moderation.APPROVED)] * (i % 4))
    return member.user, brief


@matching_urls
def test_matches_answer_members_with_breakdown_and_reasons(team, client_for) -> None:  # type: ignore[no-untyped-def]
    user, brief = team
    response = client_for(user).get(f"/api/v1/briefs/{brief.pk}/matches/?limit=5")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["brief"] == brief.pk
    assert len(body["results"]) == 5
    weights = body["weights"]
    for item in body["results"]:
        assert set(item["creator"]) == {
            "handle",
            "display_name",
            "tier",
            "verified",
            "country",
            "rating",
            "completed_contracts",
        }
        assert set(item["breakdown"]) == set(ref.FACTORS)
        asked = [n for n in ref.FACTORS if item["breakdown"][n] is not None]
        total = sum(weights[n] * item["breakdown"][n] for n in asked)
        penalties = sum(item["constraints"]["penalties"].values())
        base = total / sum(weights[n] for n in asked) - penalties
        missing = len(item["constraints"]["missing"])
        assert item["score"] == pytest.approx(base - missing, abs=1e-6)
        assert [d["text"] for d in item["reason_details"]] == item["reasons"]
        assert 2 <= len(item["reasons"]) <= 3
    scores = [item["score"] for item in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert any("approved reel" in r for item in body["results"] for r in item["reasons"])


@matching_urls
def test_a_match_without_a_country_answers_null(team, client_for) -> None:  # type: ignore[no-untyped-def]
    user, brief = team
    CreatorProfile.objects.update(country="")
    CreatorProfile.objects.filter(pk=CreatorProfile.objects.order_by("pk").first().pk).update(
        country="GB"
    )
    body = client_for(user).get(f"/api/v1/briefs/{brief.pk}/matches/?limit=20").json()
    countries = {item["creator"]["handle"]: item["creator"]["country"] for item in body["results"]}
    assert set(countries.values()) <= {None, "GB"} and None in countries.values()


@matching_urls
def test_matches_are_404_for_everyone_but_the_brands_members(team, client_for, api) -> None:  # type: ignore[no-untyped-def]
    _, brief = team
    url = f"/api/v1/briefs/{brief.pk}/matches/"
    other_brand = MembershipFactory().user
    creator = CreatorFactory().user
    staff = UserFactory(is_staff=True)
    assert api.get(url).status_code == 404
    for user in (other_brand, creator, staff):
        assert client_for(user).get(url).status_code == 404
    member = MembershipFactory(brand=brief.brand, role="manager").user
    assert client_for(member).get(url).status_code == 200
    assert client_for(member).get("/api/v1/briefs/999999/matches/").status_code == 404


@matching_urls
@pytest.mark.parametrize(
    "query, field",
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=many", "limit"),
        ("exclude=bids", "exclude"),
        ("exclude=bid,friends", "exclude"),
    ],
)
def test_matches_reject_bad_parameters(team, client_for, query: str, field: str) -> None:  # type: ignore[no-untyped-def]
    user, brief = team
    response = client_for(user).get(f"/api/v1/briefs/{brief.pk}/matches/?{query}")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@matching_urls
def test_matches_exclude_bidders_and_invited(team, client_for) -> None:  # type: ignore[no-untyped-def]
    user, brief = team
    client = client_for(user)
    url = f"/api/v1/briefs/{brief.pk}/matches/?limit=100"
    everyone = client.get(url).json()["results"]
    bidder, invitee = (
        CreatorProfile.objects.get(handle=i["creator"]["handle"]) for i in everyone[:2]
    )
    Bid.objects.create(brief=brief, creator=bidder, amount=90_000, currency="USD")
    Invitation.objects.create(brief=brief, creator=invitee, invited_by=user)
    flagged = {i["creator"]["handle"]: i for i in client.get(url).json()["results"]}
    assert flagged[bidder.handle]["has_bid"] and not flagged[bidder.handle]["invited"]
    assert flagged[invitee.handle]["invited"] and not flagged[invitee.handle]["has_bid"]
    handles = lambda q: {i["creator"]["handle"] for i in client.get(url + q).json()["results"]}  # noqa: E731
    assert handles("&exclude=bid") == set(flagged) - {bidder.handle}
    assert handles("&exclude=invited") == set(flagged) - {invitee.handle}
    assert handles("&exclude=bid,invited") == set(flagged) - {bidder.handle, invitee.handle}


@matching_urls
def test_matches_query_count_does_not_depend_on_limit(  # type: ignore[no-untyped-def]
    team, client_for, django_assert_num_queries
) -> None:
    user, brief = team
    client = client_for(user)
    url = f"/api/v1/briefs/{brief.pk}/matches/"
    # user (JWT), brief for member, term statistics, θ, ranking, breakdown of the page, skills.
    with django_assert_num_queries(ranking_queries(7)):
        assert len(client.get(url + "?limit=5").json()["results"]) == 5
    # A list reaching the exploration slot whose first ten all have completed contracts asks
    # for the best newcomer once more (one query).
    with django_assert_num_queries(ranking_queries(8)):
        assert len(client.get(url + "?limit=50").json()["results"]) == 12


# The recommended-briefs endpoint --------------------------------------------------------------


@matching_urls
def test_recommended_briefs_for_a_creator(client_for, api, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    creator = with_reels(
        CreatorFactory(tags=["anime"], min_price_per_project=50_000, rate_currency="USD"),
        *[("kling-2.1-pro", ["anime", "neon"], Moderation.APPROVED)] * 3,
    )
    best = BriefFactory(tags=["anime", "neon"], preferred_models=["kling-2.1-pro"])
    for i in range(8):
        BriefFactory(tags=["food"][: i % 2], preferred_models=["veo-3"])
    secret = BriefFactory(visibility=Visibility.INVITE_ONLY, tags=["anime", "neon"])
    client = client_for(creator.user)
    url = "/api/v1/creators/me/recommended-briefs/"
    # user (JWT), profile, open briefs, their terms' statistics, skills.
    with django_assert_num_queries(5):
        body = client.get(url + "?limit=3").json()
    with django_assert_num_queries(5):
        body = client.get(url + "?limit=50").json()
    results = body["results"]
    assert len(results) == 9
    assert results[0]["brief"]["id"] == best.pk
    # three approved reels with both tags: half a showing each per tag
    assert results[0]["breakdown"]["style"] == round(1 - 0.5**1.5, 6)
    assert any("fits the budget" in r for r in results[0]["reasons"] + results[1]["reasons"])
    assert secret.pk not in {r["brief"]["id"] for r in results}
    for item in results:
        assert 2 <= len(item["reasons"]) <= 3
    assert client.get(url + "?limit=0").status_code == 400
    assert api.get(url).status_code == 401
    assert client_for(MembershipFactory().user).get(url).status_code == 404


def test_real_urlconf_routes_matching() -> None:
    match = resolve("/api/v1/briefs/7/matches/")
    assert (match.func.cls.__name__, match.func.actions["get"]) == ("BriefMatchViewSet", "matches")
    match = resolve("/api/v1/creators/me/recommended-briefs/")
    assert (match.func.cls.__name__, match.func.actions["get"]) == (
        "RecommendedBriefViewSet",
        "recommended",
    )


# Generation cost ----------------------------------------------------------------------------


def test_generation_cost_estimate_per_preferred_model() -> None:
    brief = BriefFactory.build(
        preferred_models=["kling-2.1-pro", "kling-2.1", "veo-3"], total_seconds=15, currency="USD"
    )
    # $0.112 × 15 s × 4 rerolls = $6.72; ¥0.7 × 60 = ¥42 = $5.88; veo-3 has no price.
    assert estimate_generation_cost(brief) == [
        {"model": "kling-2.1-pro", "currency": "USD", "amount": 672},
        {"model": "kling-2.1", "currency": "USD", "amount": 588},
    ]
    yen = BriefFactory.build(preferred_models=["kling-2.1-pro"], total_seconds=15, currency="JPY")
    # $6.72 / 0.0067 = ¥1002.98… → ¥1003 (JPY has no minor unit).
    assert estimate_generation_cost(yen) == [
        {"model": "kling-2.1-pro", "currency": "JPY", "amount": 1003}
    ]


def test_generation_cost_rounds_half_up(settings) -> None:  # type: ignore[no-untyped-def]
    settings.GENERATION_COST_PER_SECOND = {"m": {"currency": "USD", "per_second": "0.00125"}}
    settings.EXPECTED_REROLLS = 1
    brief = BriefFactory.build(preferred_models=["m"], total_seconds=10, currency="USD")
    assert estimate_generation_cost(brief)[0]["amount"] == 1  # 1.25 cents → 1
    brief.total_seconds = 20  # 2.5 cents → 3
    assert estimate_generation_cost(brief)[0]["amount"] == 3


@pytest.mark.parametrize("amount, warned", [(1, True), (671, True), (672, False), (10_000, False)])
def test_below_cost_warning_exactly_under_the_estimate(amount: int, warned: bool) -> None:
    brief = BriefFactory.build(preferred_models=["kling-2.1-pro"], total_seconds=15, currency="USD")
    warnings = below_cost_warnings(brief, amount)
    assert bool(warnings) is warned
    if warned:
        assert "kling-2.1-pro" in warnings[0] and "6.72 USD" in warnings[0]


def test_no_warning_without_a_priced_model() -> None:
    brief = BriefFactory.build(preferred_models=["veo-3"], total_seconds=15)
    assert estimate_generation_cost(brief) == []
    assert below_cost_warnings(brief, 1) == []
