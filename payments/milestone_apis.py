"""Milestone and change-order endpoints: every action on one milestone of a contract, and the
answers to a change order.

Objects come from the contracts the caller may see (another tenant's answers 404); each
action's service then checks who may act. The contract-level actions of
`payments.contract_apis` are the same actions (`payments.milestone_actions`) on a one-milestone
contract."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns import selectors as campaign_selectors
from campaigns import services as campaign_services
from campaigns.models import ChangeOrder, Milestone
from campaigns.serializers import ChangeOrderSerializer, MilestoneSerializer
from marketplace.pagination import page_of_items, page_serializer

from . import selectors
from .milestone_actions import MilestoneActions, deliver, validated
from .serializers import (
    DeliveryCreateSerializer,
    DeliverySerializer,
    FundSerializer,
    MilestoneFundResponseSerializer,
    PaymentSerializer,
)
from .services import funding

STRIPE_UNAVAILABLE = OpenApiResponse(
    description="Stripe is unreachable or failing; nothing was changed, retry later"
)


class MilestoneViewSet(MilestoneActions, viewsets.ReadOnlyModelViewSet):
    """Milestones of the contracts you are a party to: fund, deliver, review and pay each on
    its own."""

    serializer_class = MilestoneSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    filterset_fields = ["contract", "status"]
    ordering_fields = ["due_date", "amount", "position"]
    error_codes = {
        "approve": (
            "contract_not_found invalid_state milestone_not_found not_brand_member "
            "review_period_running"
        ),
        "cancel": (
            "contract_not_found funding_in_progress invalid_state milestone_not_found "
            "not_contract_party"
        ),
        "deliveries": (
            "contract_not_found invalid_state licence_not_commercial milestone_not_found "
            "no_delivery_needed not_contract_creator videos_required"
        ),
        "dispute": (
            "contract_not_found invalid_state milestone_not_found not_contract_party "
            "reason_required"
        ),
        "fund": (
            "amount_mismatch contract_not_found contract_not_paid extension_invalid "
            "funding_in_progress invalid_state milestones_invalid not_brand_member "
            "payment_failed payment_provider_idempotency_conflict payment_provider_rejected "
            "refund_exceeds_payment rights_outside_ip_licence rights_perpetual "
            "service_unavailable test_mode_only"
        ),
        "refund": (
            "contract_not_found contract_not_paid invalid_state milestone_not_found "
            "not_contract_party refund_exceeds_payment"
        ),
        "request_revision": (
            "at_s_needs_video at_s_out_of_range contract_not_found invalid_state message_empty "
            "message_too_long milestone_not_found not_brand_member not_participant note_required "
            "revisions_exhausted video_not_in_contract"
        ),
        "resolve": (
            "contract_not_found contract_not_paid forbidden invalid_state milestone_not_found "
            "no_open_dispute refund_exceeds_payment resolution_invalid split_amount_invalid"
        ),
        "staff_refund": (
            "contract_not_found contract_not_paid forbidden invalid_state milestone_not_found "
            "refund_exceeds_payment"
        ),
    }

    def get_queryset(self) -> QuerySet[Milestone]:
        return campaign_selectors.milestones_visible_to(self.request.user)

    def milestone_id_of(self, milestone: Milestone) -> int:
        return milestone.pk

    def answer(self, milestone_id: int) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=milestone_id)).data)

    @extend_schema(
        request=FundSerializer,
        responses={
            200: MilestoneFundResponseSerializer,
            402: OpenApiResponse(description="the card was declined; the milestone still waits"),
            503: STRIPE_UNAVAILABLE,
        },
    )
    @action(detail=True, methods=["post"])
    def fund(self, request: Request, pk: str | None = None) -> Response:
        """Fund this milestone with its own charge."""
        milestone = self.get_object()
        data = validated(FundSerializer, request)
        payment = funding.milestones_fund(
            actor=request.user,
            contract_id=milestone.contract_id,
            milestone_ids=[milestone.pk],
            payment_method=data.get("payment_method", ""),
        )
        milestone.refresh_from_db(fields=["status"])
        milestone.contract.refresh_from_db(fields=["status"])
        return Response(
            {
                "contract_status": milestone.contract.status,
                "milestone_status": milestone.status,
                "payment": PaymentSerializer(payment).data,
            }
        )

    @extend_schema(methods=["GET"], responses={200: page_serializer(DeliverySerializer)})
    @extend_schema(
        methods=["POST"], request=DeliveryCreateSerializer, responses={201: DeliverySerializer}
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        """The milestone's deliveries; POST delivers it."""
        milestone = self.get_object()
        if request.method == "POST":
            return deliver(request, milestone.pk)
        items = selectors.milestone_deliveries(milestone)
        return Response(
            page_of_items(request, items, DeliverySerializer(many=True).to_representation)
        )


class ChangeOrderViewSet(viewsets.ReadOnlyModelViewSet):
    """Change orders of the contracts you are a party to; the other party accepts or declines,
    the proposer withdraws. Propose one at /contracts/{id}/change-orders/."""

    serializer_class = ChangeOrderSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    filterset_fields = ["contract", "status", "kind"]
    ordering = ["-id"]
    error_codes = {
        "accept": (
            "change_order_not_found change_order_own contract_ended contract_not_found "
            "extension_invalid invalid_state not_contract_party rights_outside_ip_licence "
            "rights_perpetual"
        ),
        "decline": (
            "change_order_not_found change_order_own contract_not_found invalid_state "
            "not_contract_party"
        ),
        "withdraw": (
            "change_order_not_found change_order_not_proposer contract_not_found invalid_state "
            "not_contract_party"
        ),
    }

    def get_queryset(self) -> QuerySet[ChangeOrder]:
        return campaign_selectors.change_orders_visible_to(self.request.user).order_by("-id")

    def _answer(self, order_id: int) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=order_id)).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept: an `awaiting_funding` milestone is added to the contract."""
        order = self.get_object()
        campaign_services.change_order_accept(actor=request.user, change_order_id=order.pk)
        return self._answer(order.pk)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        campaign_services.change_order_decline(actor=request.user, change_order_id=order.pk)
        return self._answer(order.pk)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        campaign_services.change_order_withdraw(actor=request.user, change_order_id=order.pk)
        return self._answer(order.pk)
