"""Disputes (resolve with a split, in major units) and change orders in the admin."""

from django.contrib import admin
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html, format_html_join

from campaigns.conversations.selectors import thread_messages
from campaigns.models import (
    ChangeOrder,
    Dispute,
    DisputeStatus,
    Resolution,
    Thread,
)
from marketplace.admin import ReadOnlyAdmin
from marketplace.admin_tools import (
    ConfirmAction,
    ConfirmActionsMixin,
    Confirmation,
    MoneyAdminMixin,
    ReasonForm,
    redirect_to_confirmation,
)
from marketplace.money import format_money

from ..selectors import contract_deliveries
from ..services.payouts import release_split
from ..services.refunds import milestone_dispute_resolve
from .confirm import SplitForm, milestone_rows, outcome_rows

RESOLVE_INTRO = {
    Resolution.RELEASE: "All of the disputed milestone goes to the creator: the escrow is "
    "released and the creator is paid their net; the brand gets nothing back.",
    Resolution.REFUND: "All of the disputed milestone goes back to the brand: the charge is "
    "refunded and the creator is paid nothing.",
    Resolution.SPLIT: "Type the creator's share of the disputed milestone (gross, before the "
    "platform fee) and preview: the creator is paid their share less the fee, the brand is "
    "refunded the rest.",
}


def _open(dispute: Dispute) -> bool:
    return dispute.status == DisputeStatus.OPEN


def _amount_ok(form: SplitForm) -> bool:
    """The share parsed and in range (the reason may still be missing)."""
    form.is_valid()
    return "amount" in form.cleaned_data


@admin.register(Dispute)
class DisputeAdmin(ConfirmActionsMixin, MoneyAdminMixin, ReadOnlyAdmin):
    """Open disputes first, with the disputed milestone's amount; staff resolve each from its
    own page (release, refund or split), through a confirmation page that shows the money."""

    money_fields = {"creator_amount": "contract__currency"}
    money_labels = {"creator_amount": "creator's share (gross)"}
    list_display = [
        "id",
        "contract",
        "milestone",
        "status",
        "reason_excerpt",
        "milestone_amount",
        "opened_by",
        "created_at",
        "resolution",
        "creator_amount",
        "resolved_by",
        "resolve_links",
    ]
    list_filter = ["status", "resolution", "contract__currency", "created_at"]
    search_fields = ["contract__id", "reason", "contract__creator__handle"]
    list_select_related = ["contract", "milestone", "opened_by", "resolved_by"]
    ordering = ["-status", "created_at"]
    actions = ["release", "refund", "split"]
    readonly_fields = ["milestone_amount", "evidence_thread", "evidence_deliveries"]
    confirm_actions = [
        ConfirmAction(
            "resolve_release", "resolve/release", "Resolve: release to the creator", _open
        ),
        ConfirmAction("resolve_refund", "resolve/refund", "Resolve: refund the brand", _open),
        ConfirmAction("resolve_split", "resolve/split", "Resolve: split", _open),
    ]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # The changelist skips list_select_related once a queryset selects related rows.
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related, "contract__creator", "contract__brand")
        )

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

    @admin.display(description="amount (disputed milestone)", ordering="milestone__amount")
    def milestone_amount(self, dispute: Dispute) -> str:
        return format_money(dispute.milestone.amount, dispute.milestone.currency)

    @admin.display(description="resolve")
    def resolve_links(self, dispute: Dispute) -> str:
        if not _open(dispute):
            return "—"
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (self.confirm_url(dispute, f"resolve_{name}"), name)
                for name in ("release", "refund", "split")
            ),
        )

    def _confirmation(
        self, request, dispute: Dispute, resolution: str, gross: int | None, form
    ) -> Confirmation:  # type: ignore[no-untyped-def]
        contract, milestone = dispute.contract, dispute.milestone
        rows = [
            (
                "dispute",
                "Dispute",
                f"#{dispute.pk}, opened {dispute.created_at:%Y-%m-%d} by "
                f"{dispute.opened_by or '—'}: {truncatechars(dispute.reason, 200)}",
            ),
            *milestone_rows(contract, milestone),
        ]
        if gross is not None:
            rows += outcome_rows(contract, milestone, gross)

        def perform(data: dict) -> str:
            milestone_dispute_resolve(
                actor=request.user,
                milestone_id=milestone.pk,
                resolution=resolution,
                creator_amount=data.get("amount"),
                note=data["reason"],
            )
            note = f"Resolve ({resolution})"
            if resolution == Resolution.SPLIT and gross is not None:
                fee, net = release_split(contract=contract, milestone=milestone, gross=gross)
                money = contract.currency
                note += (
                    f": creator's share {format_money(gross, money)} gross, fee "
                    f"{format_money(fee, money)}, net {format_money(net, money)}; brand's refund "
                    f"{format_money(milestone.amount - gross, money)}"
                )
            return f"{note}. Reason: {data['reason']}"

        label = Resolution(resolution).label.lower()
        return Confirmation(
            title=f"Resolve dispute #{dispute.pk}: {label}",
            intro=RESOLVE_INTRO[resolution],
            rows=rows,
            form=form,
            button=f"Yes, resolve: {label}",
            perform=perform,
            key=None if gross is None else f"{resolution}-{gross}",
            done=f"Dispute #{dispute.pk} resolved: {label}.",
        )

    def confirm_resolve_release(self, request, dispute: Dispute, data) -> Confirmation:  # type: ignore[no-untyped-def]
        return self._confirmation(
            request, dispute, Resolution.RELEASE, dispute.milestone.amount, ReasonForm(data)
        )

    def confirm_resolve_refund(self, request, dispute: Dispute, data) -> Confirmation:  # type: ignore[no-untyped-def]
        return self._confirmation(request, dispute, Resolution.REFUND, 0, ReasonForm(data))

    def confirm_resolve_split(self, request, dispute: Dispute, data) -> Confirmation:  # type: ignore[no-untyped-def]
        form = SplitForm(data, contract=dispute.contract, milestone=dispute.milestone)
        gross = form.cleaned_data["amount"] if data is not None and _amount_ok(form) else None
        return self._confirmation(request, dispute, Resolution.SPLIT, gross, form)

    @admin.action(description="Resolve: release everything to the creator…")
    def release(self, request, queryset):  # type: ignore[no-untyped-def]
        return redirect_to_confirmation(self, request, queryset, "resolve_release")

    @admin.action(description="Resolve: refund everything to the brand…")
    def refund(self, request, queryset):  # type: ignore[no-untyped-def]
        return redirect_to_confirmation(self, request, queryset, "resolve_refund")

    @admin.action(description="Resolve: split between creator and brand…")
    def split(self, request, queryset):  # type: ignore[no-untyped-def]
        return redirect_to_confirmation(self, request, queryset, "resolve_split")


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
