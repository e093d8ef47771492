"""Registration, tokens and the signed-in user."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from marketplace.models import User
from marketplace.permissions import AuthThrottle
from marketplace.schema import OWN_ERROR_RESPONSES

from .serializers import (
    EmailVerificationSerializer,
    EmailVerifySentSerializer,
    RefreshSerializer,
    RegisterResponseSerializer,
    RegisterSerializer,
    UserSerializer,
)
from .services import user_register
from .verification import email_verification_send, email_verify


class RegisterView(APIView):
    """Create an account as a creator or a brand; answers the user and a token pair."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthThrottle]
    error_codes = {
        "post": (
            "brand_name_required handle_required handle_taken registration_refused unknown_role "
            "weak_password"
        ),
    }

    @extend_schema(
        request=RegisterSerializer,
        responses={
            201: RegisterResponseSerializer,
            400: OpenApiResponse(
                description="invalid input or a taken handle; an address that has an account "
                "is refused as `registration_refused` without naming the field (with that "
                "account's password the call answers 201 with it, so a retry is safe)"
            ),
            415: OpenApiResponse(description="a body that is not JSON"),
            429: OpenApiResponse(description="too many attempts from this address"),
        },
        extensions=OWN_ERROR_RESPONSES,  # takes no credentials: no 401/403
    )
    def post(self, request: Request) -> Response:
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_register(**data.validated_data)
        refresh = RefreshToken.for_user(user)
        body = {
            "user": UserSerializer(user).data,
            "access": str(refresh.access_token),
            "refresh": str(refresh),
        }
        return Response(body, status=status.HTTP_201_CREATED)


class TokenView(TokenObtainPairView):
    """Exchange email and password for an access and a refresh token."""

    throttle_classes = [AuthThrottle]


class RefreshView(TokenRefreshView):
    """Exchange a refresh token for a new access token."""

    serializer_class = RefreshSerializer
    throttle_classes = [AuthThrottle]


class MeView(generics.RetrieveAPIView):
    """The signed-in user, with their creator handle and brand memberships."""

    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self) -> User:
        return self.request.user


class EmailVerificationRequestView(APIView):
    """E-mail the signed-in user a link that verifies their address (again); a verified
    address is answered as such and nothing is sent."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={202: EmailVerifySentSerializer})
    def post(self, request: Request) -> Response:
        sent = email_verification_send(user=request.user)
        body = {"sent": sent, "email_verified": request.user.email_verified_at is not None}
        return Response(body, status=status.HTTP_202_ACCEPTED)


class EmailVerificationConfirmView(APIView):
    """Verify the address a link was sent to: `POST {"token"}` (or `GET ?token=`, the link
    itself). Answers the user; an invalid or expired token is a 400 naming `token`."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthThrottle]
    error_codes = {
        "get": "verification_expired verification_invalid",
        "post": "verification_expired verification_invalid",
    }

    def _verify(self, token: object) -> Response:
        data = EmailVerificationSerializer(data={"token": token})
        data.is_valid(raise_exception=True)
        user = email_verify(token=data.validated_data["token"])
        return Response(UserSerializer(user).data)

    @extend_schema(request=EmailVerificationSerializer, responses=UserSerializer)
    def post(self, request: Request) -> Response:
        return self._verify(request.data.get("token") if isinstance(request.data, dict) else None)

    @extend_schema(
        parameters=[OpenApiParameter("token", str, required=True, description="the signed token")],
        responses=UserSerializer,
    )
    def get(self, request: Request) -> Response:
        return self._verify(request.query_params.get("token"))
