"""Conversations (docs/CONVERSATIONS.md): threads, messages and read marks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from creators.models import CreatorProfile, GeneratedVideo

from .brands import Brand
from .briefs import Brief
from .contracts import Contract

# Conversations -------------------------------------------------------------------------------

MESSAGE_MAX_LENGTH = 5000


class ThreadKind(models.TextChoices):
    BRIEF = "brief", "Brief question"
    CONTRACT = "contract", "Contract"


class Thread(models.Model):
    """A conversation between one creator and a brand's members: about a brief before any
    contract (one per brief and creator), or about one contract."""

    kind = models.CharField(max_length=10, choices=ThreadKind.choices)
    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="threads")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="threads")
    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="threads")
    contract = models.OneToOneField(
        Contract, null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["creator", "last_message_at"]),
            models.Index(fields=["brand", "last_message_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "creator"],
                condition=Q(kind="brief"),
                name="one_brief_thread_per_creator",
            ),
            models.CheckConstraint(
                condition=(Q(kind="brief") & Q(contract__isnull=True))
                | (Q(kind="contract") & Q(contract__isnull=False)),
                name="thread_kind_matches_contract",
            ),
        ]

    def __str__(self) -> str:
        if self.contract_id:
            return f"thread of contract #{self.contract_id}"
        return f"thread on brief {self.brief_id} with creator {self.creator_id}"


class Message(models.Model):
    """One message of a thread. Text only, never HTML; editable for a short window, then
    immutable; deletion leaves a tombstone. `original_text` keeps what the author first wrote
    (before masking, edits or deletion) for staff only."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    original_text = models.TextField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    video = models.ForeignKey(
        GeneratedVideo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at_s = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    flagged = models.BooleanField(default=False)
    flag_kinds = models.JSONField(default=list, blank=True)
    flag_reviewed_at = models.DateTimeField(null=True, blank=True)
    flag_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["thread", "id"]),
            models.Index(
                fields=["created_at"],
                condition=Q(flagged=True, flag_reviewed_at__isnull=True),
                name="message_flag_queue",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(at_s__isnull=True) | (Q(at_s__gte=0) & Q(video__isnull=False)),
                name="message_at_s_needs_video",
            ),
        ]

    def __str__(self) -> str:
        return f"message #{self.pk} in thread {self.thread_id}"


class MessageVersion(models.Model):
    """One version of a message as its author wrote it, for staff: posting writes version 1,
    each edit the next. `text` is the author's own text (never masked); `shown_text` what the
    thread showed the others; `flag_kinds` what the contact detector found in it."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    shown_text = models.TextField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    flag_kinds = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["message", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "number"], name="message_version_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"version {self.number} of message #{self.message_id}"


class ThreadRead(models.Model):
    """How far one participant has read a thread: unread = later messages of the others."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_message_id = models.BigIntegerField(default=0)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="thread_read_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read thread {self.thread_id} to #{self.last_read_message_id}"
