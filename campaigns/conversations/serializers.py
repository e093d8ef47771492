"""Input and output shapes of threads and messages. Message text is plain text: it is
returned as written (JSON-escaped), never rendered or sanitised as HTML."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import MESSAGE_MAX_LENGTH, Message, MessageVersion, Thread, ThreadKind

MAX_ID = 2**63 - 1


class ThreadSerializer(serializers.ModelSerializer):
    """A thread with its counterparts and the viewer's unread count (loaded per page)."""

    brief_title = serializers.CharField(source="brief.title", read_only=True)
    brand_name = serializers.CharField(source="brand.name", read_only=True)
    brand_verified = serializers.BooleanField(source="brand.verified", read_only=True)
    creator = serializers.CharField(source="creator.handle", read_only=True)
    unread = serializers.IntegerField(
        read_only=True, help_text="messages of the others after your read mark"
    )
    flagged_count = serializers.IntegerField(
        read_only=True, help_text="messages whose contact details were masked"
    )

    class Meta:
        model = Thread
        fields = [
            "id",
            "kind",
            "brief",
            "brief_title",
            "brand",
            "brand_name",
            "brand_verified",
            "creator",
            "contract",
            "unread",
            "flagged_count",
            "last_message_at",
            "created_at",
        ]
        read_only_fields = fields


class ThreadOpenSerializer(serializers.Serializer):
    creator = serializers.SlugField(
        max_length=40, required=False, help_text="brand members: the creator's handle"
    )
    text = serializers.CharField(
        max_length=MESSAGE_MAX_LENGTH, required=False, help_text="an optional first message"
    )


class MessageVersionSerializer(serializers.ModelSerializer):
    """One version of a message as its author wrote it (staff only)."""

    class Meta:
        model = MessageVersion
        fields = ["number", "text", "shown_text", "flag_kinds", "created_at"]
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer):
    """A message as a participant sees it; staff also see `original_text`, `flag_kinds` and
    every version the author wrote (`versions`, prefetched by the selector for staff).

    Needs `thread` and `request` in the context (the same for the whole page: no queries)."""

    author_side = serializers.SerializerMethodField(help_text="creator, brand or staff")
    author_name = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    masked = serializers.BooleanField(source="flagged", read_only=True)
    edited = serializers.SerializerMethodField()
    deleted = serializers.SerializerMethodField()
    video = serializers.SerializerMethodField()
    at_s = serializers.SerializerMethodField()
    original_text = serializers.SerializerMethodField(help_text="staff only")
    flag_kinds = serializers.SerializerMethodField(help_text="staff only")
    versions = serializers.SerializerMethodField(
        help_text="staff only: every version as the author wrote it (unmasked), oldest first"
    )

    class Meta:
        model = Message
        fields = [
            "id",
            "thread",
            "author_side",
            "author_name",
            "mine",
            "text",
            "video",
            "at_s",
            "masked",
            "edited",
            "deleted",
            "created_at",
            "edited_at",
            "original_text",
            "flag_kinds",
            "versions",
        ]
        read_only_fields = fields

    def _viewer(self) -> Any:
        request = self.context.get("request")
        return getattr(request, "user", None)

    def _staff(self) -> bool:
        return bool(getattr(self._viewer(), "is_staff", False))

    def get_author_side(self, message: Message) -> str:
        thread = self.context["thread"]
        if message.author_id is not None and message.author_id == thread.creator.user_id:
            return "creator"
        if message.author is not None and message.author.is_staff:
            return "staff"
        return "brand"

    def get_author_name(self, message: Message) -> str:
        thread = self.context["thread"]
        side = self.get_author_side(message)
        if side == "creator":
            return f"@{thread.creator.handle}"
        full_name = message.author.full_name if message.author is not None else ""
        return f"{thread.brand.name} · {full_name}" if full_name else thread.brand.name

    def get_mine(self, message: Message) -> bool:
        viewer = self._viewer()
        return viewer is not None and message.author_id == viewer.pk

    def get_edited(self, message: Message) -> bool:
        return message.edited_at is not None

    def get_deleted(self, message: Message) -> bool:
        return message.deleted_at is not None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_video(self, message: Message) -> int | None:
        if message.deleted_at is not None and not self._staff():
            return None
        return message.video_id

    @extend_schema_field(serializers.DecimalField(max_digits=7, decimal_places=3, allow_null=True))
    def get_at_s(self, message: Message) -> str | None:
        if message.at_s is None or (message.deleted_at is not None and not self._staff()):
            return None
        return f"{message.at_s:.3f}"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_original_text(self, message: Message) -> str | None:
        return message.original_text if self._staff() else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_flag_kinds(self, message: Message) -> list[str] | None:
        return list(message.flag_kinds) if self._staff() else None

    @extend_schema_field(MessageVersionSerializer(many=True, allow_null=True))
    def get_versions(self, message: Message) -> list[dict] | None:
        if not self._staff():
            return None
        return MessageVersionSerializer(message.versions.all(), many=True).data


class MessageCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)
    video = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="a video delivered on the thread's contract (timestamped feedback)",
    )
    at_s = serializers.DecimalField(
        max_digits=7,
        decimal_places=3,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="the second of the video the message is about, within its duration",
    )


class MessageEditSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)


class ReadSerializer(serializers.Serializer):
    message = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="read up to this message (default: the latest)",
    )


class ReadMarkSerializer(serializers.Serializer):
    thread = ThreadSerializer()
    last_read_message = serializers.IntegerField()


__all__ = [
    "MessageCreateSerializer",
    "MessageEditSerializer",
    "MessageSerializer",
    "ReadMarkSerializer",
    "ReadSerializer",
    "ThreadKind",
    "ThreadOpenSerializer",
    "ThreadSerializer",
]
