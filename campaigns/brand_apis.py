"""Brand, member, member-invitation and IP endpoints: validate, call one service or selector,
answer."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from marketplace.errors import InvalidInput
from marketplace.pagination import page_of_items, page_serializer

from . import selectors, services
from .errors import CampaignError
from .filters import IPAssetFilter
from .models import Brand, BrandMembership, IPAsset, MemberInvitation
from .schema import BRAND_ID, USER_ID, schema_generation
from .serializers import (
    BrandSerializer,
    BrandVerificationCreateSerializer,
    BrandVerificationSerializer,
    IPAssetSerializer,
    IPAssetUpdateSerializer,
    MemberAddSerializer,
    MemberInvitationSerializer,
    MemberSerializer,
    ReceivedMemberInvitationSerializer,
)

# Brands -----------------------------------------------------------------------------------


class BrandViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Your brands (staff: all). Anyone signed in may create a brand and becomes its owner;
    owners edit it."""

    error_codes = {
        "create": "verified_read_only",
        "partial_update": "verified_read_only",
        "update": "verified_read_only",
        "verification": (
            "brand_already_verified not_brand_member verification_field_invalid "
            "verification_pending"
        ),
    }
    serializer_class = BrandSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    filterset_fields = ["verified"]
    search_fields = ["name", "slug", "description"]
    ordering_fields = ["name", "created_at"]
    ordering = ["id"]

    def get_queryset(self) -> QuerySet[Brand]:
        return selectors.brands_visible_to(self.request.user)

    def _refuse_verified(self, data: Any) -> None:
        """`verified` is staff's decision on a verification request, never a brand's edit:
        sending it answers 400 naming the field instead of being silently ignored."""
        if hasattr(data, "keys") and "verified" in data.keys():
            raise InvalidInput(
                "set by staff after a verification request "
                "(POST /api/v1/brands/{id}/verification/)",
                code=CampaignError.VERIFIED_READ_ONLY,
                field="verified",
            )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._refuse_verified(request.data)
        return super().create(request, *args, **kwargs)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.get_object()  # another tenant's brand answers 404 first
        self._refuse_verified(request.data)
        return super().update(request, *args, **kwargs)

    @extend_schema(
        methods=["GET"], request=None, responses={200: page_serializer(BrandVerificationSerializer)}
    )
    @extend_schema(
        methods=["POST"],
        request=BrandVerificationCreateSerializer,
        responses={201: BrandVerificationSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="verification",
        pagination_class=None,
        filter_backends=[],
    )
    def verification(self, request: Request, pk: str) -> Response:
        """Ask staff to verify the brand (owners and managers, POST: the company's site, its
        registration number, a contact); staff approve or reject it with a reason in the
        admin. GET lists the brand's requests, newest first, with staff's decisions (a page
        of the list envelope)."""
        brand = self.get_object()
        if request.method == "POST":
            data = BrandVerificationCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            verification = services.brand_verification_request(
                actor=request.user, brand=brand, **data.validated_data
            )
            return Response(
                BrandVerificationSerializer(verification).data, status=status.HTTP_201_CREATED
            )
        requests = selectors.brand_verifications(brand)
        serialize = BrandVerificationSerializer(many=True).to_representation
        return Response(page_of_items(request, requests, serialize))

    def perform_create(self, serializer: BrandSerializer) -> None:
        brand = services.brand_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=brand.pk)

    def perform_update(self, serializer: BrandSerializer) -> None:
        brand = services.brand_update(
            actor=self.request.user, brand=serializer.instance, data=serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=brand.pk)


@extend_schema(parameters=[BRAND_ID])
class BrandMemberViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A brand's members: every member reads the list; owners invite (by e-mail) and remove.

    `POST` invites an address: it answers 201 with a pending invitation, the same whether or
    not an account has that address; the invitee accepts at `/brand-invitations/{id}/accept/`.
    """

    error_codes = {
        "create": (
            "already_member member_invitation_pending member_role_invalid not_brand_member "
            "not_brand_owner"
        ),
        "destroy": "last_owner member_not_found not_brand_member not_brand_owner",
    }
    serializer_class = MemberSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "user_id"
    lookup_value_regex = r"\d+"
    search_fields = ["user__email", "user__full_name"]
    ordering_fields = ["created_at"]
    ordering = ["id"]

    def _brand(self) -> Brand:
        return get_object_or_404(
            selectors.brands_visible_to(self.request.user), pk=self.kwargs["brand_id"]
        )

    def get_queryset(self) -> QuerySet[BrandMembership]:
        if schema_generation(self):
            return BrandMembership.objects.none()
        return selectors.brand_members(self._brand())

    @extend_schema(request=MemberAddSerializer, responses={201: MemberInvitationSerializer})
    def create(self, request: Request, brand_id: str) -> Response:
        brand = self._brand()
        data = MemberAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.member_invitation_create(
            actor=request.user, brand=brand, **data.validated_data
        )
        return Response(MemberInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[USER_ID], responses={204: None})
    def destroy(self, request: Request, brand_id: str, user_id: str) -> Response:
        brand = self._brand()
        # `user__pk`, not `user_id`: the pk lookup turns an id beyond the bigint range into
        # "no match" (404), where a foreign-key lookup hands it to the driver (a 500 on SQLite).
        membership = get_object_or_404(selectors.brand_members(brand), user__pk=user_id)
        services.brand_member_remove(actor=request.user, brand=brand, user=membership.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[BRAND_ID])
class BrandMemberInvitationViewSet(
    mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """A brand's membership invitations: members read them; owners revoke a pending one."""

    error_codes = {
        "confirm": (
            "email_unverified invalid_state not_brand_member not_brand_owner not_inviting_owner"
        ),
        "destroy": "invalid_state not_brand_member not_brand_owner",
    }
    serializer_class = MemberInvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    filterset_fields = ["status"]
    search_fields = ["email"]
    ordering_fields = ["created_at"]
    ordering = ["-id"]

    def _brand(self) -> Brand:
        return get_object_or_404(
            selectors.brands_visible_to(self.request.user), pk=self.kwargs["brand_id"]
        )

    def get_queryset(self) -> QuerySet[MemberInvitation]:
        if schema_generation(self):
            return MemberInvitation.objects.none()
        return selectors.member_invitations_of_brand(self._brand())

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, brand_id: str, pk: str) -> Response:
        services.member_invitation_revoke(actor=request.user, invitation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=MemberInvitationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, brand_id: str, pk: str) -> Response:
        """The inviting owner confirms an owner invitation its invitee accepted (`awaiting`):
        only then does the invitee become an owner."""
        services.member_invitation_confirm(actor=request.user, invitation=self.get_object())
        return Response(MemberInvitationSerializer(self.get_queryset().get(pk=pk)).data)


class MemberInvitationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Invitations to join a brand addressed to your e-mail; accept or decline them."""

    error_codes = {
        "accept": "email_unverified invalid_state not_member_invitee",
        "decline": "invalid_state not_member_invitee",
    }
    serializer_class = ReceivedMemberInvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    filterset_fields = ["status"]
    ordering_fields = ["created_at"]
    ordering = ["-id"]

    def get_queryset(self) -> QuerySet[MemberInvitation]:
        if schema_generation(self):
            return MemberInvitation.objects.none()
        return selectors.member_invitations_for(self.request.user)

    def _answer(self, invitation: MemberInvitation) -> Response:
        invitation = self.get_queryset().get(pk=invitation.pk)
        return Response(ReceivedMemberInvitationSerializer(invitation).data)

    @extend_schema(request=None, responses=ReceivedMemberInvitationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        invitation = self.get_object()
        services.member_invitation_accept(actor=request.user, invitation=invitation)
        return self._answer(invitation)

    @extend_schema(request=None, responses=ReceivedMemberInvitationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        invitation = self.get_object()
        services.member_invitation_decline(actor=request.user, invitation=invitation)
        return self._answer(invitation)


# IP assets --------------------------------------------------------------------------------


class IPAssetViewSet(viewsets.ModelViewSet):
    """IP assets of your brands, with their default licence terms; members manage them."""

    error_codes = {
        "create": (
            "channel_invalid licence_dates_invalid not_brand_member rights_outside_ip_licence "
            "term_invalid territory_invalid"
        ),
        "destroy": "ip_in_use not_brand_member",
        "partial_update": (
            "channel_invalid ip_brand_fixed licence_dates_invalid not_brand_member "
            "rights_outside_ip_licence term_invalid territory_invalid"
        ),
        "update": (
            "channel_invalid ip_brand_fixed licence_dates_invalid not_brand_member "
            "rights_outside_ip_licence term_invalid territory_invalid"
        ),
    }
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    filterset_class = IPAssetFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]
    ordering = ["id"]

    def get_serializer_class(self) -> type[IPAssetSerializer]:
        if self.action in {"update", "partial_update"}:
            return IPAssetUpdateSerializer
        return IPAssetSerializer

    def get_queryset(self) -> QuerySet[IPAsset]:
        return selectors.ips_visible_to(self.request.user)

    def perform_create(self, serializer: IPAssetSerializer) -> None:
        serializer.instance = services.ip_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: IPAssetSerializer) -> None:
        serializer.instance = services.ip_update(
            actor=self.request.user, ip=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance: IPAsset) -> None:
        services.ip_delete(actor=self.request.user, ip=instance)
