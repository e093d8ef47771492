"""factory_boy factories for the whole domain; tests reach them through fixtures."""

from datetime import timedelta

import factory
from django.utils import timezone

from campaigns.models import Brand, BrandMembership, Brief, BriefStatus, MemberRole
from creators.models import CreatorProfile, GeneratedVideo, Moderation, Portfolio, Reel
from marketplace.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "Str0ng-pass!")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class CreatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreatorProfile

    user = factory.SubFactory(UserFactory)
    handle = factory.Sequence(lambda n: f"creator{n}")
    display_name = factory.LazyAttribute(lambda o: o.handle.title())
    country = "US"
    languages = factory.LazyFunction(lambda: ["en"])
    tags = factory.LazyFunction(list)


class PortfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Portfolio

    creator = factory.SubFactory(CreatorFactory)
    name = factory.Sequence(lambda n: f"Portfolio {n}")


class VideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GeneratedVideo

    provider = "kling"
    model = "kling-2.1-pro"
    video_url = factory.Sequence(lambda n: f"https://cdn.example.com/v/{n}.mp4")
    thumbnail_url = factory.Sequence(lambda n: f"https://cdn.example.com/t/{n}.jpg")
    prompt = "a neon city in the rain"
    duration_s = 10
    width = 1080
    height = 1920
    fps = 24


class ReelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reel

    creator = factory.SubFactory(CreatorFactory)
    video = factory.SubFactory(VideoFactory)
    title = factory.Sequence(lambda n: f"Reel {n}")
    tags = factory.LazyFunction(list)
    moderation = Moderation.APPROVED


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BrandMembership

    brand = factory.SubFactory(BrandFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.OWNER


class BriefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brief

    brand = factory.SubFactory(BrandFactory)
    title = factory.Sequence(lambda n: f"Brief {n}")
    description = "Make a 15 second vertical teaser."
    tags = factory.LazyFunction(lambda: ["anime"])
    preferred_models = factory.LazyFunction(lambda: ["kling-2.1-pro"])
    deliverables = factory.LazyFunction(
        lambda: [{"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "1080p"}]
    )
    total_seconds = 15
    budget_min = 50_000
    budget_max = 100_000
    currency = "USD"
    bid_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    delivery_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=21))
    status = BriefStatus.OPEN


class IPAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.IPAsset"

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"IP {n}")
    territories = factory.LazyFunction(lambda: ["US"])
    channels = factory.LazyFunction(lambda: ["social"])
    term_months = 12


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.Invitation"

    brief = factory.SubFactory(BriefFactory)
    creator = factory.SubFactory(CreatorFactory)


class BidFactory(factory.django.DjangoModelFactory):
    """A submitted bid in the brief's currency."""

    class Meta:
        model = "campaigns.Bid"

    brief = factory.SubFactory(BriefFactory)
    creator = factory.SubFactory(CreatorFactory)
    amount = 60_000
    currency = factory.LazyAttribute(lambda o: o.brief.currency)
    pitch = "I can do this."
