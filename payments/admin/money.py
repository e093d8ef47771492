"""Read-only money history in the admin: payout accounts, payments, transfers, refunds, the
journal, the ledger and the webhook log."""

import json

from django.contrib import admin
from django.db.models import Q, QuerySet, Sum
from django.utils.html import format_html

from marketplace.admin import ReadOnlyAdmin
from marketplace.admin_tools import (
    MoneyAdminMixin,
    run_service_action,
)
from marketplace.money import format_money

from ..models import (
    JournalEntry,
    JournalLine,
    LedgerAccount,
    Payment,
    PayoutAccount,
    Refund,
    StripeEvent,
    Transfer,
)
from ..services.payouts import payout_release
from ..services.refunds import (
    refund_execute,
)
from ..webhooks import event_process


@admin.register(PayoutAccount)
class PayoutAccountAdmin(ReadOnlyAdmin):
    list_display = [
        "creator",
        "stripe_account_id",
        "charges_enabled",
        "payouts_enabled",
        "details_submitted",
        "updated_at",
    ]
    list_filter = ["payouts_enabled", "details_submitted"]
    search_fields = ["creator__handle", "stripe_account_id"]
    list_select_related = ["creator"]


@admin.register(Payment)
class PaymentAdmin(MoneyAdminMixin, ReadOnlyAdmin):
    money_fields = {"amount": "currency"}
    list_display = [
        "contract",
        "amount",
        "status",
        "stripe_payment_intent_id",
        "succeeded_at",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["stripe_payment_intent_id", "stripe_charge_id", "contract__id"]


@admin.register(Transfer)
class TransferAdmin(MoneyAdminMixin, ReadOnlyAdmin):
    money_fields = {"amount": "currency", "amount_reversed": "currency"}
    list_display = [
        "contract",
        "milestone",
        "creator",
        "amount",
        "status",
        "attempts",
        "stripe_transfer_id",
        "amount_reversed",
        "paid_at",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["stripe_transfer_id", "creator__handle"]
    list_select_related = ["contract", "milestone", "creator"]
    actions = ["retry"]

    @admin.action(description="Retry the payout now")
    def retry(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        run_service_action(
            self,
            request,
            queryset,
            lambda t: payout_release(transfer_id=t.pk, force=True),
            "retry payout",
        )


@admin.register(Refund)
class RefundAdmin(MoneyAdminMixin, ReadOnlyAdmin):
    money_fields = {"amount": "currency"}
    list_display = [
        "contract",
        "milestone",
        "amount",
        "reason",
        "status",
        "stripe_refund_id",
        "created_at",
    ]
    list_filter = ["status", "reason", "currency"]
    search_fields = ["stripe_refund_id", "contract__id"]
    list_select_related = ["contract", "milestone"]
    actions = ["retry"]

    @admin.action(description="Retry the refund now")
    def retry(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        run_service_action(
            self, request, queryset, lambda r: refund_execute(refund_id=r.pk), "retry refund"
        )


class JournalLineInline(admin.TabularInline):
    """An entry's lines: debits positive, credits negative, in major units."""

    model = JournalLine
    extra = 0
    can_delete = False
    fields = ["account", "line_amount"]
    readonly_fields = ["account", "line_amount"]

    def get_queryset(self, request) -> QuerySet[JournalLine]:  # type: ignore[no-untyped-def]
        return super().get_queryset(request).select_related("account", "entry")

    @admin.display(description="amount")
    def line_amount(self, line: JournalLine) -> str:
        return format_money(line.amount, line.entry.currency)

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    """Journal entries with their amount (the sum of the debit lines) in major units."""

    list_display = [
        "created_at",
        "kind",
        "amount",
        "idempotency_key",
        "contract",
        "milestone",
        "memo",
    ]
    list_select_related = ["contract", "milestone"]
    list_filter = ["kind", "currency"]
    search_fields = ["idempotency_key", "memo"]
    inlines = [JournalLineInline]
    date_hierarchy = "created_at"

    def get_queryset(self, request) -> QuerySet[JournalEntry]:  # type: ignore[no-untyped-def]
        debits = Sum("lines__amount", filter=Q(lines__amount__gt=0))
        return super().get_queryset(request).annotate(debits=debits)

    @admin.display(description="amount", ordering="debits")
    def amount(self, entry: JournalEntry) -> str:
        return format_money(entry.debits, entry.currency)  # type: ignore[attr-defined]


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    """Ledger accounts with their balance (debits minus credits) in major units."""

    list_display = ["code", "currency", "balance", "created_at"]
    list_filter = ["currency"]
    search_fields = ["code"]
    readonly_fields = ["code", "currency", "balance", "created_at"]
    fields = readonly_fields

    def get_queryset(self, request) -> QuerySet[LedgerAccount]:  # type: ignore[no-untyped-def]
        return super().get_queryset(request).annotate(total=Sum("lines__amount", default=0))

    @admin.display(description="balance", ordering="total")
    def balance(self, account: LedgerAccount) -> str:
        return format_money(account.total, account.currency)  # type: ignore[attr-defined]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "type", "stripe_id", "account", "status", "attempts", "result"]
    list_filter = ["status", "type"]
    search_fields = ["stripe_id", "account", "result"]
    readonly_fields = [
        "stripe_id",
        "type",
        "account",
        "livemode",
        "created",
        "pretty_payload",
        "status",
        "result",
        "attempts",
        "received_at",
        "processed_at",
    ]
    actions = ["reprocess"]

    @admin.display(description="payload")
    def pretty_payload(self, event: StripeEvent) -> str:
        text = json.dumps(event.payload, indent=2, sort_keys=True, ensure_ascii=False)
        return format_html(
            '<pre style="white-space:pre-wrap;max-height:40em;overflow:auto">{}</pre>', text
        )

    @admin.action(description="Reprocess selected events")
    def reprocess(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        run_service_action(
            self, request, queryset, lambda e: event_process(event_pk=e.pk, force=True), "reprocess"
        )
