from django.urls import path

from . import apis

urlpatterns = [
    path("auth/register/", apis.RegisterView.as_view(), name="auth-register"),
    path("auth/token/", apis.TokenView.as_view(), name="auth-token"),
    path("auth/token/refresh/", apis.RefreshView.as_view(), name="auth-token-refresh"),
    path(
        "auth/verify-email/",
        apis.EmailVerificationRequestView.as_view(),
        name="auth-verify-email",
    ),
    path(
        "auth/verify-email/confirm/",
        apis.EmailVerificationConfirmView.as_view(),
        name="auth-verify-email-confirm",
    ),
    path("me/", apis.MeView.as_view(), name="me"),
]
