"""Brands, IP, the brief moderation queue, and read-only bids and invitations.

Moderation actions call the same services as the API. Contracts and disputes are in the
payments admin (their actions move money).
"""

from django.contrib import admin
from django.db import models
from django.db.models import Case, IntegerField, Value, When

from marketplace.admin import ReadOnlyAdmin
from marketplace.admin_tools import (
    MoneyAdminMixin,
    action_form,
    action_reason,
    run_service_action,
)
from marketplace.money import format_money_range

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
    model = BrandMembership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    """Brands; `verified` changes only through a verification request (Brand verifications)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "verified", "created_at"]
    list_filter = ["verified"]
    search_fields = ["name", "slug", "memberships__user__email"]
    readonly_fields = ["verified", "created_at"]
    inlines = [MembershipInline]


@admin.register(BrandVerification)
class BrandVerificationAdmin(ReadOnlyAdmin):
    """The verification queue: pending requests first, oldest first. Check the company's site
    and registration number, then approve or reject with a reason (both required): the
    services set the brand's `verified`, write the audit row and tell its members."""

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
    action_form = action_form(reason_required=["approve", "reject"])
    actions = ["approve", "reject"]

    def get_ordering(self, request) -> list:  # type: ignore[no-untyped-def]
        pending_first = Case(
            When(status=VerificationStatus.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "created_at"]

    def _review(self, request, queryset, verb: str, service) -> None:  # type: ignore[no-untyped-def]
        reason = action_reason(self, request, required=True)
        if reason is None:
            return
        run_service_action(
            self,
            request,
            queryset,
            lambda v: service(actor=request.user, verification=v, reason=reason),
            verb,
            note=reason,
        )

    @admin.action(description="Approve selected requests: the brand is verified (reason required)")
    def approve(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._review(request, queryset, "approve", services.brand_verification_approve)

    @admin.action(description="Reject selected requests (reason required, sent to the brand)")
    def reject(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        self._review(request, queryset, "reject", services.brand_verification_reject)


@admin.register(BrandMembership)
class BrandMembershipAdmin(admin.ModelAdmin):
    list_display = ["brand", "user", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["brand__name", "user__email"]
    list_select_related = ["brand", "user"]
    autocomplete_fields = ["brand", "user"]


@admin.register(IPAsset)
class IPAssetAdmin(admin.ModelAdmin):
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
    autocomplete_fields = ["brand"]


@admin.register(MemberInvitation)
class MemberInvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "brand", "role", "status", "invited_by", "created_at", "responded_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "brand__name"]
    list_select_related = ["brand", "invited_by"]


@admin.register(Brief)
class BriefAdmin(MoneyAdminMixin, admin.ModelAdmin):
    """The moderation queue: briefs in review first, oldest submission first."""

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
        return list(dict.fromkeys([*shown, *(field.name for field in Brief._meta.fields)]))

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


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """Deliveries; filter `licence flag: flagged` for the generator-licence queue (videos on a
    conditional or unknown plan) and clear them once checked."""

    list_display = ["id", "contract", "number", "licence_flag", "licence_note", "created_at"]
    list_filter = ["licence_flag"]
    search_fields = ["contract__brief__title", "contract__creator__handle", "licence_note"]
    list_select_related = ["contract"]
    action_form = action_form(reason=["clear_licence_flag"])
    actions = ["clear_licence_flag"]

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

    @admin.action(description="Clear the licence flag (checked; note from the reason field)")
    def clear_licence_flag(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        note = request.POST.get("reason", "")
        run_service_action(
            self,
            request,
            queryset,
            lambda d: services.delivery_licence_clear(actor=request.user, delivery=d, note=note),
            "clear licence flag",
        )


@admin.register(RightsNotice)
class RightsNoticeAdmin(ReadOnlyAdmin):
    list_display = ["contract", "kind", "rights_end", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["contract"]
