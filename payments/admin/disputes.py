"""Disputes (resolve with a split, in major units) and change orders in the admin."""

from django.contrib import admin
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html, format_html_join

from campaigns.conversations.selectors import thread_messages
from campaigns.models import (
    ChangeOrder,
    Dispute,
    Resolution,
    Thread,
)
from marketplace.admin import ReadOnlyAdmin
from marketplace.admin_tools import (
    MoneyAdminMixin,
    action_form,
    action_reason,
    run_service_action,
)
from marketplace.money import format_money

from ..selectors import contract_deliveries
from ..services.refunds import (
    milestone_dispute_resolve,
)
from .contracts import split_amounts


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
        amounts = split_amounts(self, request, disputes, lambda d: d.contract.currency)
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
