"""Cross-cutting endpoints: notifications, health, the JSON 400, 404 and 500 answers."""

from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from . import health
from .emails import email_preference_set, frequency_of
from .exceptions import request_limit_error
from .models import EmailFrequency, Notification


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


class EmailPreferenceSerializer(serializers.Serializer):
    frequency = serializers.ChoiceField(
        choices=EmailFrequency.choices,
        help_text="immediate: one e-mail per notification you must act on; daily: one digest "
        "a day; off: none",
    )


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your notifications, newest first; `unread=true` filters; mark one or all read."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = {"kind": ["exact"], "read_at": ["isnull"]}
    extra_query_params = ("unread",)
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

    @extend_schema(methods=["GET"], request=None, responses=EmailPreferenceSerializer)
    @extend_schema(
        methods=["PATCH", "PUT"],
        request=EmailPreferenceSerializer,
        responses=EmailPreferenceSerializer,
    )
    @action(
        detail=False,
        methods=["get", "put", "patch"],
        url_path="email-preference",
        serializer_class=EmailPreferenceSerializer,
        filter_backends=[],
        pagination_class=None,
    )
    def email_preference(self, request: Request) -> Response:
        """How your notifications reach you by e-mail: `immediate` (the default), `daily` (a
        digest) or `off`."""
        if request.method != "GET":
            data = EmailPreferenceSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            preference = email_preference_set(
                actor=request.user, frequency=data.validated_data["frequency"]
            )
            return Response({"frequency": preference.frequency})
        return Response({"frequency": frequency_of(request.user)})

    @extend_schema(
        request=None,
        responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        marked = self.get_queryset().filter(read_at__isnull=True).update(read_at=timezone.now())
        return Response({"marked": marked})


def readyz(request) -> JsonResponse:  # type: ignore[no-untyped-def]
    """Readiness (also at /healthz/): 503 when the database, the shared cache or (when one is
    configured) the broker does not answer. Stripe (cached) and the background processes'
    heartbeats only mark it "degraded": a payment provider outage or a stopped beat must not
    take every web process out of the load balancer."""
    result = health.readiness()
    return JsonResponse(
        {"status": result.status, "checks": result.checks}, status=result.http_status
    )


healthz = readyz


def livez(request) -> JsonResponse:  # type: ignore[no-untyped-def]
    """Liveness: this process answers HTTP. No dependency is asked, so an outage elsewhere
    never makes an orchestrator restart healthy web processes."""
    return JsonResponse({"status": "ok"})


def server_error(request) -> JsonResponse:  # type: ignore[no-untyped-def]
    """The 500 answer: JSON, with nothing of the stack trace or the settings in it."""
    return JsonResponse(
        {"error": {"code": "server_error", "message": "something went wrong on our side"}},
        status=500,
    )


def not_found(request, exception=None) -> JsonResponse:  # type: ignore[no-untyped-def]
    """The 404 answer outside DRF views: JSON like every other error."""
    return JsonResponse({"error": {"code": "not_found", "message": "not found"}}, status=404)


API_PREFIX = "api/v1/"


def _literal(pattern: object) -> str | None:
    """The route of a URL pattern when it takes no parameter ("briefs/"), else None."""
    text = str(pattern).lstrip("^").rstrip("$")
    if any(ch in text for ch in "<>(?[*+\\"):
        return None
    return text


def _resources(patterns: list, prefix: str = "") -> dict[str, str]:
    """Every parameter-free endpoint under /api/v1/, by path, in URL configuration order."""
    found: dict[str, str] = {}
    for entry in patterns:
        part = _literal(entry.pattern)
        if part is None:
            continue
        path = prefix + part
        if isinstance(entry, URLResolver):
            found.update(_resources(entry.url_patterns, path))
        elif isinstance(entry, URLPattern) and path not in ("", API_PREFIX):
            found.setdefault(path.rstrip("/"), "/" + path)
    return found


class ApiRootView(APIView):
    """The API's entry point: a link to every resource (docs/API.md), the schema and the docs."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        responses=inline_serializer(
            "ApiRoot", {"resources": serializers.DictField(child=serializers.URLField())}
        )
    )
    def get(self, request: Request) -> Response:
        resolver = get_resolver()
        api = next(
            entry
            for entry in resolver.url_patterns
            if isinstance(entry, URLResolver) and _literal(entry.pattern) == API_PREFIX
        )
        found = _resources(api.url_patterns)
        return Response(
            {
                "resources": {
                    name: request.build_absolute_uri("/" + API_PREFIX + path.lstrip("/"))
                    for name, path in found.items()
                },
                "schema": reverse("schema", request=request),
                "docs": reverse("docs", request=request),
                "health": reverse("healthz", request=request),
            }
        )


def bad_request(request, exception=None) -> JsonResponse:  # type: ignore[no-untyped-def]
    """The 400 answer outside DRF views (a body too big, too many fields): JSON with a code."""
    if isinstance(exception, SuspiciousOperation):
        body, status = request_limit_error(exception)
    else:
        body, status = {"error": {"code": "bad_request", "message": "bad request"}}, 400
    return JsonResponse(body, status=status)
