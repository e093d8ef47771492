from django.urls import path
from rest_framework.routers import SimpleRouter

from . import apis, contract_apis, milestone_apis

router = SimpleRouter()
router.register("contracts", contract_apis.ContractViewSet, basename="contract")
router.register("milestones", milestone_apis.MilestoneViewSet, basename="milestone")
router.register("change-orders", milestone_apis.ChangeOrderViewSet, basename="change-order")

urlpatterns = [
    path("payments/onboarding/", apis.OnboardingView.as_view(), name="payments-onboarding"),
    path("payments/account/", apis.AccountView.as_view(), name="payments-account"),
    path("payments/earnings/", apis.EarningsView.as_view(), name="payments-earnings"),
    path("payments/transfers/", apis.TransfersView.as_view(), name="payments-transfers"),
    # The old name of the transfers list, deprecated (Deprecation and Link headers).
    path("payments/payouts/", apis.PayoutsView.as_view(), name="payments-payouts"),
    path("payments/webhooks/stripe/", apis.StripeWebhookView.as_view(), name="stripe-webhook"),
    path(
        "payments/webhooks/stripe-connect/",
        apis.StripeConnectWebhookView.as_view(),
        name="stripe-connect-webhook",
    ),
    *router.urls,
]
