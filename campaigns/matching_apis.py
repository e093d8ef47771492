"""Matching endpoints: ranked creators for a brief, ranked briefs for a creator (DESIGN §6).

A brand member invites a creator straight from a match with the invitations endpoint,
`POST /api/v1/briefs/{id}/invitations/ {"handle": <match.creator.handle>}`.
"""

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.errors import NotFound

from . import matching
from .matching_reference import FACTORS, weights

MAX_LIMIT = 100


class MatchQuerySerializer(serializers.Serializer):
    """`?limit=` (1..100, default 20) and `?exclude=bid,invited`."""

    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=20)
    exclude = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_exclude(self, value: str) -> list[str]:
        items = [item.strip() for item in value.split(",") if item.strip()]
        unknown = sorted(set(items) - set(matching.EXCLUDE_CHOICES))
        if unknown:
            allowed = ", ".join(matching.EXCLUDE_CHOICES)
            raise serializers.ValidationError(
                f"unknown value {', '.join(unknown)}; allowed: {allowed}"
            )
        return items


class LimitQuerySerializer(serializers.Serializer):
    """`?limit=` (1..100, default 20)."""

    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=20)


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
    brand = serializers.CharField()
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


def _creator_match(match: matching.CreatorMatch) -> dict[str, Any]:
    creator = match.creator
    return {
        "creator": {
            "handle": creator.handle,
            "display_name": creator.display_name,
            "tier": creator.tier,
            "verified": creator.verified,
            "country": creator.country,
            "rating": creator.rating,
            "completed_contracts": creator.completed_contracts,
        },
        "score": match.score,
        "breakdown": match.breakdown,
        "reasons": match.reasons,
        "invited": match.invited,
        "has_bid": match.has_bid,
    }


def _brief_match(match: matching.BriefMatch) -> dict[str, Any]:
    brief = match.brief
    return {
        "brief": {
            "id": brief.pk,
            "title": brief.title,
            "brand": brief.brand.name,
            "tags": brief.tags,
            "preferred_models": brief.preferred_models,
            "languages": brief.languages,
            "total_seconds": brief.total_seconds,
            "budget_min": brief.budget_min,
            "budget_max": brief.budget_max,
            "currency": brief.currency,
            "bid_deadline": brief.bid_deadline,
            "visibility": brief.visibility,
            "min_tier": brief.min_tier,
        },
        "score": match.score,
        "breakdown": match.breakdown,
        "reasons": match.reasons,
        "invited": match.invited,
    }


def _weights() -> dict[str, float]:
    w = weights()
    return {name: w[name] for name in FACTORS}


LIMIT_PARAM = OpenApiParameter(
    "limit", OpenApiTypes.INT, description="how many results, 1..100 (default 20)"
)


class BriefMatchesView(APIView):
    """Creators ranked for a brief, with score, breakdown and reasons (brand members only)."""

    permission_classes = [permissions.AllowAny]  # non-members get 404, not 401/403

    @extend_schema(
        operation_id="briefs_matches",
        summary="Rank creators for a brief",
        description=(
            "Eligible creators (active, not suspended, tier at least the brief's minimum) best "
            "first: score, then more completed contracts, then creator id. Only members of the "
            "brief's brand see it; everyone else gets 404. To invite a match, `POST "
            '/api/v1/briefs/{id}/invitations/` with `{"handle": creator.handle}`.'
        ),
        parameters=[
            LIMIT_PARAM,
            OpenApiParameter(
                "exclude",
                OpenApiTypes.STR,
                description=(
                    "comma-separated: `bid` hides creators with a live bid on the brief, "
                    "`invited` hides creators already invited"
                ),
            ),
        ],
        responses=MatchesSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        brief = matching.brief_for_member(request.user, pk)
        if brief is None:
            raise NotFound("no such brief")
        query = MatchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = matching.rank_creators(
            brief, limit=query.validated_data["limit"], exclude=query.validated_data["exclude"]
        )
        body = {
            "brief": brief.pk,
            "weights": _weights(),
            "results": [_creator_match(m) for m in found],
        }
        return Response(MatchesSerializer(body).data)


class RecommendedBriefsView(APIView):
    """Open briefs the signed-in creator may bid on, ranked with the same scorer."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="creators_me_recommended_briefs",
        summary="Rank open briefs for me (a creator)",
        description=(
            "Open briefs with a future bid deadline, a minimum tier at most yours, public or "
            "invite-only with an invitation you have not declined, and no live bid of yours yet; "
            "best first: score, then earlier bid deadline, then brief id. Empty while you are "
            "suspended; 404 if you have no creator profile."
        ),
        parameters=[LIMIT_PARAM],
        responses=RecommendedBriefsSerializer,
    )
    def get(self, request: Request) -> Response:
        creator = getattr(request.user, "creator_profile", None)
        if creator is None:
            raise NotFound("you have no creator profile")
        query = LimitQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = matching.recommend_briefs(creator, limit=query.validated_data["limit"])
        body = {"weights": _weights(), "results": [_brief_match(m) for m in found]}
        return Response(RecommendedBriefsSerializer(body).data)


urlpatterns = [
    path("briefs/<int:pk>/matches/", BriefMatchesView.as_view(), name="brief-matches"),
    path(
        "creators/me/recommended-briefs/",
        RecommendedBriefsView.as_view(),
        name="creator-recommended-briefs",
    ),
]
