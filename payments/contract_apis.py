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
from marketplace.permissions import IsStaff

from . import selectors
from .serializers import (
    ContractFundSerializer,
    DeliveryCreateSerializer,
    DeliverySerializer,
    DisputeSerializer,
    FundResponseSerializer,
    PaymentSerializer,
    ResolveSerializer,
    ReviewSerializer,
    RevisionRequestSerializer,
    StaffRefundSerializer,
)
from .services import deliveries, funding, payouts, refunds, reviews

STRIPE_UNAVAILABLE = OpenApiResponse(
    description="Stripe is unreachable or failing; nothing was changed, retry later"
)


class ContractViewSet(viewsets.ReadOnlyModelViewSet):
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
        return campaign_selectors.contracts_visible_to(self.request.user)

    def _contract_response(self, contract_id: int) -> Response:
        contract = self.get_queryset().get(pk=contract_id)
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
        data = ContractFundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = funding.contract_fund(
            actor=request.user,
            contract_id=contract.pk,
            payment_method=data.validated_data.get("payment_method", ""),
            milestone_ids=data.validated_data.get("milestones"),
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
        contract = self.get_object()
        if request.method == "POST":
            data = DeliveryCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            delivery = deliveries.delivery_submit(
                actor=request.user,
                contract_id=contract.pk,
                videos=data.validated_data["videos"],
                note=data.validated_data.get("note", ""),
            )
            delivery = selectors.contract_deliveries(contract).get(pk=delivery.pk)
            return Response(DeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)
        items = selectors.contract_deliveries(contract)
        return Response(
            page_of_items(request, items, DeliverySerializer(many=True).to_representation)
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()
        payouts.contract_approve(actor=request.user, contract_id=contract.pk)
        return self._contract_response(contract.pk)

    @extend_schema(request=RevisionRequestSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="request-revision",
        permission_classes=[permissions.IsAuthenticated],
    )
    def request_revision(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()
        data = RevisionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deliveries.contract_request_revision(
            actor=request.user,
            contract_id=contract.pk,
            note=data.validated_data["note"],
            feedback=data.validated_data.get("feedback", []),
        )
        return self._contract_response(contract.pk)

    @extend_schema(request=DisputeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def dispute(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()
        data = DisputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refunds.dispute_open(
            actor=request.user, contract_id=contract.pk, reason=data.validated_data["reason"]
        )
        return self._contract_response(contract.pk)

    @extend_schema(request=ResolveSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refunds.dispute_resolve(actor=request.user, contract_id=contract.pk, **data.validated_data)
        return self._contract_response(contract.pk)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()
        deliveries.contract_cancel(actor=request.user, contract_id=contract.pk)
        return self._contract_response(contract.pk)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def refund(self, request: Request, pk: str | None = None) -> Response:
        """Agree to a full refund before delivery; it happens when both parties have agreed."""
        contract = self.get_object()
        refunds.contract_refund_request(actor=request.user, contract_id=contract.pk)
        return self._contract_response(contract.pk)

    @extend_schema(request=StaffRefundSerializer)
    @action(detail=True, methods=["post"], url_path="staff-refund", permission_classes=[IsStaff])
    def staff_refund(self, request: Request, pk: str | None = None) -> Response:
        """Staff refund a funded or paid contract (a paid one's transfer is reversed first)."""
        contract = self.get_object()
        data = StaffRefundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refunds.contract_refund_by_staff(
            actor=request.user, contract_id=contract.pk, reason=data.validated_data["reason"]
        )
        return self._contract_response(contract.pk)

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
