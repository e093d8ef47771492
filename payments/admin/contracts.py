"""Contracts and their milestones in the admin: rights, money columns, release actions."""

from django.contrib import admin
from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from campaigns.models import (
    Contract,
    Dispute,
    DisputeStatus,
    Milestone,
    MilestoneStatus,
    RightsState,
)
from campaigns.rights import EXPIRING_WITHIN, rights_state
from marketplace.admin import ReadOnlyAdmin
from marketplace.admin_tools import (
    ConfirmAction,
    ConfirmActionsMixin,
    Confirmation,
    MoneyAdminMixin,
    ReadableAdminMixin,
    ReasonForm,
    redirect_to_confirmation,
)
from marketplace.money import format_money
from marketplace.transitions import transition_allowed

from ..models import (
    PaymentItem,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from ..services.refunds import milestone_refund_by_staff
from .confirm import fee_percent, milestone_rows


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


def _staff_refundable(milestone: Milestone) -> bool:
    return transition_allowed(milestone, "staff_refund")


def _open_dispute(milestone: Milestone) -> tuple[admin.ModelAdmin, Dispute] | None:
    """The milestone's open dispute and its admin (where staff resolve it)."""
    dispute = milestone.disputes.filter(status=DisputeStatus.OPEN).first()
    return (admin.site._registry[Dispute], dispute) if dispute is not None else None


@admin.register(Milestone)
class MilestoneAdmin(ConfirmActionsMixin, MoneyColumns, ReadOnlyAdmin):
    """Each milestone with its money; staff refund it through a confirmation page that shows
    the money, and resolve its dispute on the dispute's page."""

    list_display = ["id", "contract", *MILESTONE_MONEY]
    list_filter = ["status", "currency", "requires_delivery"]
    search_fields = ["contract__id", "title", "contract__creator__handle"]
    list_select_related = ["contract"]
    fields = ["contract", "description", "requires_delivery", *MILESTONE_MONEY]
    readonly_fields = fields
    actions = ["staff_refund", "resolve_dispute"]
    confirm_actions = [
        ConfirmAction("staff_refund", "refund", "Refund to the brand", _staff_refundable),
    ]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # The changelist skips list_select_related once a queryset selects related rows.
        qs = super().get_queryset(request).select_related("contract__creator", "contract__brand")
        return milestones_with_money(qs)

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        extra_context = dict(extra_context or {})
        milestone = self.get_object(request, object_id)
        found = _open_dispute(milestone) if milestone is not None else None
        if found is not None:
            disputes, dispute = found
            extra_context["confirm_links"] = [
                (disputes.confirm_url(dispute, f"resolve_{name}"), f"Resolve dispute: {name}")
                for name in ("release", "refund", "split")
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def confirm_staff_refund(self, request, milestone: Milestone, data) -> Confirmation:  # type: ignore[no-untyped-def]
        contract = milestone.contract
        money = contract.currency
        rows = milestone_rows(contract, milestone)
        transfer = getattr(milestone, "transfer", None)
        paid = milestone.status == MilestoneStatus.PAID and transfer is not None
        if paid:
            rows.append(
                (
                    "reversal",
                    "The creator's payout taken back first",
                    f"{format_money(transfer.amount, money)} "
                    f"(transfer {transfer.stripe_transfer_id})",
                )
            )
        rows += [
            ("creator_net", "Creator's net transfer", format_money(0, money)),
            ("brand_refund", "Brand's refund", format_money(milestone.amount, money)),
        ]

        def perform(form_data: dict) -> str:
            milestone_refund_by_staff(
                actor=request.user, milestone_id=milestone.pk, reason=form_data["reason"]
            )
            return (
                f"Refund {format_money(milestone.amount, money)} to the brand. "
                f"Reason: {form_data['reason']}"
            )

        return Confirmation(
            title=f"Refund milestone {milestone.position} of contract #{contract.pk}",
            intro=(
                "All of the milestone goes back to the brand"
                + (
                    ": the creator was paid, so their transfer is reversed first."
                    if paid
                    else "; the creator is paid nothing for it."
                )
            ),
            rows=rows,
            form=ReasonForm(data),
            button=f"Yes, refund {format_money(milestone.amount, money)}",
            perform=perform,
            done=f"Refund of {format_money(milestone.amount, money)} started.",
        )

    @admin.action(description="Refund to the brand…")
    def staff_refund(self, request, queryset):  # type: ignore[no-untyped-def]
        return redirect_to_confirmation(self, request, queryset, "staff_refund")

    @admin.action(description="Resolve its dispute…")
    def resolve_dispute(self, request, queryset):  # type: ignore[no-untyped-def]
        milestones = list(queryset[:2])
        found = _open_dispute(milestones[0]) if len(milestones) == 1 else None
        if found is None:
            self.message_user(
                request, "Choose one disputed milestone: its dispute page resolves it.", "warning"
            )
            return None
        return HttpResponseRedirect(reverse("admin:campaigns_dispute_change", args=[found[1].pk]))


@admin.register(Contract)
class ContractAdmin(ReadableAdminMixin, MoneyAdminMixin, ReadOnlyAdmin):
    json_fields = ["deliverables", "usage_rights", "ip_chain"]
    hidden_fields = ["fee_bps"]
    readonly_fields = ["fee_rate"]
    money_fields = {"amount": "currency", "fee": "currency", "creator_net": "currency"}
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
    actions = ["staff_refund"]

    @admin.display(description="platform fee rate")
    def fee_rate(self, contract: Contract) -> str:
        return f"{fee_percent(contract.fee_bps)} ({contract.get_creator_tier_display()} tier)"

    @admin.display(description="usage rights")
    def rights(self, contract: Contract) -> str:
        return rights_state(contract, now=timezone.now())

    @admin.action(description="Refund to the brand… (one-milestone contracts)")
    def staff_refund(self, request, queryset):  # type: ignore[no-untyped-def]
        def only_milestone(contract: Contract) -> tuple[admin.ModelAdmin, Milestone] | None:
            milestones = list(contract.milestones.all()[:2])
            if len(milestones) != 1:
                return None
            return admin.site._registry[Milestone], milestones[0]

        return redirect_to_confirmation(
            self,
            request,
            queryset,
            "staff_refund",
            target=only_milestone,
            missing="it has several milestones: refund each on its milestone page.",
        )
