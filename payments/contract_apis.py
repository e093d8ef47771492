"""Contract endpoints: reading contracts and every action on one, from funding to review.

The contract rows live in campaigns (a bid's acceptance makes them); what happens to them
afterwards is money, so their API lives here. `get_object()` answers 404 to anyone who may not
see the contract; each action's service then checks who may act."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns import selectors as campaign_selectors
from campaigns import services as campaign_services
from campaigns.disclosure import DESTINATIONS, disclosure_pack
from campaigns.errors import CampaignError
from campaigns.filters import ContractFilter
from campaigns.models import Contract
from campaigns.serializers import (
    ChangeOrderCreateSerializer,
    ChangeOrderSerializer,
    ContractRightsSerializer,
    ContractSerializer,
    MilestoneSerializer,
)
from marketplace.errors import Conflict, InvalidInput
from marketplace.pagination import page_of_items, page_serializer

from . import selectors
from .milestone_actions import MilestoneActions, deliver, validated
from .serializers import (
    ContractFundSerializer,
    DeliveryCreateSerializer,
    DeliverySerializer,
    FundResponseSerializer,
    PaymentSerializer,
    ReviewSerializer,
)
from .services import funding, reviews

STRIPE_UNAVAILABLE = OpenApiResponse(
    description="Stripe is unreachable or failing; nothing was changed, retry later"
)


class ContractViewSet(MilestoneActions, viewsets.ReadOnlyModelViewSet):
    """Contracts you are a party to: as their creator or a member of their brand (staff: all).

    The actions on the contract itself (fund, deliveries, approve, ...) act on a one-milestone
    contract's milestone; a contract of several answers 409 `use_milestone_endpoints` and is
    acted on through /milestones/{id}/... (or funded with `milestones` here)."""

    serializer_class = ContractSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    filterset_class = ContractFilter
    search_fields = ["brief__title", "creator__handle", "brand__name"]
    ordering_fields = ["created_at", "amount", "delivery_deadline"]
    ordering = ["-id"]
    error_codes = {
        "approve": (
            "contract_not_found invalid_state milestone_not_found not_brand_member "
            "review_period_running use_milestone_endpoints"
        ),
        "cancel": (
            "contract_not_found funding_in_progress invalid_state milestone_not_found "
            "not_contract_party use_milestone_endpoints"
        ),
        "change_orders": (
            "amount_invalid change_order_kind_invalid contract_ended contract_not_found "
            "due_date_invalid extension_invalid extension_months_invalid not_contract_party "
            "rights_outside_ip_licence rights_perpetual"
        ),
        "deliveries": (
            "contract_not_found invalid_state licence_not_commercial milestone_not_found "
            "no_delivery_needed not_contract_creator use_milestone_endpoints videos_required"
        ),
        "disclosure": "destination_unknown nothing_delivered",
        "dispute": (
            "contract_not_found invalid_state milestone_not_found not_contract_party "
            "reason_required use_milestone_endpoints"
        ),
        "fund": (
            "amount_mismatch contract_not_found contract_not_paid extension_invalid "
            "funding_in_progress invalid_state milestones_invalid not_brand_member "
            "payment_failed payment_provider_idempotency_conflict payment_provider_rejected "
            "refund_exceeds_payment rights_outside_ip_licence rights_perpetual "
            "service_unavailable test_mode_only use_milestone_endpoints"
        ),
        "refund": (
            "contract_not_found contract_not_paid invalid_state milestone_not_found "
            "not_contract_party refund_exceeds_payment use_milestone_endpoints"
        ),
        "request_revision": (
            "at_s_needs_video at_s_out_of_range contract_not_found invalid_state message_empty "
            "message_too_long milestone_not_found not_brand_member not_participant note_required "
            "revisions_exhausted use_milestone_endpoints video_not_in_contract"
        ),
        "resolve": (
            "contract_not_found contract_not_paid forbidden invalid_state milestone_not_found "
            "no_open_dispute refund_exceeds_payment resolution_invalid split_amount_invalid "
            "use_milestone_endpoints"
        ),
        "reviews": "already_reviewed contract_not_found invalid_state not_contract_party",
        "staff_refund": (
            "contract_not_found contract_not_paid forbidden invalid_state milestone_not_found "
            "refund_exceeds_payment use_milestone_endpoints"
        ),
    }

    def get_queryset(self) -> QuerySet[Contract]:
        contracts = campaign_selectors.contracts_visible_to(self.request.user)
        if self.request.method == "POST":  # an action finds the contract; `answer` reads it whole
            return contracts.prefetch_related(None)
        return contracts

    def milestone_id_of(self, contract: Contract) -> int:
        return selectors.single_milestone_id(contract.pk)

    def answer(self, contract_id: int) -> Response:
        contract = campaign_selectors.contracts_visible_to(self.request.user).get(pk=contract_id)
        return Response(self.get_serializer(contract).data)

    @extend_schema(
        request=ContractFundSerializer,
        responses={
            200: FundResponseSerializer,
            402: OpenApiResponse(description="the card was declined; the contract still waits"),
            503: STRIPE_UNAVAILABLE,
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def fund(self, request: Request, pk: str | None = None) -> Response:
        """Fund the contract (its one milestone), or the `milestones` named with one charge."""
        contract = self.get_object()
        data = validated(ContractFundSerializer, request)
        milestone_ids = data.get("milestones")
        if milestone_ids is None:
            milestone_ids = [self.milestone_id_of(contract)]
        payment = funding.milestones_fund(
            actor=request.user,
            contract_id=contract.pk,
            milestone_ids=milestone_ids,
            payment_method=data.get("payment_method", ""),
        )
        contract.refresh_from_db(fields=["status"])
        return Response(
            {"contract_status": contract.status, "payment": PaymentSerializer(payment).data}
        )

    @extend_schema(methods=["GET"], responses={200: page_serializer(DeliverySerializer)})
    @extend_schema(
        methods=["POST"], request=DeliveryCreateSerializer, responses={201: DeliverySerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[permissions.IsAuthenticated],
        filter_backends=[],
    )
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        """The contract's deliveries (all its milestones'); POST delivers its one milestone."""
        contract = self.get_object()
        if request.method == "POST":
            return deliver(request, self.milestone_id_of(contract))
        items = selectors.contract_deliveries(contract)
        return Response(
            page_of_items(request, items, DeliverySerializer(many=True).to_representation)
        )

    @extend_schema(responses={200: page_serializer(MilestoneSerializer)})
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[permissions.IsAuthenticated],
        filter_backends=[],
    )
    def milestones(self, request: Request, pk: str | None = None) -> Response:
        """The contract's milestones in order, each with its money and status."""
        contract = self.get_object()
        return Response(
            page_of_items(
                request, contract.milestones.all(), MilestoneSerializer(many=True).to_representation
            )
        )

    @extend_schema(methods=["GET"], responses={200: page_serializer(ChangeOrderSerializer)})
    @extend_schema(
        methods=["POST"],
        request=ChangeOrderCreateSerializer,
        responses={201: ChangeOrderSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="change-orders",
        permission_classes=[permissions.IsAuthenticated],
        filter_backends=[],
    )
    def change_orders(self, request: Request, pk: str | None = None) -> Response:
        """Change orders of the contract; either party proposes one (POST)."""
        contract = self.get_object()
        if request.method == "POST":
            data = ChangeOrderCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            order = campaign_services.change_order_propose(
                actor=request.user, contract_id=contract.pk, **data.validated_data
            )
            return Response(ChangeOrderSerializer(order).data, status=status.HTTP_201_CREATED)
        orders = contract.change_orders.order_by("-id")
        return Response(
            page_of_items(request, orders, ChangeOrderSerializer(many=True).to_representation)
        )

    @extend_schema(methods=["GET"], responses={200: page_serializer(ReviewSerializer)})
    @extend_schema(methods=["POST"], request=ReviewSerializer, responses={201: ReviewSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[permissions.IsAuthenticated],
        filter_backends=[],
    )
    def reviews(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()
        if request.method == "POST":
            data = ReviewSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            review = reviews.review_create(
                actor=request.user,
                contract_id=contract.pk,
                stars=data.validated_data["stars"],
                text=data.validated_data.get("text", ""),
            )
            return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)
        items = selectors.contract_reviews(contract)
        return Response(
            page_of_items(request, items, ReviewSerializer(many=True).to_representation)
        )

    @extend_schema(responses={200: ContractRightsSerializer})
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[permissions.IsAuthenticated],
        filter_backends=[],
    )
    def rights(self, request: Request, pk: str | None = None) -> Response:
        """The usage window (state, start, end, days left), the usage rights and the IP's
        rights chain as the contract snapshotted them."""
        return Response(ContractRightsSerializer(self.get_object()).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "destinations",
                str,
                description=f"comma-separated subset of {', '.join(DESTINATIONS)} (default all)",
            )
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            409: OpenApiResponse(
                description="`nothing_delivered`: the pack is built from the delivered videos"
            ),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[permissions.IsAuthenticated],
        filter_backends=[],
    )
    def disclosure(self, request: Request, pk: str | None = None) -> Response:
        """The AI-content labels each destination expects (YouTube, TikTok, Meta, the EU AI
        Act Art. 50 notice, China's visible and metadata labels) and an unsigned C2PA-style
        assertion set per video, from the provenance of every video the brand may use (the
        latest delivery of each milestone it paid for: approved, or a dispute resolved as a
        release or split) and of those still in review (`licensed: false`). Parties and
        staff."""
        contract = self.get_object()
        raw = request.query_params.get("destinations", "")
        wanted = [d.strip().lower() for d in raw.split(",") if d.strip()] or list(DESTINATIONS)
        unknown = [d for d in wanted if d not in DESTINATIONS]
        if unknown:
            raise InvalidInput(
                f"{', '.join(unknown)}: destinations are {', '.join(DESTINATIONS)}",
                code=CampaignError.DESTINATION_UNKNOWN,
                field="destinations",
            )
        deliveries = selectors.contract_pack_deliveries(contract)
        if not deliveries:
            raise Conflict(
                "no delivered work to disclose: nothing was delivered yet, or the work was "
                "refunded; the pack is built from the delivered videos",
                code=CampaignError.NOTHING_DELIVERED,
                current_state=contract.status,
            )
        pack = disclosure_pack(contract=contract, deliveries=deliveries, destinations=wanted)
        return Response(pack)
