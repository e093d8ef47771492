"""Creator-facing endpoints: thin views that validate, call a service or selector, serialize."""

from collections.abc import Sequence

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from marketplace.errors import CommonError, NotFound
from marketplace.listcache import cached_public_list
from marketplace.permissions import IsStaff

from . import selectors, services
from .filters import CreatorFilter, ModelLicenceFilter, ReelFilter
from .models import CreatorProfile
from .serializers import (
    CreatorMeSerializer,
    CreatorSerializer,
    ModelLicenceSerializer,
    PartnerApplicationSerializer,
    PortfolioSerializer,
    ReasonSerializer,
    ReelSerializer,
    ReelUpdateSerializer,
    creator_list_item,
    reel_list_item,
)


def _my_profile(request: Request) -> CreatorProfile:
    profile = getattr(request.user, "creator_profile", None)
    if profile is None:
        raise NotFound("you have no creator profile", code=CommonError.NOT_A_CREATOR)
    return profile


class CreatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Public creator profiles (suspended creators are hidden); `me` is your own."""

    error_codes = {
        "me": "not_a_creator not_profile_owner",
    }
    serializer_class = CreatorSerializer
    lookup_field = "handle"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    permission_classes = [permissions.AllowAny]
    filterset_class = CreatorFilter
    search_fields = ["handle", "display_name", "bio"]
    ordering_fields = [
        "created_at",
        "completed_contracts",
        "review_count",
        "last_active_at",
        "handle",
        "min_price_per_project",
    ]
    ordering = ["id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if self.action == "list":
            return selectors.creators_public_base()
        return selectors.creators_public()

    @cached_public_list("creators")
    def list(self, request: Request) -> Response:
        """The page read as values with skills aggregated in SQL (`selectors.creator_rows`)."""
        page = self.paginator.cached_page(request, self)
        if page is None:
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.page_items(page))

    def page_items(self, rows: Sequence[dict]) -> Sequence[dict]:
        """The page's rows as the list shows them (also `marketplace.listpath`'s)."""
        tz = timezone.get_current_timezone()
        return [creator_list_item(row, tz) for row in rows]

    def page_rows(self, queryset):  # type: ignore[no-untyped-def]
        """How the pagination reads the list's page (it counts on the bare queryset)."""
        return selectors.creator_rows(queryset) if self.action == "list" else queryset

    @extend_schema(responses=CreatorMeSerializer, request=CreatorMeSerializer)
    @action(
        detail=False,
        methods=["get", "patch"],
        permission_classes=[permissions.IsAuthenticated],
        serializer_class=CreatorMeSerializer,
        filterset_class=None,
        pagination_class=None,
    )
    def me(self, request: Request) -> Response:
        profile = _my_profile(request)
        if request.method == "PATCH":
            serializer = CreatorMeSerializer(profile, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            profile = services.creator_profile_update(
                actor=request.user, profile=profile, data=serializer.validated_data
            )
        profile = CreatorProfile.objects.prefetch_related("skills").get(pk=profile.pk)
        return Response(CreatorMeSerializer(profile).data)


class PortfolioViewSet(viewsets.ModelViewSet):
    """Portfolios: anyone reads those of active creators; a creator changes only their own."""

    error_codes = {
        "create": "not_a_creator portfolio_name_taken",
        "destroy": "not_owner",
        "partial_update": "not_owner portfolio_name_taken",
        "update": "not_owner portfolio_name_taken",
    }
    serializer_class = PortfolioSerializer
    filterset_fields = {"creator__handle": ["exact"]}
    search_fields = ["name", "description"]
    ordering_fields = ["created_at", "name"]
    ordering = ["id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if self.request.method in permissions.SAFE_METHODS:
            return selectors.portfolios_visible_to(self.request.user)
        return selectors.portfolios_owned_by(self.request.user)

    def perform_create(self, serializer: PortfolioSerializer) -> None:
        serializer.instance = services.portfolio_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: PortfolioSerializer) -> None:
        serializer.instance = services.portfolio_update(
            actor=self.request.user, portfolio=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance) -> None:  # type: ignore[no-untyped-def]
        services.portfolio_delete(actor=self.request.user, portfolio=instance)


class ReelViewSet(viewsets.ModelViewSet):
    """Reels: the public sees approved ones; creators manage their own with the video nested."""

    error_codes = {
        "create": "not_a_creator portfolio_not_found",
        "destroy": "not_owner",
        "partial_update": "invalid_state not_owner portfolio_not_found",
        "update": "invalid_state not_owner portfolio_not_found",
    }
    filterset_class = ReelFilter
    search_fields = ["title", "description", "video__prompt"]
    ordering_fields = ["created_at", "id", "video__duration_s"]
    ordering = ["-id"]

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        if self.action in {"update", "partial_update"}:
            return ReelUpdateSerializer
        return ReelSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if self.request.method in permissions.SAFE_METHODS:
            return selectors.reels_visible_to(self.request.user)
        return selectors.reels_owned_by(self.request.user)

    @cached_public_list("reels")
    def list(self, request: Request) -> Response:
        """The page read as values, the video and creator joined in (`selectors.reel_rows`)."""
        page = self.paginator.cached_page(request, self)
        if page is None:
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.page_items(page))

    def page_items(self, rows: Sequence[dict]) -> Sequence[dict]:
        """The page's rows as the list shows them (also `marketplace.listpath`'s)."""
        tz = timezone.get_current_timezone()
        return [reel_list_item(row, tz) for row in rows]

    def page_rows(self, queryset):  # type: ignore[no-untyped-def]
        """How the pagination reads the list's page (it counts on the bare queryset)."""
        return selectors.reel_rows(queryset) if self.action == "list" else queryset

    def perform_create(self, serializer: ReelSerializer) -> None:
        serializer.instance = services.reel_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: ReelSerializer) -> None:
        serializer.instance = services.reel_update(
            actor=self.request.user, reel=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance) -> None:  # type: ignore[no-untyped-def]
        services.reel_delete(actor=self.request.user, reel=instance)


class PartnerApplicationViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The partner programme: creators apply (one pending at a time); staff decide."""

    error_codes = {
        "approve": "forbidden invalid_state tier_unknown",
        "create": "already_above_standard application_pending not_a_creator",
        "reject": "forbidden invalid_state reason_required",
    }
    serializer_class = PartnerApplicationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status"]
    ordering_fields = ["created_at"]
    ordering = ["-id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.applications_visible_to(self.request.user)

    def perform_create(self, serializer: PartnerApplicationSerializer) -> None:
        serializer.instance = services.partner_application_create(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, responses=PartnerApplicationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def approve(self, request: Request, pk: str) -> Response:
        application = get_object_or_404(self.get_queryset(), pk=pk)
        application = services.partner_application_approve(
            actor=request.user, application=application
        )
        return Response(PartnerApplicationSerializer(application).data)

    @extend_schema(request=ReasonSerializer, responses=PartnerApplicationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def reject(self, request: Request, pk: str) -> Response:
        application = get_object_or_404(self.get_queryset(), pk=pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.partner_application_reject(
            actor=request.user, application=application, reason=data.validated_data["reason"]
        )
        return Response(PartnerApplicationSerializer(application).data, status=status.HTTP_200_OK)


class ModelLicenceViewSet(viewsets.ReadOnlyModelViewSet):
    """What each generator plan allows for commercial use, with the source and the date it was
    checked; staff keep the rows in the admin. A video's verdict comes from these rows."""

    serializer_class = ModelLicenceSerializer
    permission_classes = [permissions.AllowAny]
    lookup_value_regex = r"\d+"
    filterset_class = ModelLicenceFilter
    search_fields = ["model_prefix", "conditions"]
    ordering_fields = ["provider", "plan", "checked_on"]
    ordering = ["provider", "plan", "model_prefix"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.model_licences()
