"""The flagged-message queue in the admin. Staff see only flagged messages here (a thread is
otherwise read through its dispute); text is shown as text, escaped, never as HTML."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from marketplace.admin import ReadOnlyAdmin
from marketplace.admin_tools import run_service_action

from ..models import Message, MessageVersion
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


class MessageVersionInline(admin.TabularInline):
    """Every version the author wrote, unmasked, oldest first: the evidence an edit would
    otherwise erase."""

    model = MessageVersion
    fields = ["number", "created_at", "text", "shown_text", "flag_kinds"]
    readonly_fields = fields
    ordering = ["number"]
    extra = 0
    can_delete = False
    verbose_name = "version"
    verbose_name_plural = "versions (as written, for staff only)"

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


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
    inlines = [MessageVersionInline]

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
