"""Demo data: a staff user, brands, creators with portfolios and approved reels; idempotent.

`--creators N --reels-per-creator M` seeds extra creators at scale with bulk inserts.
"""

import random
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from campaigns.matching.refresh import matching_refresh_idf
from campaigns.models import Brand, BrandMembership, MemberRole
from campaigns.services import brand_create
from creators.evidence import reel_terms
from creators.models import (
    CreatorProfile,
    GeneratedVideo,
    ModelLicence,
    Moderation,
    Portfolio,
    Reel,
    Tier,
)
from creators.services import (
    creator_refresh_showcase,
    creators_evidence_refresh,
    videos_apply_licences,
)
from demo.seed import seed_campaigns
from marketplace.models import User

DEMO_PASSWORD = "Reelmatch-demo-2026"
STAFF_EMAIL = "staff@reelmatch.test"
MODELS = [
    ("kling", "kling-2.1-pro"),
    ("kling", "kling-2.1-std"),
    ("veo", "veo-3"),
    ("sora", "sora-2"),
    ("runway", "runway-gen4"),
    ("pika", "pika-2.2"),
    ("hailuo", "hailuo-02"),
]
TAGS = [
    "anime",
    "product",
    "fashion",
    "fantasy",
    "sci-fi",
    "food",
    "travel",
    "music-video",
    "explainer",
    "cinematic",
    "retro",
    "kids",
]
COUNTRIES = ["US", "GB", "FR", "DE", "JP", "KR", "CN", "BR", "IN", "NG"]
LANGUAGES = {
    "US": "en",
    "GB": "en",
    "FR": "fr",
    "DE": "de",
    "JP": "ja",
    "KR": "ko",
    "CN": "zh",
    "BR": "pt",
    "IN": "hi",
    "NG": "en",
}
BRANDS = ["Neon Noodle Co", "Aurora Games", "Kite & Kettle"]
# What a reel of each style shows, for prompts and titles that matching's relevance can read.
SUBJECTS = {
    "anime": "anime girl on a rooftop at dusk, cel shading",
    "product": "wireless earbuds rotating on a pedestal, studio light",
    "fashion": "model walking in a denim jacket, runway lights",
    "fantasy": "dragon over a misty castle, glowing runes",
    "sci-fi": "spaceship docking at a neon station, holograms",
    "food": "ramen bowl with rising steam, macro close-up",
    "travel": "drone shot over a turquoise beach resort",
    "music-video": "singer in a rain of neon lights, slow motion",
    "explainer": "animated app screens explaining a banking feature",
    "cinematic": "lone rider crossing a desert at golden hour, anamorphic",
    "retro": "vhs style arcade street at night, film grain",
    "kids": "friendly cartoon robot teaching letters to children",
}
# (width, height) the demo videos come in: vertical, landscape and square at several sizes.
DIMENSIONS = [(1080, 1920), (1920, 1080), (1080, 1080), (2160, 3840), (720, 1280)]


# The plans demo videos were "made on": most commercial, some free, some not stated.
PLANS = ("pro", "standard", "pro", "free", "")


def _video(
    rng: random.Random, n: int, licences: list[ModelLicence], tags: list[str] | None = None
) -> GeneratedVideo:
    provider, model = MODELS[n % len(MODELS)]
    width, height = rng.choice(DIMENSIONS)
    shown = [SUBJECTS[t] for t in tags or () if t in SUBJECTS]
    video = GeneratedVideo(
        provider=provider,
        model=model,
        video_url=f"https://videos.reelmatch.example/{model}/{n}.mp4",
        thumbnail_url=f"https://videos.reelmatch.example/{model}/{n}.jpg",
        prompt=", ".join(shown) or f"demo prompt {n}",
        mode=rng.choice(["text_to_video", "image_to_video"]),
        duration_s=rng.choice([5, 8, 10, 15]),
        width=width,
        height=height,
        fps=24,
        seed=n,
        plan=PLANS[n % len(PLANS)],
    )
    return videos_apply_licences([video], licences=licences)[0]


class Command(BaseCommand):
    help = "Load demo data (idempotent); --creators N --reels-per-creator M seeds at scale."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--creators", type=int, default=0, help="extra creators at scale")
        parser.add_argument("--reels-per-creator", type=int, default=10)
        parser.add_argument("--batch", type=int, default=2000)

    def handle(
        self, *args: Any, creators: int, reels_per_creator: int, batch: int, **options: Any
    ) -> None:
        staff = self._staff()
        brands = self._brands()
        demo_creators = self._creators()
        seed_campaigns(brands=brands, creators=demo_creators, staff=staff)
        if creators:
            self._bulk(creators, reels_per_creator, batch)
        # Corpus statistics for matching's relevance (the hourly job keeps them current).
        matching_refresh_idf()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):")
        )
        self.stdout.write(f"  staff (admin)  {STAFF_EMAIL}")
        for brand in brands:
            self.stdout.write(f"  brand owner    owner@{brand.slug}.test  ({brand.name})")
        self.stdout.write("  creators       creator01@reelmatch.test … creator20@reelmatch.test")

    def _user(self, email: str, **extra: Any) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            # Demo addresses count as verified: they can accept brand invitations at once.
            extra.setdefault("email_verified_at", timezone.now())
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, **extra)
        return user

    def _staff(self) -> User:
        return self._user(STAFF_EMAIL, is_staff=True, is_superuser=True, full_name="Demo Staff")

    @transaction.atomic
    def _brands(self) -> list[Brand]:
        brands = []
        for name in BRANDS:
            brand = Brand.objects.filter(name=name).first()
            if brand is None:
                owner = self._user(f"owner@{slugify(name)}.test", full_name=f"{name} owner")
                brand = brand_create(actor=owner, name=name)
                manager = self._user(f"manager@{brand.slug}.test", full_name=f"{name} manager")
                BrandMembership.objects.get_or_create(
                    brand=brand, user=manager, defaults={"role": MemberRole.MANAGER}
                )
            brands.append(brand)
        return brands

    @transaction.atomic
    def _creators(self) -> list[CreatorProfile]:
        rng = random.Random(7)
        licences = list(ModelLicence.objects.all())
        tiers = [Tier.ELITE] * 3 + [Tier.PARTNER] * 6 + [Tier.STANDARD] * 11
        out = []
        for i in range(1, 21):
            handle = f"creator{i:02d}"
            profile = CreatorProfile.objects.filter(handle=handle).first()
            if profile is None:
                user = self._user(f"{handle}@reelmatch.test", full_name=f"Creator {i:02d}")
                country = COUNTRIES[i % len(COUNTRIES)]
                profile = CreatorProfile.objects.create(
                    user=user,
                    handle=handle,
                    display_name=f"Creator {i:02d}",
                    bio="AI video creator (demo account).",
                    country=country,
                    languages=sorted({LANGUAGES[country], "en"}),
                    tags=rng.sample(TAGS, 3),
                    tier=tiers[i - 1],
                    verified=i % 3 == 0,
                    min_price_per_project=rng.choice([20_000, 50_000, 90_000, 150_000]),
                    price_per_second=rng.choice([1_000, 2_500, 5_000]),
                    rate_currency="USD",
                )
                portfolio = Portfolio.objects.create(creator=profile, name="Showreel")
                # Activity comes from the approved reels (and later bids): consistent dates.
                newest = rng.randint(0, 120)
                for n in range(4):
                    tags = rng.sample(TAGS, 2)
                    video = _video(rng, i * 10 + n, licences, tags)
                    video.save()
                    Reel.objects.create(
                        creator=profile,
                        portfolio=portfolio,
                        video=video,
                        title=f"{tags[0].replace('-', ' ').title()} reel {n + 1}",
                        description=SUBJECTS[tags[1]],
                        tags=tags,
                        terms=reel_terms(f"{tags[0]} reel", SUBJECTS[tags[1]], video.prompt),
                        moderation=Moderation.APPROVED if n < 3 else Moderation.PENDING,
                        created_at=timezone.now() - timedelta(days=newest + 20 * (3 - n)),
                    )
                creator_refresh_showcase(creator_id=profile.pk)
            out.append(profile)
        return out

    def _bulk(self, count: int, reels_per_creator: int, batch: int) -> None:
        """Seed `count` more creators with bulk inserts, skills and reel tags computed in bulk."""
        rng = random.Random(count)
        licences = list(ModelLicence.objects.all())
        start = User.objects.filter(email__startswith="bulk").count()
        bar = tqdm(total=count, desc="creators", unit="creator")
        password = User.objects.get(email=STAFF_EMAIL).password  # the same hash for every user
        done = 0
        while done < count:
            size = min(batch, count - done)
            numbers = range(start + done, start + done + size)
            with transaction.atomic():
                users = User.objects.bulk_create(
                    [
                        User(
                            email=f"bulk{n}@reelmatch.test",
                            password=password,
                            email_verified_at=timezone.now(),
                        )
                        for n in numbers
                    ]
                )
                profiles = CreatorProfile.objects.bulk_create(
                    [
                        CreatorProfile(
                            user=user,
                            handle=f"bulk{n}",
                            display_name=f"Bulk {n}",
                            country=rng.choice(COUNTRIES),
                            languages=[rng.choice(list(LANGUAGES.values()))],
                            tags=rng.sample(TAGS, 2),
                            tier=rng.choice(
                                [Tier.STANDARD] * 6 + [Tier.PARTNER] * 3 + [Tier.ELITE]
                            ),
                            min_price_per_project=rng.choice([None, 20_000, 60_000, 120_000]),
                            price_per_second=rng.choice([None, 1_000, 3_000]),
                            rate_currency="USD",
                            rating_sum=0,
                        )
                        for user, n in zip(users, numbers, strict=True)
                    ]
                )
                _bulk_reels(rng, profiles, reels_per_creator, licences)
                # Skills, reel tags, evidence and activity from the approved reels.
                creators_evidence_refresh(creator_ids=[p.pk for p in profiles])
            done += size
            bar.update(size)
        bar.close()


def _bulk_reels(
    rng: random.Random, profiles: list[CreatorProfile], per_creator: int, licences: list
) -> None:
    """`per_creator` approved reels (and their videos) for each profile, in bulk inserts."""
    videos, reels = [], []
    now = timezone.now()
    for profile in profiles:
        newest = rng.randint(0, 200)
        for r in range(per_creator):
            reel_tag_list = rng.sample(TAGS, 2)
            video = _video(rng, profile.pk * 1000 + r, licences, reel_tag_list)
            videos.append(video)
            when = now - timedelta(days=newest + 7 * r)
            reels.append((profile, video, reel_tag_list, when))
    GeneratedVideo.objects.bulk_create(videos, batch_size=5000)
    Reel.objects.bulk_create(
        [
            Reel(
                creator=p,
                video=v,
                title=f"{p.handle} reel",
                tags=t,
                terms=reel_terms(f"{p.handle} reel", "", v.prompt),
                moderation=Moderation.APPROVED,
                created_at=when,
            )
            for p, v, t, when in reels
        ],
        batch_size=5000,
    )
