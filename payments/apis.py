"""Payments endpoints: onboarding, account, earnings, payouts and the Stripe webhooks (the
contract endpoints are in payments.contract_apis)."""

import json
import logging
from typing import Any

import stripe
from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.errors import NotFound
from marketplace.pagination import page_of_items, page_serializer
from marketplace.schema import OWN_ERROR_RESPONSES

from . import gateway, selectors
from .contract_apis import STRIPE_UNAVAILABLE
from .errors import PaymentError
from .models import PayoutAccount
from .serializers import (
    EarningsSerializer,
    OnboardingSerializer,
    PayoutAccountSerializer,
    TransferSerializer,
)
from .services.onboarding import payout_onboarding_start
from .webhooks import event_store

logger = logging.getLogger(__name__)


def _creator(request: Request):  # type: ignore[no-untyped-def]
    profile = getattr(request.user, "creator_profile", None)
    if profile is None:
        raise NotFound("you have no creator profile", code=PaymentError.NO_CREATOR_PROFILE)
    return profile


class OnboardingView(APIView):
    """Create (once) your Stripe Express account and get a fresh onboarding link."""

    error_codes = {
        "post": (
            "not_a_creator payment_failed payment_provider_idempotency_conflict "
            "payment_provider_rejected service_unavailable"
        ),
    }
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

    error_codes = {
        "get": "no_creator_profile no_payout_account",
    }
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: PayoutAccountSerializer})
    def get(self, request: Request) -> Response:
        account = PayoutAccount.objects.filter(creator=_creator(request)).first()
        if account is None:
            raise NotFound(
                "no payout account yet: POST /api/v1/payments/onboarding/",
                code=PaymentError.NO_PAYOUT_ACCOUNT,
            )
        return Response(PayoutAccountSerializer(account).data)


class EarningsView(APIView):
    """Your earnings per currency: pending, available and paid (minor units)."""

    error_codes = {
        "get": "no_creator_profile",
    }
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: page_serializer(EarningsSerializer)})
    def get(self, request: Request) -> Response:
        items = list(selectors.creator_earnings(_creator(request)))
        return Response(
            page_of_items(request, items, EarningsSerializer(many=True).to_representation)
        )


class TransfersView(generics.ListAPIView):
    """Your transfers (payouts to your Stripe account, one per paid milestone), newest first."""

    error_codes = {
        "get": "no_creator_profile",
    }
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
    error_codes = {
        "post": "bad_signature not_an_event",
    }
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
                {
                    "error": {
                        "code": PaymentError.BAD_SIGNATURE,
                        "message": "invalid or stale signature",
                    }
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        if not isinstance(event, dict) or "id" not in event or "data" not in event:
            return Response(
                {"error": {"code": PaymentError.NOT_AN_EVENT, "message": "not a Stripe event"}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        _, created = event_store(event)
        return Response({"received": True, "duplicate": not created})


class StripeWebhookView(_WebhookView):
    secret_setting = "STRIPE_WEBHOOK_SECRET"


class StripeConnectWebhookView(_WebhookView):
    secret_setting = "STRIPE_CONNECT_WEBHOOK_SECRET"


class PayoutsView(TransfersView):
    """Deprecated name of `/payments/transfers/` (the same list): kept for one release."""

    @extend_schema(deprecated=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        response["Deprecation"] = "true"
        response["Link"] = '</api/v1/payments/transfers/>; rel="successor-version"'
        return response
