"""Input and output shapes for creators, portfolios, reels and the partner programme."""

from datetime import tzinfo

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.serializers import HttpsURLField, ModelNameField, SlugListField, datetime_text

from .models import (
    CreatorProfile,
    CreatorSkill,
    GeneratedVideo,
    GenerationMode,
    LicenceVerdict,
    ModelLicence,
    PartnerApplication,
    Plan,
    Portfolio,
    Provider,
    Reel,
)


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreatorSkill
        fields = ["model", "provider", "reel_count", "total_seconds"]


class CreatorSerializer(serializers.ModelSerializer):
    """The public profile; `skills` must be prefetched by the selector."""

    rating = serializers.FloatField(read_only=True, allow_null=True)
    on_time_rate = serializers.FloatField(read_only=True, allow_null=True)
    skills = SkillSerializer(many=True, read_only=True)

    class Meta:
        model = CreatorProfile
        fields = [
            "handle",
            "display_name",
            "bio",
            "country",
            "languages",
            "tags",
            "min_price_per_project",
            "price_per_second",
            "rate_currency",
            "tier",
            "verified",
            "rating",
            "review_count",
            "completed_contracts",
            "on_time_rate",
            "last_active_at",
            "skills",
            "created_at",
        ]
        read_only_fields = fields


def _ratio(part: int, whole: int, digits: int) -> float | None:
    return round(part / whole, digits) if whole else None


def creator_list_item(row: dict, tz: tzinfo | None = None) -> dict:
    """One row of `selectors.creator_rows` in `CreatorSerializer`'s shape (same keys, order
    and formats; tests hold the two equal), without building model objects per row; empty
    optional text is None, as `marketplace.blank_null` answers it."""
    tz = tz or timezone.get_current_timezone()
    return {
        "handle": row["handle"],
        "display_name": row["display_name"],
        "bio": row["bio"] or None,
        "country": row["country"] or None,
        "languages": row["languages"],
        "tags": row["tags"],
        "min_price_per_project": row["min_price_per_project"],
        "price_per_second": row["price_per_second"],
        "rate_currency": row["rate_currency"] or None,
        "tier": row["tier"],
        "verified": row["verified"],
        "rating": _ratio(row["rating_sum"], row["review_count"], 2),
        "review_count": row["review_count"],
        "completed_contracts": row["completed_contracts"],
        "on_time_rate": _ratio(row["on_time_contracts"], row["completed_contracts"], 3),
        "last_active_at": datetime_text(row["last_active_at"], tz),
        "skills": row["skills_json"],
        "created_at": datetime_text(row["created_at"], tz),
    }


class CreatorMeSerializer(CreatorSerializer):
    """The creator's own profile: the public fields plus what only they see, some writable."""

    suspended = serializers.BooleanField(read_only=True)
    languages = SlugListField(max_length=10)
    tags = SlugListField()
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, allow_blank=True)
    rate_currency = serializers.CharField(required=False, allow_blank=True, max_length=3)
    min_price_per_project = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=10**12
    )
    price_per_second = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=10**10
    )

    class Meta(CreatorSerializer.Meta):
        fields = [*CreatorSerializer.Meta.fields, "suspended"]
        read_only_fields = [
            "handle",
            "tier",
            "verified",
            "rating",
            "review_count",
            "completed_contracts",
            "on_time_rate",
            "last_active_at",
            "skills",
            "created_at",
            "suspended",
        ]

    def validate_rate_currency(self, value: str) -> str:
        value = value.upper()
        if value and value not in settings.CURRENCIES:
            raise serializers.ValidationError(f"must be one of {', '.join(settings.CURRENCIES)}")
        return value

    def validate(self, attrs: dict) -> dict:
        has_price = attrs.get("min_price_per_project") or attrs.get("price_per_second")
        current = self.instance.rate_currency if self.instance else ""
        if has_price and not attrs.get("rate_currency", current):
            raise serializers.ValidationError({"rate_currency": ["required when a rate is set"]})
        return attrs


class VideoSerializer(serializers.ModelSerializer):
    """A generated video as submitted: https links only, sane duration and dimensions."""

    provider = serializers.ChoiceField(choices=Provider.choices)
    mode = serializers.ChoiceField(choices=GenerationMode.choices, required=False)
    model = ModelNameField()
    video_url = HttpsURLField()
    thumbnail_url = HttpsURLField(required=False, allow_blank=True)
    duration_s = serializers.IntegerField(min_value=1, max_value=600)
    width = serializers.IntegerField(min_value=1, max_value=16384)
    height = serializers.IntegerField(min_value=1, max_value=16384)
    fps = serializers.IntegerField(min_value=1, max_value=240)
    seed = serializers.IntegerField(
        required=False, allow_null=True, min_value=-(2**63), max_value=2**63 - 1
    )
    plan = serializers.ChoiceField(
        choices=Plan.choices,
        required=False,
        allow_blank=True,
        help_text="the generator plan it was made on; without it the licence verdict is unknown",
    )
    licence_verdict = serializers.ChoiceField(
        choices=LicenceVerdict.choices,
        read_only=True,
        help_text="whether the plan allows commercial use (from the model licence table)",
    )
    licence_conditions = serializers.SerializerMethodField(
        help_text="what the plan's licence asks (its conditions), when a licence row applies"
    )

    class Meta:
        model = GeneratedVideo
        fields = [
            "provider",
            "model",
            "video_url",
            "thumbnail_url",
            "prompt",
            "mode",
            "duration_s",
            "width",
            "height",
            "fps",
            "seed",
            "provider_task_id",
            "generated_at",
            "plan",
            "licence_verdict",
            "licence_conditions",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_licence_conditions(self, video: GeneratedVideo) -> str | None:
        # The licence row is joined or prefetched by every selector that lists videos.
        return (video.licence.conditions or None) if video.licence_id is not None else None


class PortfolioSerializer(serializers.ModelSerializer):
    creator = serializers.CharField(source="creator.handle", read_only=True)

    class Meta:
        model = Portfolio
        fields = ["id", "creator", "name", "description", "created_at"]
        read_only_fields = ["id", "creator", "created_at"]


class ReelSerializer(serializers.ModelSerializer):
    """A reel with its video nested; the video is required on create."""

    creator = serializers.CharField(source="creator.handle", read_only=True)
    video = VideoSerializer()
    tags = SlugListField()
    portfolio = serializers.PrimaryKeyRelatedField(
        queryset=Portfolio.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Reel
        fields = [
            "id",
            "creator",
            "portfolio",
            "title",
            "description",
            "tags",
            "video",
            "moderation",
            "rejection_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "creator",
            "moderation",
            "rejection_reason",
            "created_at",
            "updated_at",
        ]


def reel_list_item(row: dict, tz: tzinfo | None = None) -> dict:
    """One row of `selectors.reel_rows` in `ReelSerializer`'s shape (same keys, order and
    formats; tests hold the two equal), without building model objects per row; empty
    optional text is None, as `marketplace.blank_null` answers it."""
    tz = tz or timezone.get_current_timezone()
    return {
        "id": row["id"],
        "creator": row["creator__handle"],
        "portfolio": row["portfolio_id"],
        "title": row["title"],
        "description": row["description"] or None,
        "tags": row["tags"],
        "video": {
            "provider": row["video__provider"],
            "model": row["video__model"],
            "video_url": row["video__video_url"],
            "thumbnail_url": row["video__thumbnail_url"] or None,
            "prompt": row["video__prompt"] or None,
            "mode": row["video__mode"],
            "duration_s": row["video__duration_s"],
            "width": row["video__width"],
            "height": row["video__height"],
            "fps": row["video__fps"],
            "seed": row["video__seed"],
            "provider_task_id": row["video__provider_task_id"] or None,
            "generated_at": datetime_text(row["video__generated_at"], tz),
            "plan": row["video__plan"] or None,
            "licence_verdict": row["video__licence_verdict"],
            "licence_conditions": row["video__licence__conditions"] or None,
        },
        "moderation": row["moderation"],
        "rejection_reason": row["rejection_reason"] or None,
        "created_at": datetime_text(row["created_at"], tz),
        "updated_at": datetime_text(row["updated_at"], tz),
    }


class ReelUpdateSerializer(ReelSerializer):
    video = VideoSerializer(partial=True, required=False)


class PartnerApplicationSerializer(serializers.ModelSerializer):
    creator = serializers.CharField(source="creator.handle", read_only=True)
    links = serializers.ListField(child=HttpsURLField(), max_length=10, required=False)
    statement = serializers.CharField(max_length=4000)

    class Meta:
        model = PartnerApplication
        fields = [
            "id",
            "creator",
            "statement",
            "links",
            "status",
            "reason",
            "created_at",
            "decided_at",
        ]
        read_only_fields = ["id", "creator", "status", "reason", "created_at", "decided_at"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ModelLicenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModelLicence
        fields = [
            "id",
            "provider",
            "model_prefix",
            "plan",
            "commercial_use",
            "conditions",
            "source_url",
            "checked_on",
            "updated_at",
        ]
        read_only_fields = fields
