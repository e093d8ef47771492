"""The flagged-message queue in the admin. Staff see only flagged messages here (a thread is
otherwise read through its dispute); text is shown as text, escaped, never as HTML."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from marketplace.admin import ReadOnlyAdmin
from marketplace.admin_tools import run_service_action

from ..models import Message
from .services import message_flag_review


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("waiting", "Waiting for review"), ("reviewed", "Reviewed")]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        if self.value() == "waiting":
            return queryset.filter(flag_reviewed_at__isnull=True)
        if self.value() == "reviewed":
            return queryset.filter(flag_reviewed_at__isnull=False)
        return queryset


@admin.register(Message)
class FlaggedMessageAdmin(ReadOnlyAdmin):
    """Messages whose contact details or payment handles were masked, oldest waiting first;
    the original text is kept here for staff."""

    list_display = [
        "id",
        "created_at",
        "thread",
        "author",
        "kinds",
        "text",
        "flag_reviewed_at",
    ]
    list_filter = [QueueFilter]
    search_fields = ["text", "original_text", "author__email", "thread__creator__handle"]
    list_select_related = ["thread", "author"]
    ordering = ["flag_reviewed_at", "created_at"]
    fields = [
        "thread",
        "author",
        "created_at",
        "text",
        "original_text",
        "kinds",
        "video",
        "at_s",
        "edited_at",
        "deleted_at",
        "flag_reviewed_at",
        "flag_reviewed_by",
    ]
    readonly_fields = ["kinds"]
    actions = ["mark_reviewed"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return super().get_queryset(request).filter(flagged=True)

    @admin.display(description="found")
    def kinds(self, message: Message) -> str:
        return ", ".join(message.flag_kinds)

    @admin.action(description="Mark reviewed (leaves the queue; the masking stays)")
    def mark_reviewed(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        run_service_action(
            self,
            request,
            queryset,
            lambda m: message_flag_review(actor=request.user, message=m),
            "review",
        )
