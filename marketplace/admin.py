from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .admin_tools import readable_json
from .models import AuditLog, Notification, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["id"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that are history: visible to staff, never edited or deleted by hand."""

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    readonly_fields = ["data_readable"]
    exclude = ["data"]
    list_display = ["created_at", "actor", "verb", "object_type", "object_id", "before", "after"]
    list_filter = ["verb", "object_type"]
    search_fields = ["object_id", "object_repr", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"

    @admin.display(description="data")
    def data_readable(self, entry: AuditLog) -> str:
        return readable_json(entry.data)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "message", "read_at"]
    list_filter = ["kind"]
    search_fields = ["user__email", "message"]
    list_select_related = ["user"]
