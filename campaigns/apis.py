"""Brief, invitation and bid endpoints (brands and IP: `brand_apis`): validate, call one service
or selector, answer.

Objects come from the `*_visible_to(user)` selectors, so another tenant's private object is 404;
the services answer 403 where the object is visible but the act is not allowed.
"""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from marketplace.errors import CommonError, Forbidden, InvalidInput
from marketplace.listcache import cached_public_list
from marketplace.pagination import page_of_items, page_serializer
from marketplace.permissions import IsStaff

from . import pricing, selectors, services
from .brand_apis import (
    BrandMemberInvitationViewSet,
    BrandMemberViewSet,
    BrandViewSet,
    IPAssetViewSet,
    MemberInvitationViewSet,
)
from .errors import BidRule, CampaignError
from .filters import BidFilter, BriefFilter, InvitationFilter
from .models import Bid, Brief, Invitation
from .schema import BRIEF_ID, schema_generation
from .serializers import (
    BidAcceptSerializer,
    BidCreateSerializer,
    BidSerializer,
    BriefSerializer,
    BriefUpdateSerializer,
    BriefWriteSerializer,
    ContractSerializer,
    FeePreviewQuerySerializer,
    FeePreviewSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    OptionalReasonSerializer,
    RejectionSerializer,
    TestShotCreateSerializer,
    brief_list_item,
)

# Briefs -----------------------------------------------------------------------------------


class BriefViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Briefs: open public ones for everyone, invited ones for creators, all of your brands'
    briefs for their members. Members draft, edit (draft or rejected), submit, close and cancel;
    staff approve or reject."""

    error_codes = {
        "approve": (
            "bid_deadline_passed forbidden invalid_state ip_ai_forbidden ip_consent_expired "
            "ip_consent_missing ip_licence_ended rights_outside_ip_licence"
        ),
        "cancel": "brief_has_contracts invalid_state not_brand_member",
        "close": "invalid_state not_brand_member",
        "create": (
            "brand_required channel_invalid deliverables_invalid ip_ai_forbidden "
            "ip_consent_expired ip_consent_missing ip_licence_ended not_brand_member "
            "preferred_models_invalid required_invalid rights_outside_ip_licence term_invalid "
            "territory_invalid"
        ),
        "fee_preview": "amount_invalid bid_currency_mismatch currency_unsupported not_a_creator",
        "partial_update": (
            "brief_brand_fixed channel_invalid deliverables_invalid invalid_state "
            "ip_ai_forbidden ip_consent_expired ip_consent_missing ip_licence_ended "
            "not_brand_member preferred_models_invalid required_invalid "
            "rights_outside_ip_licence term_invalid territory_invalid"
        ),
        "reject": "forbidden invalid_state reason_required",
        "submit": (
            "deliverables_invalid invalid_state ip_ai_forbidden ip_consent_expired "
            "ip_consent_missing ip_licence_ended not_brand_member rights_outside_ip_licence"
        ),
        "test_shots": (
            "deliverables_invalid due_date_invalid invalid_state not_a_bidder not_brand_member "
            "test_shot_below_cost test_shot_exists"
        ),
    }
    serializer_class = BriefSerializer
    lookup_value_regex = r"\d+"
    filterset_class = BriefFilter
    search_fields = ["title", "description", "brand__name"]
    ordering_fields = [
        "created_at",
        "bid_deadline",
        "delivery_deadline",
        "budget_min",
        "budget_max",
        "total_seconds",
        "title",
    ]
    ordering = ["-id"]

    def get_queryset(self) -> QuerySet[Brief]:
        return selectors.briefs_visible_to(self.request.user)

    @cached_public_list("briefs")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The page read as values with brand and IP names (`selectors.brief_rows`)."""
        page = self.paginator.cached_page(request, self)
        if page is None:
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.page_items(page))

    def page_items(self, rows: Sequence[dict]) -> Sequence[dict]:
        """The page's rows as the list shows them (also `marketplace.listpath`'s)."""
        tz = timezone.get_current_timezone()
        costs: dict = {}  # generation cost estimates, shared by the page's alike briefs
        return [brief_list_item(row, tz, costs) for row in rows]

    def page_rows(self, queryset: QuerySet[Brief]) -> QuerySet:
        """How the pagination reads the list's page (it counts on the bare queryset)."""
        return selectors.brief_rows(queryset) if self.action == "list" else queryset

    def _answer(self, brief: Brief, code: int = status.HTTP_200_OK) -> Response:
        brief = selectors.briefs_visible_to(self.request.user).get(pk=brief.pk)
        return Response(BriefSerializer(brief).data, status=code)

    @extend_schema(request=BriefWriteSerializer, responses={201: BriefSerializer})
    def create(self, request: Request) -> Response:
        data = BriefWriteSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        brand = fields.pop("brand", None)
        if brand is None:
            mine = list(selectors.brands_visible_to(request.user).filter(my_role__isnull=False))
            if len(mine) != 1:
                raise InvalidInput(
                    "name the brand this brief is for",
                    code=CampaignError.BRAND_REQUIRED,
                    field="brand",
                )
            brand = mine[0]
        brief = services.brief_create(actor=request.user, brand=brand, **fields)
        return self._answer(brief, status.HTTP_201_CREATED)

    @extend_schema(request=BriefUpdateSerializer, responses=BriefSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        brief = self.get_object()
        data = BriefUpdateSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        brief = services.brief_update(actor=request.user, brief=brief, data=data.validated_data)
        return self._answer(brief)

    @extend_schema(request=None, responses=BriefSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def submit(self, request: Request, pk: str) -> Response:
        brief = services.brief_submit(actor=request.user, brief=self.get_object())
        return self._answer(brief)

    @extend_schema(request=None, responses=BriefSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def approve(self, request: Request, pk: str) -> Response:
        brief = services.brief_approve(actor=request.user, brief=self.get_object())
        return self._answer(brief)

    @extend_schema(request=RejectionSerializer, responses=BriefSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def reject(self, request: Request, pk: str) -> Response:
        brief = self.get_object()
        data = RejectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        brief = services.brief_reject(
            actor=request.user, brief=brief, reason=data.validated_data["reason"]
        )
        return self._answer(brief)

    @extend_schema(request=None, responses=BriefSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def close(self, request: Request, pk: str) -> Response:
        brief = services.brief_close(actor=request.user, brief=self.get_object())
        return self._answer(brief)

    @extend_schema(request=None, responses=BriefSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def cancel(self, request: Request, pk: str) -> Response:
        brief = services.brief_cancel(actor=request.user, brief=self.get_object())
        return self._answer(brief)

    @extend_schema(
        parameters=[FeePreviewQuerySerializer],
        responses=FeePreviewSerializer,
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="fee-preview",
        permission_classes=[permissions.IsAuthenticated],
        filter_backends=[],
        pagination_class=None,
    )
    def fee_preview(self, request: Request, pk: str) -> Response:
        """For a creator: the fee, net, fee rate, tier and generation-cost warnings a bid of
        `amount` on this brief would carry — the same figures the bid will show."""
        brief = self.get_object()
        creator = getattr(request.user, "creator_profile", None)
        if creator is None:
            raise Forbidden(
                "only creators bid", code=CommonError.NOT_A_CREATOR, rule=BidRule.NOT_A_CREATOR
            )
        pricing.amount_minor_units_check(request.query_params.get("amount"))
        query = FeePreviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        currency = query.validated_data.get("currency", brief.currency).upper()
        if currency not in settings.CURRENCIES:
            raise InvalidInput(
                f"unknown currency {currency!r}",
                code=CampaignError.CURRENCY_UNSUPPORTED,
                field="currency",
            )
        if currency != brief.currency:
            raise InvalidInput(
                f"bids on this brief are in {brief.currency}",
                code=CampaignError.BID_CURRENCY_MISMATCH,
                field="currency",
            )
        preview = pricing.fee_preview(
            brief=brief, amount=query.validated_data["amount"], tier=creator.tier
        )
        return Response(FeePreviewSerializer(preview).data)

    @extend_schema(methods=["GET"], responses={200: page_serializer(ContractSerializer)})
    @extend_schema(
        methods=["POST"], request=TestShotCreateSerializer, responses={201: ContractSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="test-shots",
        permission_classes=[permissions.IsAuthenticated],
        filter_backends=[],
    )
    def test_shots(self, request: Request, pk: str) -> Response:
        """Paid test shots on the brief: a brand member offers one to a bidder (POST); the
        brand sees them all, a creator their own."""
        brief = self.get_object()
        if request.method == "POST":
            data = TestShotCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            fields = dict(data.validated_data)
            contract = services.paid_shot_offer(
                actor=request.user,
                brief=brief,
                bid_id=fields["bid"],
                fee=fields["fee"],
                deliverable=dict(fields["deliverable"]),
                due_date=fields["due_date"],
                note=fields.get("note", ""),
            )
            contract = selectors.contracts_visible_to(request.user).get(pk=contract.pk)
            return Response(ContractSerializer(contract).data, status=status.HTTP_201_CREATED)
        shots = selectors.brief_test_shots(request.user, brief).order_by("-id")
        return Response(
            page_of_items(request, shots, ContractSerializer(many=True).to_representation)
        )


class _BriefChildMixin:
    """For endpoints under /briefs/{brief_id}/: the brief must be visible to the caller."""

    request: Request
    kwargs: dict[str, Any]

    def brief(self) -> Brief:
        return get_object_or_404(
            selectors.briefs_visible_to(self.request.user), pk=self.kwargs["brief_id"]
        )


@extend_schema(parameters=[BRIEF_ID])
class BriefInvitationViewSet(_BriefChildMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Invitations to a brief: its brand's members invite creators by handle and see them all;
    an invited creator sees their own."""

    error_codes = {
        "create": "already_invited below_min_tier creator_not_found invalid_state not_brand_member",
    }
    serializer_class = InvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = InvitationFilter
    ordering_fields = ["created_at"]
    ordering = ["-id"]

    def get_queryset(self) -> QuerySet[Invitation]:
        if schema_generation(self):
            return Invitation.objects.none()
        return selectors.invitations_visible_to(self.request.user).filter(brief=self.brief())

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer})
    def create(self, request: Request, brief_id: str) -> Response:
        brief = self.brief()
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            actor=request.user, brief=brief, **data.validated_data
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Invitations you received (as a creator) or sent (as a brand member); creators decline."""

    error_codes = {
        "decline": "invalid_state live_bid_exists not_invitee",
    }
    serializer_class = InvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    filterset_class = InvitationFilter
    ordering_fields = ["created_at"]
    ordering = ["-id"]

    def get_queryset(self) -> QuerySet[Invitation]:
        return selectors.invitations_visible_to(self.request.user)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        invitation = services.invitation_decline(actor=request.user, invitation=self.get_object())
        invitation = self.get_queryset().get(pk=invitation.pk)
        return Response(InvitationSerializer(invitation).data)


# Bids -------------------------------------------------------------------------------------


def _bid_answer(user: Any, bid: Bid, code: int = status.HTTP_200_OK) -> Response:
    bid = selectors.bids_visible_to(user).get(pk=bid.pk)
    return Response(BidSerializer(bid).data, status=code)


@extend_schema(parameters=[BRIEF_ID])
class BriefBidViewSet(_BriefChildMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Bids on a brief: creators bid here and see their own; brand members see them all."""

    error_codes = {
        "create": (
            "amount_invalid below_min_tier bid_currency_mismatch bid_deadline_passed "
            "creator_suspended invalid_state live_bid_exists milestone_due_date_invalid "
            "milestones_invalid milestones_sum_mismatch not_a_creator not_invited own_brand "
            "sample_reels_invalid too_many_milestones"
        ),
    }
    serializer_class = BidSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = BidFilter
    search_fields = ["pitch", "creator__handle"]
    ordering_fields = ["created_at", "amount"]
    ordering = ["-id"]

    def get_queryset(self) -> QuerySet[Bid]:
        if schema_generation(self):
            return Bid.objects.none()
        return selectors.bids_visible_to(self.request.user).filter(brief=self.brief())

    @extend_schema(request=BidCreateSerializer, responses={201: BidSerializer})
    def create(self, request: Request, brief_id: str) -> Response:
        brief = self.brief()
        data = BidCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = services.bid_create(actor=request.user, brief=brief, **data.validated_data)
        return _bid_answer(request.user, bid, status.HTTP_201_CREATED)


class BidViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your bids (as a creator) and the bids on your brands' briefs (as a member).

    Creators edit and withdraw their own; brand members shortlist, reject and accept.
    """

    error_codes = {
        "accept": "creator_suspended invalid_state not_brand_member slots_filled",
        "partial_update": (
            "amount_invalid bid_currency_mismatch bid_deadline_passed invalid_state "
            "milestone_due_date_invalid milestones_invalid milestones_sum_mismatch not_bidder "
            "sample_reels_invalid too_many_milestones"
        ),
        "reject": "invalid_state not_brand_member",
        "shortlist": "invalid_state not_brand_member",
        "withdraw": "invalid_state not_bidder",
    }
    serializer_class = BidSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    filterset_class = BidFilter
    search_fields = ["pitch", "creator__handle", "brief__title"]
    ordering_fields = ["created_at", "amount"]
    ordering = ["-id"]

    def get_queryset(self) -> QuerySet[Bid]:
        return selectors.bids_visible_to(self.request.user)

    @extend_schema(request=BidCreateSerializer, responses=BidSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        bid = self.get_object()
        data = BidCreateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        bid = services.bid_update(actor=request.user, bid=bid, data=data.validated_data)
        return _bid_answer(request.user, bid)

    @extend_schema(request=None, responses=BidSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        bid = services.bid_withdraw(actor=request.user, bid=self.get_object())
        return _bid_answer(request.user, bid)

    @extend_schema(request=None, responses=BidSerializer)
    @action(detail=True, methods=["post"])
    def shortlist(self, request: Request, pk: str) -> Response:
        bid = services.bid_shortlist(actor=request.user, bid=self.get_object())
        return _bid_answer(request.user, bid)

    @extend_schema(request=OptionalReasonSerializer, responses=BidSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        bid = self.get_object()
        data = OptionalReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = services.bid_reject(
            actor=request.user, bid=bid, reason=data.validated_data.get("reason", "")
        )
        return _bid_answer(request.user, bid)

    @extend_schema(request=None, responses=BidAcceptSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        contract = services.bid_accept(actor=request.user, bid=self.get_object())
        bid = selectors.bids_visible_to(request.user).get(pk=contract.bid_id)
        contract = selectors.contracts_visible_to(request.user).get(pk=contract.pk)
        body = {
            "bid": BidSerializer(bid).data,
            "contract": ContractSerializer(contract).data,
        }
        return Response(body)


router = SimpleRouter()
router.register("brands", BrandViewSet, basename="brand")
router.register(r"brands/(?P<brand_id>\d+)/members", BrandMemberViewSet, basename="brand-member")
router.register(
    r"brands/(?P<brand_id>\d+)/member-invitations",
    BrandMemberInvitationViewSet,
    basename="brand-member-invitation",
)
router.register("brand-invitations", MemberInvitationViewSet, basename="member-invitation")
router.register("ips", IPAssetViewSet, basename="ip")
router.register("briefs", BriefViewSet, basename="brief")
router.register(
    r"briefs/(?P<brief_id>\d+)/invitations", BriefInvitationViewSet, basename="brief-invitation"
)
router.register(r"briefs/(?P<brief_id>\d+)/bids", BriefBidViewSet, basename="brief-bid")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("bids", BidViewSet, basename="bid")
