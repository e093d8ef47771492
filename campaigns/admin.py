"""Brands, IP, the brief moderation queue, and read-only bids and invitations.

Moderation actions call the same services as the API. Contracts and disputes are in the
payments admin (their actions move money).
"""

from django.contrib import admin
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from marketplace.admin import ReadOnlyAdmin
from marketplace.admin_tools import (
    ConfirmAction,
    ConfirmActionsMixin,
    Confirmation,
    MoneyAdminMixin,
    ReadableAdminMixin,
    ReasonForm,
    action_form,
    action_reason,
    redirect_to_confirmation,
    run_service_action,
)
from marketplace.money import format_money, format_money_range

from . import services
from .conversations import admin as conversations_admin  # noqa: F401 - the flagged-message queue
from .models import (
    Bid,
    Brand,
    BrandMembership,
    BrandVerification,
    Brief,
    BriefStatus,
    Delivery,
    Invitation,
    IPAsset,
    LicenceFlag,
    MemberInvitation,
    RightsNotice,
    VerificationStatus,
)


class MembershipInline(admin.TabularInline):
    """A brand's members; they join through invitations (the API), never added here."""

    model = BrandMembership
    extra = 0
    can_delete = False
    fields = ["user", "role", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    """Brands are made by registration; staff may correct the profile, but `verified` changes
    only through a verification request (Brand verifications, a confirmation page each)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "verified", "created_at"]
    list_filter = ["verified"]
    search_fields = ["name", "slug", "memberships__user__email"]
    readonly_fields = ["slug", "verified", "created_at"]
    inlines = [MembershipInline]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False


def _pending(verification: BrandVerification) -> bool:
    return verification.status == VerificationStatus.PENDING


@admin.register(BrandVerification)
class BrandVerificationAdmin(ConfirmActionsMixin, ReadOnlyAdmin):
    """The verification queue: pending requests first, oldest first. Check the company's site
    and registration number, then approve or reject on the request's confirmation page with a
    reason (required): the services set the brand's `verified`, write the audit row and tell
    its members."""

    list_display = [
        "id",
        "brand",
        "status",
        "company_website",
        "registration_number",
        "contact_name",
        "contact_email",
        "created_at",
        "reviewed_by",
        "reviewed_at",
    ]
    list_filter = ["status"]
    search_fields = ["brand__name", "registration_number", "company_website", "contact_email"]
    list_select_related = ["brand", "reviewed_by"]
    fields = [
        "brand",
        "status",
        "company_website",
        "registration_number",
        "contact_name",
        "contact_email",
        "contact_phone",
        "note",
        "requested_by",
        "created_at",
        "reason",
        "reviewed_by",
        "reviewed_at",
    ]
    actions = ["approve", "reject"]
    confirm_actions = [
        ConfirmAction("approve", "approve", "Verify the brand…", _pending),
        ConfirmAction("reject", "reject", "Reject the request…", _pending),
    ]

    def get_ordering(self, request) -> list:  # type: ignore[no-untyped-def]
        pending_first = Case(
            When(status=VerificationStatus.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "created_at"]

    def _confirmation(
        self, request, verification: BrandVerification, data, *, approve: bool
    ) -> Confirmation:  # type: ignore[no-untyped-def]
        brand = verification.brand
        rows = _verification_rows(verification, approve=approve)
        service = (
            services.brand_verification_approve if approve else services.brand_verification_reject
        )

        def perform(form_data: dict) -> str:
            service(actor=request.user, verification=verification, reason=form_data["reason"])
            return f"{'Approve' if approve else 'Reject'}: {form_data['reason']}"

        form = ReasonForm(data)
        form.fields["reason"].help_text = (
            "Required. What you checked (kept in History and the audit log)."
            if approve
            else "Required. Sent to the brand's members, and kept in History and the audit log."
        )
        return Confirmation(
            title=f"{'Verify' if approve else 'Reject the verification of'} {brand.name}",
            intro="Check the company's website and registration number before you decide.",
            rows=rows,
            form=form,
            button=f"Yes, verify {brand.name}" if approve else "Yes, reject the request",
            perform=perform,
            done=f"{brand.name} is verified."
            if approve
            else f"{brand.name}'s request is rejected.",
        )

    def confirm_approve(self, request, verification: BrandVerification, data) -> Confirmation:  # type: ignore[no-untyped-def]
        return self._confirmation(request, verification, data, approve=True)

    def confirm_reject(self, request, verification: BrandVerification, data) -> Confirmation:  # type: ignore[no-untyped-def]
        return self._confirmation(request, verification, data, approve=False)

    @admin.action(description="Verify the brand…")
    def approve(self, request, queryset):  # type: ignore[no-untyped-def]
        return redirect_to_confirmation(self, request, queryset, "approve")

    @admin.action(description="Reject the request…")
    def reject(self, request, queryset):  # type: ignore[no-untyped-def]
        return redirect_to_confirmation(self, request, queryset, "reject")


def _verification_rows(
    verification: BrandVerification, *, approve: bool
) -> list[tuple[str, str, str]]:
    """What staff read before deciding a verification request, and what their decision does."""
    brand = verification.brand
    contact = (verification.contact_name, verification.contact_email, verification.contact_phone)
    asked = f"{verification.created_at:%Y-%m-%d %H:%M} by {verification.requested_by or '—'}"
    effect = (
        "The brand becomes verified: creators see the verified mark on its briefs, "
        "matches, threads and contracts; its members are told."
        if approve
        else "The brand stays unverified and may ask again; its members are told your reason."
    )
    return [
        ("brand", "Brand", f"{brand.name} ({brand.slug}), {brand.memberships.count()} member(s)"),
        ("website", "Company website", verification.company_website),
        ("registration", "Registration number", verification.registration_number),
        ("contact", "Contact", ", ".join(part for part in contact if part)),
        ("note", "Their note", verification.note or "—"),
        ("asked", "Asked", asked),
        ("effect", "What changes", effect),
    ]


@admin.register(BrandMembership)
class BrandMembershipAdmin(ReadOnlyAdmin):
    list_display = ["brand", "user", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["brand__name", "user__email"]
    list_select_related = ["brand", "user"]


@admin.register(IPAsset)
class IPAssetAdmin(ReadableAdminMixin, ReadOnlyAdmin):
    """IP a brand registered through the API (where the rights chain is checked); staff read
    it here."""

    list_display = [
        "name",
        "brand",
        "held",
        "licence_end",
        "ai_generation_allowed",
        "likeness",
        "likeness_consent_expires",
        "term_months",
        "created_at",
    ]
    list_filter = ["held", "ai_generation_allowed", "likeness", "exclusivity_allowed", "exclusive"]
    search_fields = ["name", "description", "brand__name"]
    list_select_related = ["brand"]
    json_fields = ["territories", "channels", "reference_links"]


@admin.register(MemberInvitation)
class MemberInvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "brand", "role", "status", "invited_by", "created_at", "responded_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "brand__name"]
    list_select_related = ["brand", "invited_by"]


@admin.register(Brief)
class BriefAdmin(ReadableAdminMixin, MoneyAdminMixin, admin.ModelAdmin):
    """The moderation queue: briefs in review first, oldest submission first."""

    json_fields = [
        "tags",
        "preferred_models",
        "languages",
        "deliverables",
        "usage_territories",
        "usage_channels",
    ]
    hidden_fields = ["terms"]

    list_display = [
        "title",
        "brand",
        "status",
        "visibility",
        "min_tier",
        "budget",
        "slots",
        "bid_deadline",
        "submitted_at",
    ]
    list_filter = ["status", "visibility", "min_tier", "currency"]
    search_fields = ["title", "description", "brand__name"]
    list_select_related = ["brand"]
    date_hierarchy = "created_at"
    money_fields = {"budget_min": "currency", "budget_max": "currency"}
    action_form = action_form(reason_required=["reject"])
    actions = ["approve", "reject"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def get_readonly_fields(self, request, obj=None) -> list[str]:  # type: ignore[no-untyped-def]
        # A brief changes only through its services (the brand edits, staff moderate).
        shown = super().get_readonly_fields(request, obj)
        own = (f.name for f in Brief._meta.fields if f.name not in self.json_fields)
        return list(dict.fromkeys([*shown, *own]))

    def get_ordering(self, request) -> list:  # type: ignore[no-untyped-def]
        in_review_first = Case(
            When(status=BriefStatus.IN_REVIEW, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [in_review_first.asc(), "submitted_at", "created_at"]

    @admin.display(description="budget", ordering="budget_max")
    def budget(self, brief: Brief) -> str:
        return format_money_range(brief.budget_min, brief.budget_max, brief.currency)

    @admin.action(description="Approve selected briefs (open them for bids)")
    def approve(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        run_service_action(
            self,
            request,
            queryset,
            lambda b: services.brief_approve(actor=request.user, brief=b),
            "approve",
        )

    @admin.action(description="Reject selected briefs (reason required)")
    def reject(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        reason = action_reason(self, request, required=True)
        if reason is None:
            return
        run_service_action(
            self,
            request,
            queryset,
            lambda b: services.brief_reject(actor=request.user, brief=b, reason=reason),
            "reject",
            note=reason,
        )


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["brief", "creator", "status", "invited_by", "created_at"]
    list_filter = ["status"]
    search_fields = ["brief__title", "creator__handle"]
    list_select_related = ["brief", "creator", "invited_by"]


@admin.register(Bid)
class BidAdmin(MoneyAdminMixin, ReadOnlyAdmin):
    money_fields = {"amount": "currency"}
    list_display = ["id", "brief", "creator", "amount", "status", "created_at"]
    list_filter = ["status", "currency"]
    search_fields = ["brief__title", "creator__handle", "pitch"]
    list_select_related = ["brief", "creator"]
    date_hierarchy = "created_at"
    exclude = ["milestones"]
    readonly_fields = ["proposed_milestones"]

    @admin.display(description="proposed milestones")
    def proposed_milestones(self, bid: Bid) -> str:
        rows = [
            (
                m.get("title", ""),
                format_money(int(m.get("amount") or 0), bid.currency),
                m.get("due_date", ""),
            )
            for m in bid.milestones or []
        ]
        if not rows:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}: {} by {}", rows)  # noqa: S308


def _flagged(delivery: Delivery) -> bool:
    return delivery.licence_flag == LicenceFlag.FLAGGED


def video_licence_lines(delivery: Delivery) -> list[str]:
    """Each delivered video's generator, plan, verdict and the licence conditions."""
    lines = []
    for video in delivery.videos.select_related("licence"):
        licence = video.licence
        conditions = licence.conditions if licence is not None and licence.conditions else ""
        source = f" (source: {licence.source_url}, checked {licence.checked_on})" if licence else ""
        lines.append(
            f"#{video.pk} {video.provider} {video.model}, plan {video.plan or 'not given'}: "
            f"{video.get_licence_verdict_display()}"
            + (f" — {conditions}" if conditions else "")
            + source
        )
    return lines


@admin.register(Delivery)
class DeliveryAdmin(ConfirmActionsMixin, ReadOnlyAdmin):
    """Deliveries; filter `licence flag: flagged` for the generator-licence queue (videos on a
    conditional or unknown plan) and clear each once checked, on its confirmation page."""

    list_display = ["id", "contract", "number", "licence_flag", "licence_note", "created_at"]
    list_filter = ["licence_flag"]
    search_fields = ["contract__brief__title", "contract__creator__handle", "licence_note"]
    list_select_related = ["contract"]
    actions = ["clear_licence_flag"]
    fields = [
        "contract",
        "milestone",
        "number",
        "note",
        "revision_note",
        "licence_flag",
        "licence_note",
        "video_licences",
        "created_at",
    ]
    readonly_fields = fields
    confirm_actions = [
        ConfirmAction("clear_licence", "clear-licence", "Clear the licence flag…", _flagged)
    ]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        qs = super().get_queryset(request)
        # The queue first: flagged deliveries on top.
        return qs.annotate(
            _flagged=Case(
                When(licence_flag=LicenceFlag.FLAGGED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("_flagged", "-id")

    @admin.display(description="videos and their generator licences")
    def video_licences(self, delivery: Delivery) -> str:
        return format_html_join(
            mark_safe("<br>"), "{}", ((line,) for line in video_licence_lines(delivery))
        )  # noqa: S308

    def confirm_clear_licence(self, request, delivery: Delivery, data) -> Confirmation:  # type: ignore[no-untyped-def]
        contract = delivery.contract
        rows = [
            (
                "delivery",
                "Delivery",
                f"{delivery.number} of contract #{contract.pk} ({contract.brief})",
            ),
            ("flag", "Why it was flagged", delivery.licence_note or "—"),
            *(
                (f"video-{n}", "Video" if n == 0 else "", line)
                for n, line in enumerate(video_licence_lines(delivery))
            ),
            (
                "effect",
                "What changes",
                "The flag is cleared and the brand is told staff checked the generator licences.",
            ),
        ]

        def perform(form_data: dict) -> str:
            services.delivery_licence_clear(
                actor=request.user, delivery=delivery, note=form_data["reason"]
            )
            return f"Clear licence flag: {form_data['reason']}"

        return Confirmation(
            title=f"Clear the licence flag of delivery {delivery.number} (contract #{contract.pk})",
            intro="Clear the flag only once you checked each video's plan allows this use.",
            rows=rows,
            form=ReasonForm(data),
            button="Yes, the licences are checked: clear the flag",
            perform=perform,
            done=f"The licence flag of delivery {delivery.number} is cleared.",
        )

    @admin.action(description="Clear the licence flag…")
    def clear_licence_flag(self, request, queryset):  # type: ignore[no-untyped-def]
        return redirect_to_confirmation(self, request, queryset, "clear_licence")


@admin.register(RightsNotice)
class RightsNoticeAdmin(ReadOnlyAdmin):
    list_display = ["contract", "kind", "rights_end", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["contract"]
