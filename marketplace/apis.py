"""Cross-cutting endpoints: registration, tokens, me, notifications, health."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from .models import Notification, User
from .permissions import AuthThrottle
from .schema import OWN_ERROR_RESPONSES
from .services import user_register


class UserSerializer(serializers.ModelSerializer):
    creator_handle = serializers.SerializerMethodField()
    brands = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "is_staff", "creator_handle", "brands", "date_joined"]
        read_only_fields = fields

    def get_creator_handle(self, user: User) -> str | None:
        profile = getattr(user, "creator_profile", None)
        return profile.handle if profile else None

    @extend_schema(
        responses=inline_serializer(
            "MeBrand",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "role": serializers.CharField(),
            },
            many=True,
        )
    )
    def get_brands(self, user: User) -> list[dict]:
        return [
            {"id": m.brand_id, "name": m.brand.name, "role": m.role}
            for m in user.brand_memberships.select_related("brand").order_by("brand_id")
        ]


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128)
    role = serializers.ChoiceField(choices=["creator", "brand"])
    handle = serializers.SlugField(max_length=40, required=False)
    brand_name = serializers.CharField(max_length=120, required=False)
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)

    def validate(self, attrs: dict) -> dict:
        if attrs["role"] == "creator" and not attrs.get("handle"):
            raise serializers.ValidationError({"handle": ["required for creators"]})
        if attrs["role"] == "brand" and not attrs.get("brand_name", "").strip():
            raise serializers.ValidationError({"brand_name": ["required for brands"]})
        return attrs


class RegisterResponseSerializer(serializers.Serializer):
    user = UserSerializer()
    access = serializers.CharField()
    refresh = serializers.CharField()


class RegisterView(APIView):
    """Create an account as a creator or a brand; answers the user and a token pair."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [AuthThrottle]

    @extend_schema(
        request=RegisterSerializer,
        responses={
            201: RegisterResponseSerializer,
            400: OpenApiResponse(description="invalid input, a taken email or handle"),
            415: OpenApiResponse(description="a body that is not JSON, form or multipart data"),
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

    throttle_classes = [AuthThrottle]


class MeView(generics.RetrieveAPIView):
    """The signed-in user, with their creator handle and brand memberships."""

    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self) -> User:
        return self.request.user


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "message",
            "object_type",
            "object_id",
            "read",
            "read_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your notifications, newest first; `unread=true` filters; mark one or all read."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = {"kind": ["exact"], "read_at": ["isnull"]}
    ordering = ["-id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = Notification.objects.filter(user=self.request.user)
        unread = self.request.query_params.get("unread")
        if unread in {"true", "1"}:
            qs = qs.filter(read_at__isnull=True)
        elif unread in {"false", "0"}:
            qs = qs.filter(read_at__isnull=False)
        return qs

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = generics.get_object_or_404(self.get_queryset(), pk=pk)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        marked = self.get_queryset().filter(read_at__isnull=True).update(read_at=timezone.now())
        return Response({"marked": marked})


def healthz(request) -> JsonResponse:  # type: ignore[no-untyped-def]
    """Liveness and readiness: the database answers, and the broker when one is configured."""
    checks: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
        healthy = False
    if settings.CELERY_BROKER_URL:
        try:
            from marketplace.celery import app

            with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"error: {type(exc).__name__}"
            healthy = False
    else:
        checks["broker"] = "not configured (tasks run in process)"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def server_error(request) -> JsonResponse:  # type: ignore[no-untyped-def]
    """The 500 answer: JSON, with nothing of the stack trace or the settings in it."""
    return JsonResponse(
        {"error": {"code": "server_error", "message": "something went wrong on our side"}},
        status=500,
    )


def not_found(request, exception=None) -> JsonResponse:  # type: ignore[no-untyped-def]
    """The 404 answer outside DRF views: JSON like every other error."""
    return JsonResponse({"error": {"code": "not_found", "message": "not found"}}, status=404)
