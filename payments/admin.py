"""Money in the admin: contracts and disputes, read-only history (ledger, payments, transfers,
webhook log) and the actions staff take (refund, resolve, retry), each through a service.

The contract and dispute rows are campaigns' models (their admin URLs stay under
/admin/campaigns/); what staff do to them moves money, so their admin lives here."""

from django.contrib import admin, messages
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from campaigns.models import ChangeOrder, Contract, Dispute, Milestone, Resolution
from marketplace.admin import ReadOnlyAdmin
from marketplace.admin_tools import MoneyActionForm, ReasonActionForm, run_service_action

from .models import (
    JournalEntry,
    JournalLine,
    LedgerAccount,
    Payment,
    PaymentItem,
    PaymentStatus,
    PayoutAccount,
    Refund,
    RefundStatus,
    StripeEvent,
    Transfer,
)
from .services.payouts import payout_release
from .services.refunds import (
    contract_refund_by_staff,
    milestone_dispute_resolve,
    milestone_refund_by_staff,
    refund_execute,
)
from .webhooks import event_process


def milestones_with_money(qs: QuerySet[Milestone]) -> QuerySet[Milestone]:
    """Milestones with what was charged and refunded for each, and their transfer, in the
    same query."""
    charged = (
        PaymentItem.objects.filter(
            milestone=OuterRef("pk"), payment__status=PaymentStatus.SUCCEEDED
        )
        .values("milestone")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    refunded = (
        Refund.objects.filter(milestone=OuterRef("pk"))
        .exclude(status=RefundStatus.FAILED)
        .values("milestone")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return qs.select_related("transfer").annotate(
        charged=Coalesce(Subquery(charged, output_field=IntegerField()), 0),
        refunded=Coalesce(Subquery(refunded, output_field=IntegerField()), 0),
    )


class MoneyColumns:
    """The money columns of a milestone row (annotated by milestones_with_money)."""

    @admin.display(description="charged")
    def charged_amount(self, obj: Milestone) -> int:
        return getattr(obj, "charged", 0)

    @admin.display(description="refunded")
    def refunded_amount(self, obj: Milestone) -> int:
        return getattr(obj, "refunded", 0)

    @admin.display(description="transfer")
    def transfer_state(self, obj: Milestone) -> str:
        transfer = getattr(obj, "transfer", None)
        if transfer is None:
            return "-"
        return f"{transfer.amount} {transfer.status} {transfer.stripe_transfer_id or ''}".strip()


MILESTONE_MONEY = [
    "position",
    "title",
    "status",
    "amount",
    "fee",
    "creator_net",
    "charged_amount",
    "refunded_amount",
    "transfer_state",
    "due_date",
    "funded_at",
    "paid_at",
]


class MilestoneInline(MoneyColumns, admin.TabularInline):
    model = Milestone
    extra = 0
    can_delete = False
    show_change_link = True
    fields = MILESTONE_MONEY
    readonly_fields = MILESTONE_MONEY

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return milestones_with_money(super().get_queryset(request))

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


def _split_amount(modeladmin: admin.ModelAdmin, request) -> tuple[bool, int | None]:  # type: ignore[no-untyped-def]
    raw = (request.POST.get("amount") or "").strip()
    if raw and not raw.isdigit():
        modeladmin.message_user(
            request, "The amount must be a whole number of minor units.", messages.ERROR
        )
        return False, None
    return True, int(raw) if raw else None


@admin.register(Milestone)
class MilestoneAdmin(MoneyColumns, ReadOnlyAdmin):
    """Each milestone with its money; staff refund it or resolve its dispute through the same
    services as the API."""

    list_display = ["id", "contract", *MILESTONE_MONEY]
    list_filter = ["status", "currency", "requires_delivery"]
    search_fields = ["contract__id", "title", "contract__creator__handle"]
    list_select_related = ["contract"]
    action_form = MoneyActionForm
    actions = ["staff_refund", "release", "refund", "split"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return milestones_with_money(super().get_queryset(request))

    @admin.action(description="Refund to the brand (funded or paid; reason from the field)")
    def staff_refund(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        reason = request.POST.get("reason", "") or "staff decision"
        run_service_action(
            self,
            request,
            queryset,
            lambda m: milestone_refund_by_staff(
                actor=request.user, milestone_id=m.pk, reason=reason
            ),
            "refund",
        )

    def _resolve(self, request, queryset, resolution: str) -> None:  # type: ignore[no-untyped-def]
        ok, amount = _split_amount(self, request)
        if not ok:
            return
        note = request.POST.get("reason", "")
        run_service_action(
            self,
            request,
            queryset,
            lambda m: milestone_dispute_resolve(
                actor=request.user,
                milestone_id=m.pk,
                resolution=resolution,
                creator_amount=amount,
                note=note,
            ),
            f"resolve ({resolution})",
        )

    @admin.action(description="Resolve its dispute: release everything to the creator")
    def release(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._resolve(request, queryset, Resolution.RELEASE)

    @admin.action(description="Resolve its dispute: refund everything to the brand")
    def refund(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._resolve(request, queryset, Resolution.REFUND)

    @admin.action(description="Resolve its dispute: split (creator's share from the amount field)")
    def split(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._resolve(request, queryset, Resolution.SPLIT)


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "kind",
        "brief",
        "brand",
        "creator",
        "amount",
        "fee",
        "currency",
        "status",
        "created_at",
    ]
    list_filter = ["status", "kind", "currency", "creator_tier"]
    inlines = [MilestoneInline]
    search_fields = ["brief__title", "brand__name", "creator__handle"]
    list_select_related = ["brief", "brand", "creator"]
    date_hierarchy = "created_at"
    action_form = ReasonActionForm
    actions = ["staff_refund"]

    @admin.action(
        description="Refund to the brand (one-milestone contracts, funded or paid; reason from "
        "the field; refund milestones of others on the milestone page)"
    )
    def staff_refund(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        reason = request.POST.get("reason", "") or "staff decision"
        run_service_action(
            self,
            request,
            queryset,
            lambda c: contract_refund_by_staff(actor=request.user, contract_id=c.pk, reason=reason),
            "refund",
        )


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
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "contract",
        "amount",
        "currency",
        "status",
        "stripe_payment_intent_id",
        "succeeded_at",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["stripe_payment_intent_id", "stripe_charge_id", "contract__id"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = [
        "contract",
        "milestone",
        "creator",
        "amount",
        "currency",
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
class RefundAdmin(ReadOnlyAdmin):
    list_display = [
        "contract",
        "milestone",
        "amount",
        "currency",
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
    model = JournalLine
    extra = 0
    can_delete = False
    readonly_fields = ["account", "amount"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "idempotency_key",
        "currency",
        "contract",
        "milestone",
        "memo",
    ]
    list_select_related = ["contract", "milestone"]
    list_filter = ["kind", "currency"]
    search_fields = ["idempotency_key", "memo"]
    inlines = [JournalLineInline]
    date_hierarchy = "created_at"


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["code", "currency", "created_at"]
    list_filter = ["currency"]
    search_fields = ["code"]


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
        "payload",
        "status",
        "result",
        "attempts",
        "received_at",
        "processed_at",
    ]
    actions = ["reprocess"]

    @admin.action(description="Reprocess selected events")
    def reprocess(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        run_service_action(
            self, request, queryset, lambda e: event_process(event_pk=e.pk, force=True), "reprocess"
        )


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    """Open disputes first; staff resolve them by release, refund or split (an amount)."""

    list_display = [
        "id",
        "contract",
        "milestone",
        "status",
        "opened_by",
        "created_at",
        "resolution",
        "creator_amount",
        "resolved_by",
    ]
    list_filter = ["status", "resolution"]
    search_fields = ["contract__id", "reason", "contract__creator__handle"]
    list_select_related = ["contract", "milestone", "opened_by", "resolved_by"]
    ordering = ["-status", "created_at"]
    action_form = MoneyActionForm
    actions = ["release", "refund", "split"]

    def _resolve(self, request, queryset, resolution: str) -> None:  # type: ignore[no-untyped-def]
        ok, amount = _split_amount(self, request)
        if not ok:
            return
        note = request.POST.get("reason", "")
        run_service_action(
            self,
            request,
            queryset,
            lambda d: milestone_dispute_resolve(
                actor=request.user,
                milestone_id=d.milestone_id,
                resolution=resolution,
                creator_amount=amount,
                note=note,
            ),
            f"resolve ({resolution})",
        )

    @admin.action(description="Resolve: release everything to the creator")
    def release(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._resolve(request, queryset, Resolution.RELEASE)

    @admin.action(description="Resolve: refund everything to the brand")
    def refund(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._resolve(request, queryset, Resolution.REFUND)

    @admin.action(description="Resolve: split (creator's share from the amount field)")
    def split(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._resolve(request, queryset, Resolution.SPLIT)


@admin.register(ChangeOrder)
class ChangeOrderAdmin(ReadOnlyAdmin):
    """Change orders are the parties' business; staff read them (and the milestone each added)."""

    list_display = [
        "id",
        "contract",
        "kind",
        "amount",
        "due_date",
        "proposer_side",
        "status",
        "milestone",
        "created_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["contract__id", "description"]
    list_select_related = ["contract", "milestone"]
