"""Thread and message endpoints: validate, call one service or selector, answer.

Threads come from `threads_visible_to(user)`, so a thread one does not take part in is 404
(staff: unless disputed or flagged); the services answer 403 where the thread is visible but
the act is not allowed (staff writing, a member editing another's message).
"""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from ..models import Message, Thread
from ..selectors import briefs_visible_to, contracts_visible_to
from . import selectors, services
from .filters import MessageFilter, ThreadFilter
from .serializers import (
    MessageCreateSerializer,
    MessageEditSerializer,
    MessageSerializer,
    ReadMarkSerializer,
    ReadSerializer,
    ThreadOpenSerializer,
    ThreadSerializer,
)

THREAD_ID = OpenApiParameter("thread_id", OpenApiTypes.INT, OpenApiParameter.PATH)
BRIEF_ID = OpenApiParameter("brief_id", OpenApiTypes.INT, OpenApiParameter.PATH)
CONTRACT_ID = OpenApiParameter("contract_id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _fake(view: Any) -> bool:
    return getattr(view, "swagger_fake_view", False)


def _thread_answer(user: Any, thread: Thread, code: int = status.HTTP_200_OK) -> Response:
    return Response(
        ThreadSerializer(selectors.threads_for_inbox(user).get(pk=thread.pk)).data, status=code
    )


class ThreadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your conversations, the most recently active first, each with your unread count.
    Staff see a thread only when its contract is disputed or a message in it was flagged."""

    error_codes = {
        "read": "not_participant read_mark_invalid",
    }
    serializer_class = ThreadSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    filterset_class = ThreadFilter
    search_fields = ["brief__title", "brand__name", "creator__handle"]
    ordering_fields = ["activity", "created_at", "unread"]
    ordering = ["-activity", "-id"]

    def get_queryset(self) -> QuerySet[Thread]:
        if _fake(self):
            return Thread.objects.none()
        return selectors.threads_for_inbox(self.request.user)

    @extend_schema(request=ReadSerializer, responses=ReadMarkSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        thread = self.get_object()
        data = ReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mark = services.thread_mark_read(
            actor=request.user, thread=thread, up_to=data.validated_data.get("message")
        )
        thread = self.get_queryset().get(pk=thread.pk)
        body = {
            "thread": ThreadSerializer(thread).data,
            "last_read_message": mark.last_read_message_id,
        }
        return Response(body)


@extend_schema(parameters=[THREAD_ID])
class ThreadMessageViewSet(
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """A thread's messages, oldest first. Participants write (text up to 5,000 characters,
    optionally `video` + `at_s` for timestamped feedback on a delivery); authors edit or
    delete theirs within 10 minutes; a deleted message stays as a tombstone."""

    error_codes = {
        "create": (
            "at_s_needs_video at_s_out_of_range message_empty message_too_long not_participant "
            "video_not_in_contract"
        ),
        "destroy": "edit_window_closed message_deleted not_author",
        "partial_update": (
            "edit_window_closed message_deleted message_empty message_too_long not_author"
        ),
    }
    serializer_class = MessageSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    filterset_class = MessageFilter
    search_fields = ["text"]
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]

    def thread(self) -> Thread:
        if not hasattr(self, "_thread"):
            self._thread = get_object_or_404(
                selectors.threads_visible_to(self.request.user), pk=self.kwargs["thread_id"]
            )
        return self._thread

    def get_queryset(self) -> QuerySet[Message]:
        if _fake(self):
            return Message.objects.none()
        return selectors.thread_messages(
            self.thread(), with_versions=bool(getattr(self.request.user, "is_staff", False))
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not _fake(self):
            context["thread"] = self.thread()
        return context

    def _answer(self, message: Message, code: int = status.HTTP_200_OK) -> Response:
        message = self.get_queryset().get(pk=message.pk)
        return Response(self.get_serializer(message).data, status=code)

    @extend_schema(request=MessageCreateSerializer, responses={201: MessageSerializer})
    def create(self, request: Request, thread_id: str) -> Response:
        thread = self.thread()
        data = MessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_post(
            actor=request.user,
            thread=thread,
            text=data.validated_data["text"],
            video_id=data.validated_data.get("video"),
            at_s=data.validated_data.get("at_s"),
        )
        return self._answer(message, status.HTTP_201_CREATED)

    @extend_schema(request=MessageEditSerializer, responses=MessageSerializer)
    def partial_update(self, request: Request, thread_id: str, pk: str) -> Response:
        message = get_object_or_404(self.get_queryset(), pk=pk)
        data = MessageEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_edit(
            actor=request.user, message=message, text=data.validated_data["text"]
        )
        return self._answer(message)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, thread_id: str, pk: str) -> Response:
        message = get_object_or_404(self.get_queryset(), pk=pk)
        services.message_delete(actor=request.user, message=message)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[BRIEF_ID])
class BriefThreadViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Questions about a brief: a creator who can see it opens their thread with the brand;
    a brand member opens one with a creator invited to it or bidding on it. Opening an
    existing thread answers it (200) instead of making another."""

    error_codes = {
        "create": (
            "at_s_needs_video at_s_out_of_range creator_not_reachable creator_required "
            "invalid_state message_empty message_too_long not_participant thread_not_openable "
            "video_not_in_contract"
        ),
    }
    serializer_class = ThreadSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = ThreadFilter
    ordering_fields = ["activity", "created_at", "unread"]
    ordering = ["-activity", "-id"]

    def brief_id(self) -> int:
        brief = get_object_or_404(briefs_visible_to(self.request.user), pk=self.kwargs["brief_id"])
        return brief.pk

    def get_queryset(self) -> QuerySet[Thread]:
        if _fake(self):
            return Thread.objects.none()
        return selectors.threads_for_inbox(self.request.user).filter(brief_id=self.brief_id())

    @extend_schema(
        request=ThreadOpenSerializer, responses={200: ThreadSerializer, 201: ThreadSerializer}
    )
    def create(self, request: Request, brief_id: str) -> Response:
        brief_pk = self.brief_id()
        data = ThreadOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        thread, created = services.brief_thread_open(
            actor=request.user,
            brief_id=brief_pk,
            creator_handle=data.validated_data.get("creator", ""),
            text=data.validated_data.get("text", ""),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return _thread_answer(request.user, thread, code)


@extend_schema(parameters=[CONTRACT_ID])
class ContractThreadView(generics.GenericAPIView):
    """The thread of a contract, for its creator and brand members (staff: when disputed);
    made on first use. Post to `/threads/{id}/messages/`."""

    serializer_class = ThreadSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    filter_backends: list = []

    def get(self, request: Request, contract_id: str) -> Response:
        contract = get_object_or_404(contracts_visible_to(request.user), pk=contract_id)
        thread = services.contract_thread_ensure(contract=contract)
        thread = get_object_or_404(selectors.threads_for_inbox(request.user), pk=thread.pk)
        return Response(ThreadSerializer(thread).data)


router = SimpleRouter()
router.register("threads", ThreadViewSet, basename="thread")
router.register(
    r"threads/(?P<thread_id>\d+)/messages", ThreadMessageViewSet, basename="thread-message"
)
router.register(r"briefs/(?P<brief_id>\d+)/threads", BriefThreadViewSet, basename="brief-thread")

urlpatterns = [
    re_path(
        r"^contracts/(?P<contract_id>\d+)/thread/$",
        ContractThreadView.as_view(),
        name="contract-thread",
    ),
    *router.urls,
]
