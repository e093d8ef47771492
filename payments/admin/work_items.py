"""Money work items in the admin: what Stripe did that we did not ask for, and work a sweep
found waiting too long; staff resolve them through the service."""

from django.contrib import admin

from marketplace.admin import ReadOnlyAdmin
from marketplace.admin_tools import MoneyAdminMixin, run_service_action

from ..models import MoneyWorkItem
from ..services.work_items import work_item_resolve


@admin.register(MoneyWorkItem)
class MoneyWorkItemAdmin(MoneyAdminMixin, ReadOnlyAdmin):
    money_fields = {"amount": "currency"}
    list_display = [
        "created_at",
        "kind",
        "status",
        "amount",
        "contract",
        "milestone",
        "stripe_object",
        "message",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["stripe_object", "stripe_event", "key", "message"]
    list_select_related = ["contract", "milestone"]
    actions = ["resolve"]

    @admin.action(description="Mark resolved (checked and handled in Stripe)")
    def resolve(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        note = f"handled in Stripe, resolved in the admin by {request.user.email}"
        run_service_action(
            self,
            request,
            queryset,
            lambda item: work_item_resolve(actor=request.user, item_id=item.pk, note=note),
            "resolve work item",
            note=note,
        )
