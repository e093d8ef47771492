"""Query and answer shapes of the matching endpoints; they read the ranked matches as they are.

The ranking has already loaded everything a page shows (`CreatorMatch.creator`,
`BriefMatch.brief` with its brand), so these serializers only read attributes, never query.
"""

from rest_framework import serializers

from .creators import EXCLUDE_CHOICES

MAX_LIMIT = 100


class LimitQuerySerializer(serializers.Serializer):
    """`?limit=` (1..100, default 20)."""

    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=20)


class MatchQuerySerializer(LimitQuerySerializer):
    """`?limit=` (1..100, default 20) and `?exclude=bid,invited`."""

    exclude = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_exclude(self, value: str) -> list[str]:
        items = [item.strip() for item in value.split(",") if item.strip()]
        unknown = sorted(set(items) - set(EXCLUDE_CHOICES))
        if unknown:
            allowed = ", ".join(EXCLUDE_CHOICES)
            raise serializers.ValidationError(
                f"unknown value {', '.join(unknown)}; allowed: {allowed}"
            )
        return items


class BreakdownSerializer(serializers.Serializer):
    """Each factor of DESIGN §6 in 0..1, before weighting."""

    style = serializers.FloatField()
    tools = serializers.FloatField()
    budget = serializers.FloatField()
    quality = serializers.FloatField()
    reliability = serializers.FloatField()
    language = serializers.FloatField()
    recency = serializers.FloatField()


class WeightsSerializer(BreakdownSerializer):
    """The weight of each factor in the score."""


class CreatorSummarySerializer(serializers.Serializer):
    handle = serializers.CharField(help_text="what `POST /briefs/{id}/invitations/` takes")
    display_name = serializers.CharField()
    tier = serializers.CharField()
    verified = serializers.BooleanField()
    country = serializers.CharField()
    rating = serializers.FloatField(allow_null=True)
    completed_contracts = serializers.IntegerField()


class CreatorMatchSerializer(serializers.Serializer):
    creator = CreatorSummarySerializer()
    score = serializers.FloatField(help_text="Σ weight × factor, 0..1")
    breakdown = BreakdownSerializer()
    reasons = serializers.ListField(child=serializers.CharField(), min_length=2, max_length=3)
    invited = serializers.BooleanField(help_text="already invited to this brief")
    has_bid = serializers.BooleanField(help_text="has a live bid on this brief")


class MatchesSerializer(serializers.Serializer):
    brief = serializers.IntegerField()
    weights = WeightsSerializer()
    results = CreatorMatchSerializer(many=True)


class BriefSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    brand = serializers.CharField(source="brand.name")
    tags = serializers.ListField(child=serializers.CharField())
    preferred_models = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    total_seconds = serializers.IntegerField()
    budget_min = serializers.IntegerField()
    budget_max = serializers.IntegerField()
    currency = serializers.CharField()
    bid_deadline = serializers.DateTimeField()
    visibility = serializers.CharField()
    min_tier = serializers.CharField()


class BriefMatchSerializer(serializers.Serializer):
    brief = BriefSummarySerializer()
    score = serializers.FloatField(help_text="Σ weight × factor, 0..1")
    breakdown = BreakdownSerializer()
    reasons = serializers.ListField(child=serializers.CharField(), min_length=2, max_length=3)
    invited = serializers.BooleanField(help_text="you were invited to this brief")


class RecommendedBriefsSerializer(serializers.Serializer):
    weights = WeightsSerializer()
    results = BriefMatchSerializer(many=True)
