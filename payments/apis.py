"""Payments endpoints: onboarding, account, earnings, payouts and the Stripe webhooks; and the
money actions of a contract, mixed into the contracts viewset."""

import json
import logging

import stripe
from django.conf import settings
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.models import Delivery
from creators.models import GeneratedVideo, Review
from marketplace.errors import NotFound
from marketplace.permissions import IsStaff
from marketplace.schema import OWN_ERROR_RESPONSES

from . import gateway, selectors
from .models import PayoutAccount
from .serializers import (
    DeliveryCreateSerializer,
    DeliverySerializer,
    DisputeSerializer,
    EarningsSerializer,
    FundResponseSerializer,
    FundSerializer,
    NoteSerializer,
    OnboardingSerializer,
    PaymentSerializer,
    PayoutAccountSerializer,
    ResolveSerializer,
    ReviewSerializer,
    StaffRefundSerializer,
    TransferSerializer,
)
from .services import deliveries, funding, payouts, refunds, reviews
from .services.onboarding import payout_onboarding_start
from .webhooks import event_store

logger = logging.getLogger(__name__)


STRIPE_UNAVAILABLE = OpenApiResponse(
    description="Stripe is unreachable or failing; nothing was changed, retry later"
)


def _creator(request: Request):  # type: ignore[no-untyped-def]
    profile = getattr(request.user, "creator_profile", None)
    if profile is None:
        raise NotFound("you have no creator profile")
    return profile


class OnboardingView(APIView):
    """Create (once) your Stripe Express account and get a fresh onboarding link."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: OnboardingSerializer, 503: STRIPE_UNAVAILABLE},
    )
    def post(self, request: Request) -> Response:
        account, url = payout_onboarding_start(actor=request.user)
        return Response({"account": PayoutAccountSerializer(account).data, "url": url})


class AccountView(APIView):
    """Your payout account and what Stripe lets it do."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: PayoutAccountSerializer})
    def get(self, request: Request) -> Response:
        account = PayoutAccount.objects.filter(creator=_creator(request)).first()
        if account is None:
            raise NotFound("no payout account yet: POST /api/v1/payments/onboarding/")
        return Response(PayoutAccountSerializer(account).data)


class EarningsView(APIView):
    """Your earnings per currency: pending, available and paid (minor units)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: EarningsSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(
            EarningsSerializer(selectors.creator_earnings(_creator(request)), many=True).data
        )


class PayoutsView(generics.ListAPIView):
    """Your payouts (transfers to your Stripe account), newest first."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TransferSerializer
    filterset_fields = ["status", "currency"]
    ordering_fields = ["created_at", "amount"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return selectors.Transfer.objects.none()
        return selectors.creator_payouts(_creator(self.request))


class _WebhookView(APIView):
    """Verify the signature, store the event by id, answer 200 at once; a task processes it."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list = []
    secret_setting = "STRIPE_WEBHOOK_SECRET"

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "WebhookAck",
                {"received": serializers.BooleanField(), "duplicate": serializers.BooleanField()},
            ),
            400: OpenApiResponse(description="bad or stale signature, or not an event"),
        },
        extensions=OWN_ERROR_RESPONSES,
    )
    def post(self, request: Request) -> Response:
        payload = request.body
        signature = request.META.get("HTTP_STRIPE_SIGNATURE", "")
        secret = getattr(settings, self.secret_setting)
        try:
            gateway.construct_event(payload, signature, secret)
            event = json.loads(payload)
        except (ValueError, stripe.SignatureVerificationError):
            return Response(
                {"error": {"code": "bad_signature", "message": "invalid or stale signature"}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if not isinstance(event, dict) or "id" not in event or "data" not in event:
            return Response(
                {"error": {"code": "invalid", "message": "not a Stripe event"}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        _, created = event_store(event)
        return Response({"received": True, "duplicate": not created})


class StripeWebhookView(_WebhookView):
    secret_setting = "STRIPE_WEBHOOK_SECRET"


class StripeConnectWebhookView(_WebhookView):
    secret_setting = "STRIPE_CONNECT_WEBHOOK_SECRET"


class ContractMoneyActions:
    """The contract's lifecycle and money actions; mixed into the contracts viewset, whose
    `get_object()` answers 404 to anyone who may not see the contract."""

    def _contract_response(self, contract_id: int) -> Response:
        contract = self.get_queryset().get(pk=contract_id)  # type: ignore[attr-defined]
        return Response(self.get_serializer(contract).data)  # type: ignore[attr-defined]

    @extend_schema(
        request=FundSerializer,
        responses={
            200: FundResponseSerializer,
            402: OpenApiResponse(description="the card was declined; the contract still waits"),
            503: STRIPE_UNAVAILABLE,
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def fund(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()  # type: ignore[attr-defined]
        data = FundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = funding.contract_fund(
            actor=request.user,
            contract_id=contract.pk,
            payment_method=data.validated_data.get("payment_method", ""),
        )
        contract.refresh_from_db(fields=["status"])
        return Response(
            {"contract_status": contract.status, "payment": PaymentSerializer(payment).data}
        )

    @extend_schema(methods=["GET"], responses={200: DeliverySerializer(many=True)})
    @extend_schema(
        methods=["POST"], request=DeliveryCreateSerializer, responses={201: DeliverySerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[permissions.IsAuthenticated],
        pagination_class=None,
        filter_backends=[],
    )
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()  # type: ignore[attr-defined]
        if request.method == "POST":
            data = DeliveryCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            delivery = deliveries.delivery_submit(
                actor=request.user,
                contract_id=contract.pk,
                videos=data.validated_data["videos"],
                note=data.validated_data.get("note", ""),
            )
            return Response(DeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)
        items = Delivery.objects.filter(contract=contract).prefetch_related(
            Prefetch("videos", queryset=GeneratedVideo.objects.order_by("id"))
        )
        return Response(DeliverySerializer(items, many=True).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()  # type: ignore[attr-defined]
        payouts.contract_approve(actor=request.user, contract_id=contract.pk)
        return self._contract_response(contract.pk)

    @extend_schema(request=NoteSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="request-revision",
        permission_classes=[permissions.IsAuthenticated],
    )
    def request_revision(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()  # type: ignore[attr-defined]
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deliveries.contract_request_revision(
            actor=request.user, contract_id=contract.pk, note=data.validated_data["note"]
        )
        return self._contract_response(contract.pk)

    @extend_schema(request=DisputeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def dispute(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()  # type: ignore[attr-defined]
        data = DisputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refunds.dispute_open(
            actor=request.user, contract_id=contract.pk, reason=data.validated_data["reason"]
        )
        return self._contract_response(contract.pk)

    @extend_schema(request=ResolveSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()  # type: ignore[attr-defined]
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refunds.dispute_resolve(actor=request.user, contract_id=contract.pk, **data.validated_data)
        return self._contract_response(contract.pk)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()  # type: ignore[attr-defined]
        deliveries.contract_cancel(actor=request.user, contract_id=contract.pk)
        return self._contract_response(contract.pk)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def refund(self, request: Request, pk: str | None = None) -> Response:
        """Agree to a full refund before delivery; it happens when both parties have agreed."""
        contract = self.get_object()  # type: ignore[attr-defined]
        refunds.contract_refund_request(actor=request.user, contract_id=contract.pk)
        return self._contract_response(contract.pk)

    @extend_schema(request=StaffRefundSerializer)
    @action(detail=True, methods=["post"], url_path="staff-refund", permission_classes=[IsStaff])
    def staff_refund(self, request: Request, pk: str | None = None) -> Response:
        """Staff refund a funded or paid contract (a paid one's transfer is reversed first)."""
        contract = self.get_object()  # type: ignore[attr-defined]
        data = StaffRefundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refunds.contract_refund_by_staff(
            actor=request.user, contract_id=contract.pk, reason=data.validated_data["reason"]
        )
        return self._contract_response(contract.pk)

    @extend_schema(methods=["GET"], responses={200: ReviewSerializer(many=True)})
    @extend_schema(methods=["POST"], request=ReviewSerializer, responses={201: ReviewSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[permissions.IsAuthenticated],
        pagination_class=None,
        filter_backends=[],
    )
    def reviews(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()  # type: ignore[attr-defined]
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
        return Response(ReviewSerializer(Review.objects.filter(contract=contract), many=True).data)
