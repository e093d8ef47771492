"""Matching endpoints: ranked creators for a brief, ranked briefs for a creator.

A brand member invites a creator straight from a match with the invitations endpoint,
`POST /api/v1/briefs/{id}/invitations/ {"handle": <match.creator.handle>}`.
"""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from marketplace.errors import CommonError, NotFound

from .briefs import recommend_briefs
from .creators import brief_for_member, rank_creators
from .reference import FACTORS, weights
from .serializers import (
    MAX_LIMIT,
    LimitQuerySerializer,
    MatchesSerializer,
    MatchQuerySerializer,
    RecommendedBriefsSerializer,
)

LIMIT_PARAM = OpenApiParameter(
    "limit",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20},
    description=f"how many results, 1..{MAX_LIMIT} (default 20)",
)
EXCLUDE_PARAM = OpenApiParameter(
    "exclude",
    OpenApiTypes.STR,
    description=(
        "comma-separated: `bid` hides creators with a live bid on the brief, "
        "`invited` hides creators already invited"
    ),
)


def _weights() -> dict[str, float]:
    w = weights()
    return {name: w[name] for name in FACTORS}


class BriefMatchViewSet(viewsets.ViewSet):
    """Creators ranked for a brief, with score, breakdown and reasons (brand members only)."""

    permission_classes = [permissions.AllowAny]  # non-members get 404, not 401/403
    error_codes = (CommonError,)

    @extend_schema(
        operation_id="briefs_matches",
        summary="Rank creators for a brief",
        description=(
            "Eligible creators (active, not suspended, tier at least the brief's minimum) best "
            "first: score, then more completed contracts, then creator id. Only members of the "
            "brief's brand see it; everyone else gets 404. To invite a match, `POST "
            '/api/v1/briefs/{id}/invitations/` with `{"handle": creator.handle}`.'
        ),
        parameters=[LIMIT_PARAM, EXCLUDE_PARAM],
        responses=MatchesSerializer,
    )
    def matches(self, request: Request, pk: int) -> Response:
        brief = brief_for_member(request.user, pk)
        if brief is None:
            raise NotFound("no such brief", code=CommonError.NOT_FOUND)
        query = MatchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = rank_creators(
            brief, limit=query.validated_data["limit"], exclude=query.validated_data["exclude"]
        )
        body = {"brief": brief.pk, "weights": _weights(), "results": found}
        return Response(MatchesSerializer(body).data)


class RecommendedBriefViewSet(viewsets.ViewSet):
    """Open briefs the signed-in creator may bid on, ranked with the same scorer."""

    permission_classes = [permissions.IsAuthenticated]
    error_codes = (CommonError,)

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
    def recommended(self, request: Request) -> Response:
        creator = getattr(request.user, "creator_profile", None)
        if creator is None:
            raise NotFound("you have no creator profile", code=CommonError.NOT_FOUND)
        query = LimitQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = recommend_briefs(creator, limit=query.validated_data["limit"])
        body = {"weights": _weights(), "results": found}
        return Response(RecommendedBriefsSerializer(body).data)


urlpatterns = [
    path(
        "briefs/<int:pk>/matches/",
        BriefMatchViewSet.as_view({"get": "matches"}),
        name="brief-matches",
    ),
    path(
        "creators/me/recommended-briefs/",
        RecommendedBriefViewSet.as_view({"get": "recommended"}),
        name="creator-recommended-briefs",
    ),
]
