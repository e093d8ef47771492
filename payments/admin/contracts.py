"""Contracts and their milestones in the admin: rights, money columns, release actions."""

from django.contrib import admin, messages
from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.models import (
    Contract,
    Milestone,
    Resolution,
    RightsState,
)
from campaigns.rights import EXPIRING_WITHIN, rights_state
from marketplace.admin import ReadOnlyAdmin
from marketplace.admin_tools import (
    MoneyAdminMixin,
    action_form,
    action_reason,
    run_service_action,
)
from marketplace.money import format_money, parse_major

from ..models import (
    PaymentItem,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from ..services.refunds import (
    contract_refund_by_staff,
    milestone_dispute_resolve,
    milestone_refund_by_staff,
)


class RightsStateFilter(admin.SimpleListFilter):
    """The usage window's state, as the API computes it, as a query."""

    title = "usage rights"
    parameter_name = "rights_state"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return RightsState.choices

    def queryset(self, request, queryset: QuerySet) -> QuerySet:  # type: ignore[no-untyped-def]
        now = timezone.now()
        started = Q(rights_start__lte=now)
        live = Q(rights_perpetual=True) | Q(rights_end__isnull=True) | Q(rights_end__gt=now)
        conditions = {
            RightsState.PENDING: ~started,
            RightsState.EXPIRED: started & Q(rights_perpetual=False, rights_end__lte=now),
            RightsState.EXPIRING: started
            & Q(rights_perpetual=False, rights_end__gt=now, rights_end__lte=now + EXPIRING_WITHIN),
            RightsState.ACTIVE: started
            & live
            & ~Q(rights_perpetual=False, rights_end__lte=now + EXPIRING_WITHIN),
        }
        condition = conditions.get(self.value())
        return queryset.filter(condition) if condition is not None else queryset


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

    @admin.display(description="amount")
    def amount_money(self, obj: Milestone) -> str:
        return format_money(obj.amount, obj.currency)

    @admin.display(description="fee")
    def fee_money(self, obj: Milestone) -> str:
        return format_money(obj.fee, obj.currency)

    @admin.display(description="creator net")
    def creator_net_money(self, obj: Milestone) -> str:
        return format_money(obj.creator_net, obj.currency)

    @admin.display(description="charged")
    def charged_amount(self, obj: Milestone) -> str:
        return format_money(getattr(obj, "charged", 0), obj.currency)

    @admin.display(description="refunded")
    def refunded_amount(self, obj: Milestone) -> str:
        return format_money(getattr(obj, "refunded", 0), obj.currency)

    @admin.display(description="transfer")
    def transfer_state(self, obj: Milestone) -> str:
        transfer = getattr(obj, "transfer", None)
        if transfer is None:
            return "-"
        amount = format_money(transfer.amount, transfer.currency)
        return f"{amount} {transfer.status} {transfer.stripe_transfer_id or ''}".strip()


MILESTONE_MONEY = [
    "position",
    "title",
    "status",
    "amount_money",
    "fee_money",
    "creator_net_money",
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


def split_amounts(
    modeladmin: admin.ModelAdmin,
    request,
    objects: list,
    currency_of,  # type: ignore[no-untyped-def]
) -> dict[int, int | None] | None:
    """The creator's share typed in the action bar, in major units of each object's currency,
    as minor units per object; None (with an error shown) when it does not parse."""
    raw = (request.POST.get("amount") or "").strip()
    amounts: dict[int, int | None] = {}
    for obj in objects:
        try:
            amounts[obj.pk] = parse_major(raw, currency_of(obj)) if raw else None
        except ValueError as exc:
            modeladmin.message_user(request, f"The creator's share: {exc}.", messages.ERROR)
            return None
    return amounts


@admin.register(Milestone)
class MilestoneAdmin(MoneyColumns, ReadOnlyAdmin):
    """Each milestone with its money; staff refund it or resolve its dispute through the same
    services as the API."""

    list_display = ["id", "contract", *MILESTONE_MONEY]
    list_filter = ["status", "currency", "requires_delivery"]
    search_fields = ["contract__id", "title", "contract__creator__handle"]
    list_select_related = ["contract"]
    action_form = action_form(
        reason=["release", "refund", "split"],
        reason_required=["staff_refund"],
        amount=["split"],
        amount_label="Creator's share",
    )
    actions = ["staff_refund", "release", "refund", "split"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return milestones_with_money(super().get_queryset(request))

    @admin.action(description="Refund to the brand (funded or paid; reason required)")
    def staff_refund(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        reason = action_reason(self, request, required=True)
        if reason is None:
            return
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
        note = action_reason(self, request, required=False) or ""
        milestones = list(queryset)
        amounts = split_amounts(self, request, milestones, lambda m: m.currency)
        if amounts is None:
            return
        run_service_action(
            self,
            request,
            milestones,
            lambda m: milestone_dispute_resolve(
                actor=request.user,
                milestone_id=m.pk,
                resolution=resolution,
                creator_amount=amounts[m.pk],
                note=note,
            ),
            f"resolve ({resolution})",
            note=note,
        )

    @admin.action(description="Resolve its dispute: release everything to the creator")
    def release(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._resolve(request, queryset, Resolution.RELEASE)

    @admin.action(description="Resolve its dispute: refund everything to the brand")
    def refund(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._resolve(request, queryset, Resolution.REFUND)

    @admin.action(description="Resolve its dispute: split (the creator's share in major units)")
    def split(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._resolve(request, queryset, Resolution.SPLIT)


@admin.register(Contract)
class ContractAdmin(MoneyAdminMixin, ReadOnlyAdmin):
    money_fields = {"amount": "currency", "fee": "currency"}
    list_display = [
        "id",
        "kind",
        "brief",
        "brand",
        "creator",
        "amount",
        "fee",
        "status",
        "rights",
        "rights_end",
        "created_at",
    ]
    list_filter = ["status", "kind", RightsStateFilter, "currency", "creator_tier"]
    inlines = [MilestoneInline]
    search_fields = ["brief__title", "brand__name", "creator__handle"]
    list_select_related = ["brief", "brand", "creator"]
    date_hierarchy = "created_at"
    action_form = action_form(reason_required=["staff_refund"])
    actions = ["staff_refund"]

    @admin.display(description="usage rights")
    def rights(self, contract: Contract) -> str:
        return rights_state(contract, now=timezone.now())

    @admin.action(
        description="Refund to the brand (one-milestone contracts, funded or paid; reason "
        "required; refund milestones of others on the milestone page)"
    )
    def staff_refund(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        reason = action_reason(self, request, required=True)
        if reason is None:
            return
        run_service_action(
            self,
            request,
            queryset,
            lambda c: contract_refund_by_staff(actor=request.user, contract_id=c.pk, reason=reason),
            "refund",
            note=reason,
        )
