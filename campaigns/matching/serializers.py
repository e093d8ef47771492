"""Query and answer shapes of the matching endpoints; they read the ranked matches as they are.

The ranking has already loaded everything a page shows (`CreatorMatch.creator`,
`BriefMatch.brief` with its brand), so these serializers only read attributes, never query.
"""

from typing import Any

from rest_framework import serializers

from .creators import EXCLUDE_CHOICES

MAX_LIMIT = 100


# Query parameters DRF itself reads (content negotiation), allowed beside the declared ones.
FRAMEWORK_PARAMS = frozenset({"format"})


class LimitQuerySerializer(serializers.Serializer):
    """`?limit=` (1..100, default 20); any other parameter is refused by name."""

    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=20)

    def validate(self, attrs: dict) -> dict:  # type: ignore[type-arg]
        known = set(self.fields) | FRAMEWORK_PARAMS
        unknown = sorted(set(getattr(self.initial_data, "keys", dict)()) - known)
        if unknown:
            raise serializers.ValidationError(
                {name[:50]: "unknown parameter" for name in unknown[:10]}
            )
        if str(self.initial_data.get("limit", "1")).strip() == "":
            raise serializers.ValidationError({"limit": "a whole number 1..100, not empty"})
        return attrs


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


def _factor(help_text: str, *, asked_always: bool = False) -> serializers.FloatField:
    if asked_always:
        return serializers.FloatField(help_text=help_text)
    return serializers.FloatField(
        allow_null=True, help_text=f"{help_text}; null when the brief does not ask about it"
    )


class BreakdownSerializer(serializers.Serializer):
    """Each factor in 0..1, before weighting; null: not asked (left out of the
    score, the other weights renormalised)."""

    style = _factor(
        "evidence of the brief's tags (1 − 0.5ⁿ per tag; reels diluted by their tag count, "
        "near-duplicates once, completed contracts count double)"
    )
    relevance = _factor(
        "idf-weighted BM25 strength of the brief's words in the best two approved reels"
    )
    tools = _factor("approved reels made with the preferred models (1 − 0.5ⁿ per model)")
    format = _factor("approved reels in the deliverables' aspect ratio and resolution")
    budget = _factor("quote within the budget (1) down to twice it (0)", asked_always=True)
    quality = _factor("smoothed rating", asked_always=True)
    reliability = _factor("smoothed on-time rate", asked_always=True)
    language = _factor("speaks one of the brief's languages")
    recency = _factor("approved activity in the last 30 (1) or 90 days (0.5)", asked_always=True)


class WeightsSerializer(serializers.Serializer):
    """The configured weight of each factor (renormalised over the factors a brief asks)."""

    style = serializers.FloatField()
    relevance = serializers.FloatField()
    tools = serializers.FloatField()
    format = serializers.FloatField()
    budget = serializers.FloatField()
    quality = serializers.FloatField()
    reliability = serializers.FloatField()
    language = serializers.FloatField()
    recency = serializers.FloatField()


class ReasonDetailSerializer(serializers.Serializer):
    factor = serializers.CharField(
        help_text="a factor, or for kinds constraint/penalty: languages, formats or models"
    )
    kind = serializers.ChoiceField(
        choices=["constraint", "penalty", "lift", "hold", "note"],
        help_text="constraint: a required constraint it misses (ranks below all who meet it); "
        "penalty: a format or model never shown (score lowered); lift: strictly above the "
        "list's average for this factor; hold: strictly below it; note: a plain fact when the "
        "list does not separate it",
    )
    text = serializers.CharField()


class ConstraintsSerializer(serializers.Serializer):
    required = serializers.ListField(
        child=serializers.CharField(),
        help_text="the brief's hard constraints in force (languages, formats, models)",
    )
    missing = serializers.ListField(
        child=serializers.CharField(),
        help_text="those this creator misses: 1 is taken off the score for each",
    )
    penalties = serializers.DictField(
        child=serializers.FloatField(),
        help_text="gap penalties taken off the score (formats never shown, preferred models "
        "with no evidence, when not required)",
    )


class CreatorSummarySerializer(serializers.Serializer):
    handle = serializers.CharField(help_text="what `POST /briefs/{id}/invitations/` takes")
    display_name = serializers.CharField()
    tier = serializers.CharField()
    verified = serializers.BooleanField()
    country = serializers.CharField(allow_null=True, help_text="ISO 3166 code; null when not given")
    rating = serializers.FloatField(allow_null=True)
    completed_contracts = serializers.IntegerField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["country"] = data["country"] or None  # empty optional text is null (docs/API.md)
        return data


class CreatorMatchSerializer(serializers.Serializer):
    creator = CreatorSummarySerializer()
    score = serializers.FloatField(
        help_text="Σ weight × factor over the asked factors less the gap penalties, in "
        "millionths, less 1 per required constraint missed"
    )
    breakdown = BreakdownSerializer()
    reasons = serializers.ListField(
        child=serializers.CharField(),
        min_length=2,
        max_length=3,
        help_text="why this place in the list: what lifts it above the list's average, "
        "then what holds it back",
    )
    reason_details = ReasonDetailSerializer(many=True)
    constraints = ConstraintsSerializer()
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
    brand_verified = serializers.BooleanField(source="brand.verified")
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
    score = serializers.FloatField(help_text="as for matches: the same scorer")
    breakdown = BreakdownSerializer()
    reasons = serializers.ListField(child=serializers.CharField(), min_length=2, max_length=3)
    reason_details = ReasonDetailSerializer(many=True)
    constraints = ConstraintsSerializer()
    invited = serializers.BooleanField(help_text="you were invited to this brief")


class RecommendedBriefsSerializer(serializers.Serializer):
    weights = WeightsSerializer()
    results = BriefMatchSerializer(many=True)
