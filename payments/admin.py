"""Money in the admin: contracts and disputes, read-only history (ledger, payments, transfers,
webhook log) and the actions staff take (refund, resolve, retry), each through a service.

The contract and dispute rows are campaigns' models (their admin URLs stay under
/admin/campaigns/); what staff do to them moves money, so their admin lives here."""

import json

from django.contrib import admin, messages
from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from campaigns.conversations.selectors import thread_messages
from campaigns.models import (
    ChangeOrder,
    Contract,
    Dispute,
    Milestone,
    Resolution,
    RightsState,
    Thread,
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
from .selectors import contract_deliveries
from .services.payouts import payout_release
from .services.refunds import (
    contract_refund_by_staff,
    milestone_dispute_resolve,
    milestone_refund_by_staff,
    refund_execute,
)
from .webhooks import event_process

# The index shows the staff's work queues (payments/staff_queues.py) above the app list.
admin.site.index_template = "admin/staff_index.html"


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


def _split_amounts(
    modeladmin: admin.ModelAdmin, request, objects: list, currency_of  # type: ignore[no-untyped-def]
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
        amounts = _split_amounts(self, request, milestones, lambda m: m.currency)
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


@admin.register(Dispute)
class DisputeAdmin(MoneyAdminMixin, ReadOnlyAdmin):
    """Open disputes first; staff resolve them by release, refund or split (an amount)."""

    money_fields = {"creator_amount": "contract__currency"}
    list_display = [
        "id",
        "contract",
        "milestone",
        "status",
        "reason_excerpt",
        "contract_amount",
        "opened_by",
        "created_at",
        "resolution",
        "creator_amount",
        "resolved_by",
    ]
    list_filter = ["status", "resolution", "contract__currency", "created_at"]
    search_fields = ["contract__id", "reason", "contract__creator__handle"]
    list_select_related = ["contract", "milestone", "opened_by", "resolved_by"]
    ordering = ["-status", "created_at"]
    action_form = action_form(
        reason=["release", "refund", "split"],
        amount=["split"],
        amount_label="Creator's share (e.g. 450.00)",
    )
    actions = ["release", "refund", "split"]
    readonly_fields = ["evidence_thread", "evidence_deliveries"]

    @admin.display(description="Contract thread (evidence)")
    def evidence_thread(self, dispute: Dispute) -> str:
        """Every message of the contract's thread, deleted and edited ones with their
        original text; all of it escaped (text, never HTML)."""
        thread = Thread.objects.select_related("creator").filter(contract_id=dispute.contract_id)
        thread = thread.first()
        if thread is None:
            return "No messages."
        rows = [
            (
                m.created_at.strftime("%Y-%m-%d %H:%M"),
                f"@{thread.creator.handle}"
                if m.author_id == thread.creator.user_id
                else (m.author.email if m.author else "—"),
                m.text if m.deleted_at is None else "(deleted)",
                m.original_text if m.original_text and m.original_text != m.text else "",
                f"video #{m.video_id} at {m.at_s} s"
                if m.video_id and m.at_s is not None
                else (f"video #{m.video_id}" if m.video_id else ""),
            )
            for m in thread_messages(thread)
        ]
        if not rows:
            return "No messages."
        body = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td style="white-space:pre-wrap">{}</td>'
            '<td style="white-space:pre-wrap">{}</td><td>{}</td></tr>',
            rows,
        )
        return format_html(
            "<table><thead><tr><th>when</th><th>who</th><th>text</th>"
            "<th>original (staff only)</th><th>about</th></tr></thead><tbody>{}</tbody></table>",
            body,
        )

    @admin.display(description="Deliveries and provenance (evidence)")
    def evidence_deliveries(self, dispute: Dispute) -> str:
        """Each delivery with its note, revision note and the generated videos' provenance."""
        rows = [
            (
                delivery.number,
                delivery.created_at.strftime("%Y-%m-%d %H:%M"),
                video.pk,
                video.video_url,
                video.video_url,
                f"{video.provider} {video.model} ({video.mode})",
                f"{video.duration_s} s, {video.width}×{video.height} @ {video.fps} fps",
                f"seed {video.seed}" if video.seed is not None else "",
                video.provider_task_id,
                video.generated_at.strftime("%Y-%m-%d %H:%M") if video.generated_at else "",
                video.prompt,
                delivery.note,
                delivery.revision_note,
            )
            for delivery in contract_deliveries(dispute.contract)
            for video in delivery.videos.all()
        ]
        if not rows:
            return "No deliveries."
        body = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td>#{} <a href="{}" rel="noopener">{}</a></td>'
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            '<td style="white-space:pre-wrap">{}</td><td style="white-space:pre-wrap">{}</td>'
            '<td style="white-space:pre-wrap">{}</td></tr>',
            rows,
        )
        return format_html(
            "<table><thead><tr><th>delivery</th><th>at</th><th>video</th><th>generator</th>"
            "<th>format</th><th>seed</th><th>provider task</th><th>generated</th>"
            "<th>prompt</th><th>note</th><th>revision asked</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            body,
        )

    @admin.display(description="reason")
    def reason_excerpt(self, dispute: Dispute) -> str:
        return truncatechars(dispute.reason, 120)

    @admin.display(description="contract amount", ordering="contract__amount")
    def contract_amount(self, dispute: Dispute) -> str:
        return format_money(dispute.contract.amount, dispute.contract.currency)

    def _resolve(self, request, queryset, resolution: str) -> None:  # type: ignore[no-untyped-def]
        raw = (request.POST.get("amount") or "").strip()
        note = action_reason(self, request, required=False) or ""
        disputes = list(queryset.select_related("contract"))
        amounts = _split_amounts(self, request, disputes, lambda d: d.contract.currency)
        if amounts is None:
            return
        run_service_action(
            self,
            request,
            disputes,
            lambda d: milestone_dispute_resolve(
                actor=request.user,
                milestone_id=d.milestone_id,
                resolution=resolution,
                creator_amount=amounts[d.pk],
                note=note,
            ),
            f"resolve ({resolution})",
            note=" ".join(
                part
                for part in (
                    f"creator's share {raw}" if raw and resolution == Resolution.SPLIT else "",
                    note,
                )
                if part
            ),
        )

    @admin.action(description="Resolve: release everything to the creator")
    def release(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._resolve(request, queryset, Resolution.RELEASE)

    @admin.action(description="Resolve: refund everything to the brand")
    def refund(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._resolve(request, queryset, Resolution.REFUND)

    @admin.action(description="Resolve: split (the creator's share in major units)")
    def split(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._resolve(request, queryset, Resolution.SPLIT)


@admin.register(ChangeOrder)
class ChangeOrderAdmin(MoneyAdminMixin, ReadOnlyAdmin):
    """Change orders are the parties' business; staff read them (and the milestone each added)."""

    money_fields = {"amount": "contract__currency"}

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
