"""Moderation of creators, reels and partner applications; every action calls a service."""

from django.contrib import admin
from django.db import models
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html, format_html_join
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
from marketplace.audit import entered_state_at

from . import services
from .models import (
    CreatorProfile,
    CreatorSkill,
    ModelLicence,
    Moderation,
    PartnerApplication,
    Portfolio,
    Reel,
)


class SkillInline(admin.TabularInline):
    model = CreatorSkill
    extra = 0
    can_delete = False
    readonly_fields = ["model", "provider", "reel_count", "total_seconds"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(CreatorProfile)
class CreatorProfileAdmin(
    ConfirmActionsMixin, ReadableAdminMixin, MoneyAdminMixin, admin.ModelAdmin
):
    """Creators; staff verify, grant tiers and suspend (through a confirmation page with a
    reason). Profiles are made by registration, never added here."""

    money_fields = {"min_price_per_project": "rate_currency", "price_per_second": "rate_currency"}
    list_display = [
        "handle",
        "display_name",
        "tier",
        "verified",
        "suspended",
        "country",
        "min_price_per_project",
        "completed_contracts",
        "review_count",
        "last_active_at",
    ]
    list_filter = ["tier", "verified", "suspended", "country"]
    search_fields = ["handle", "display_name", "user__email"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "tier",
        "verified",
        "suspended",
        "suspended_reason",
        "rating_sum",
        "review_count",
        "completed_contracts",
        "on_time_contracts",
        "last_active_at",
        "reel_tags",
        "created_at",
        "updated_at",
    ]
    inlines = [SkillInline]
    json_fields = ["languages", "tags", "reel_tags"]
    hidden_fields = ["terms", "tag_evidence", "model_evidence", "provider_evidence", "formats"]
    action_form = action_form(tier=["set_tier"])
    actions = ["verify", "suspend", "unsuspend", "set_tier"]
    confirm_actions = [
        ConfirmAction("suspend", "suspend", "Suspend…", lambda profile: not profile.suspended)
    ]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def confirm_suspend(self, request, profile: CreatorProfile, data) -> Confirmation:  # type: ignore[no-untyped-def]
        reels = profile.reels.filter(moderation=Moderation.APPROVED).count()
        rows = [
            ("creator", "Creator", f"@{profile.handle} ({profile.display_name}), {profile.user}"),
            ("tier", "Tier", f"{profile.get_tier_display()}, verified: {profile.verified}"),
            ("reels", "Approved reels hidden from the public", str(reels)),
            (
                "effect",
                "What changes",
                "Hidden from the public and from matching; cannot bid. Running contracts, "
                "their payouts and disputes are not touched.",
            ),
        ]

        def perform(form_data: dict) -> str:
            services.creator_suspend(
                actor=request.user, profile=profile, reason=form_data["reason"]
            )
            return f"Suspend: {form_data['reason']}"

        return Confirmation(
            title=f"Suspend @{profile.handle}",
            intro="The creator is suspended until staff lift it; they see the reason.",
            rows=rows,
            form=ReasonForm(data),
            button=f"Yes, suspend @{profile.handle}",
            perform=perform,
            done=f"@{profile.handle} is suspended.",
        )

    @admin.action(description="Verify selected creators")
    def verify(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        run_service_action(
            self,
            request,
            queryset,
            lambda p: services.creator_verify(actor=request.user, profile=p),
            "verify",
        )

    @admin.action(description="Suspend the selected creator…")
    def suspend(self, request, queryset):  # type: ignore[no-untyped-def]
        return redirect_to_confirmation(self, request, queryset, "suspend")

    @admin.action(description="Unsuspend selected creators")
    def unsuspend(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        run_service_action(
            self,
            request,
            queryset,
            lambda p: services.creator_unsuspend(actor=request.user, profile=p),
            "unsuspend",
        )

    @admin.action(description="Set tier of selected creators (tier from the field)")
    def set_tier(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        tier = request.POST.get("tier", "")
        run_service_action(
            self,
            request,
            queryset,
            lambda p: services.creator_set_tier(actor=request.user, profile=p, tier=tier),
            "set tier",
            note=tier,
        )


@admin.register(Portfolio)
class PortfolioAdmin(ReadOnlyAdmin):
    """Creators make and edit their portfolios through the API; staff read them."""

    list_display = ["name", "creator", "created_at"]
    search_fields = ["name", "creator__handle"]
    list_select_related = ["creator"]


@admin.register(Reel)
class ReelAdmin(ReadableAdminMixin, ReadOnlyAdmin):
    """The moderation queue: pending reels first, oldest first within a state, each with its
    provenance (generator, plan, prompt, licence verdict) read-only. Creators make and edit
    reels through the API; staff approve or reject them (a reason required)."""

    list_display = [
        "thumbnail",
        "title",
        "creator",
        "moderation",
        "video_model",
        "video_plan",
        "licence",
        "video_link",
        "waiting_since",
        "created_at",
    ]
    list_filter = [
        "moderation",
        ("video__licence_verdict", admin.ChoicesFieldListFilter),
        "video__provider",
        "video__plan",
    ]
    search_fields = ["title", "creator__handle", "video__model", "video__prompt"]
    list_select_related = ["creator", "video", "video__licence"]
    json_fields = ["tags"]
    hidden_fields = ["terms"]
    fields = [
        "creator",
        "portfolio",
        "title",
        "description",
        "tags",
        "video_url",
        "generator",
        "video_plan",
        "video_format",
        "prompt",
        "licence",
        "licence_conditions",
        "moderation",
        "rejection_reason",
        "moderated_by",
        "moderated_at",
        "waiting_since",
        "created_at",
    ]
    readonly_fields = fields
    action_form = action_form(reason_required=["reject"])
    actions = ["approve", "reject"]

    def get_queryset(self, request) -> QuerySet[Reel]:  # type: ignore[no-untyped-def]
        return (
            super()
            .get_queryset(request)
            .annotate(queued_at=entered_state_at(Reel, Moderation.PENDING, fallback="created_at"))
        )

    @admin.display(description="waiting since", ordering="queued_at")
    def waiting_since(self, reel: Reel):  # type: ignore[no-untyped-def]
        if reel.moderation != Moderation.PENDING:
            return "—"
        return reel.queued_at  # type: ignore[attr-defined]

    @admin.display(description="video")
    def video_url(self, reel: Reel) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
            reel.video.video_url,
            reel.video.video_url,
        )

    @admin.display(description="plan", ordering="video__plan")
    def video_plan(self, reel: Reel) -> str:
        return reel.video.get_plan_display() or "not given"

    @admin.display(description="licence", ordering="video__licence_verdict")
    def licence(self, reel: Reel) -> str:
        return reel.video.get_licence_verdict_display()

    @admin.display(description="licence conditions")
    def licence_conditions(self, reel: Reel) -> str:
        licence = reel.video.licence
        if licence is None:
            return "No licence row matches this generator and plan."
        return format_html(
            '{} — {}<br>source: <a href="{}" target="_blank" rel="noopener noreferrer">{}</a> '
            "(checked {})",
            licence,
            licence.conditions or "no conditions recorded",
            licence.source_url,
            licence.source_url,
            licence.checked_on,
        )

    @admin.display(description="generator")
    def generator(self, reel: Reel) -> str:
        video = reel.video
        return f"{video.get_provider_display()} {video.model} ({video.get_mode_display()})"

    @admin.display(description="format")
    def video_format(self, reel: Reel) -> str:
        video = reel.video
        seed = f", seed {video.seed}" if video.seed is not None else ""
        made = f", generated {video.generated_at:%Y-%m-%d %H:%M}" if video.generated_at else ""
        return f"{video.duration_s} s, {video.width}×{video.height} @ {video.fps} fps{seed}{made}"

    @admin.display(description="prompt")
    def prompt(self, reel: Reel) -> str:
        return reel.video.prompt or "—"

    def get_ordering(self, request) -> list:  # type: ignore[no-untyped-def]
        # The admin changelist orders by this, not by the queryset's order_by.
        pending_first = Case(
            When(moderation=Moderation.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "created_at"]

    # Not `model`: that name is ModelAdmin.model (the Reel class), so the column came out empty.
    @admin.display(description="model", ordering="video__model")
    def video_model(self, reel: Reel) -> str:
        return reel.video.model

    @admin.display(description="video")
    def video_link(self, reel: Reel) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">open ↗</a>',
            reel.video.video_url,
        )

    @admin.display(description="")
    def thumbnail(self, reel: Reel) -> str:
        if not reel.video.thumbnail_url:
            return "—"
        return format_html(
            '<img src="{}" style="height:48px" referrerpolicy="no-referrer">',
            reel.video.thumbnail_url,
        )

    @admin.action(description="Approve selected reels")
    def approve(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        run_service_action(
            self,
            request,
            queryset,
            lambda r: services.reel_approve(actor=request.user, reel=r),
            "approve",
        )

    @admin.action(description="Reject selected reels (reason required)")
    def reject(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        reason = action_reason(self, request, required=True)
        if reason is None:
            return
        run_service_action(
            self,
            request,
            queryset,
            lambda r: services.reel_reject(actor=request.user, reel=r, reason=reason),
            "reject",
            note=reason,
        )


@admin.register(PartnerApplication)
class PartnerApplicationAdmin(ReadOnlyAdmin):
    """Pending applications first; the statement, links, reel count and tier on each row.
    Creators apply through the API; staff approve or reject (a reason required)."""

    list_display = [
        "id",
        "creator",
        "creator_tier",
        "reel_count",
        "statement_excerpt",
        "link_list",
        "status",
        "created_at",
        "reviewer",
        "decided_at",
    ]
    list_filter = ["status", "creator__tier", "creator__verified"]
    search_fields = ["creator__handle", "statement"]
    list_select_related = ["creator", "reviewer"]
    readonly_fields = [
        "creator",
        "creator_tier",
        "reel_count",
        "statement",
        "link_list",
        "status",
        "reviewer",
        "reason",
        "created_at",
        "decided_at",
    ]
    fields = readonly_fields
    ordering = ["status", "created_at"]
    action_form = action_form(reason_required=["reject"])
    actions = ["approve", "reject"]

    def get_queryset(self, request) -> QuerySet[PartnerApplication]:  # type: ignore[no-untyped-def]
        return super().get_queryset(request).annotate(reels=Count("creator__reels"))

    @admin.display(description="tier", ordering="creator__tier")
    def creator_tier(self, application: PartnerApplication) -> str:
        return application.creator.get_tier_display()

    @admin.display(description="reels", ordering="reels")
    def reel_count(self, application: PartnerApplication) -> int:
        return application.reels  # type: ignore[attr-defined]

    @admin.display(description="statement")
    def statement_excerpt(self, application: PartnerApplication) -> str:
        return truncatechars(application.statement, 120)

    @admin.display(description="links")
    def link_list(self, application: PartnerApplication) -> str:
        links = [str(link) for link in application.links or []]
        if not links:
            return "—"
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 - a constant
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
            ((link, truncatechars(link, 60)) for link in links),
        )

    @admin.action(description="Approve (grants the partner tier)")
    def approve(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        run_service_action(
            self,
            request,
            queryset,
            lambda a: services.partner_application_approve(actor=request.user, application=a),
            "approve",
        )

    @admin.action(description="Reject (reason required)")
    def reject(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        reason = action_reason(self, request, required=True)
        if reason is None:
            return
        run_service_action(
            self,
            request,
            queryset,
            lambda a: services.partner_application_reject(
                actor=request.user, application=a, reason=reason
            ),
            "reject",
            note=reason,
        )


@admin.register(ModelLicence)
class ModelLicenceAdmin(admin.ModelAdmin):
    """What each generator plan allows; saving or deleting a row re-judges the provider's
    videos (through the services, with an audit row)."""

    list_display = [
        "provider",
        "model_prefix",
        "plan",
        "commercial_use",
        "checked_on",
        "source_url",
    ]
    list_filter = ["provider", "plan", "commercial_use"]
    search_fields = ["model_prefix", "conditions", "source_url"]
    readonly_fields = ["updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change) -> None:  # type: ignore[no-untyped-def]
        services.model_licence_save(actor=request.user, licence=obj, created=not change)

    def delete_model(self, request, obj) -> None:  # type: ignore[no-untyped-def]
        services.model_licence_delete(actor=request.user, licence=obj)

    def delete_queryset(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        for licence in queryset:
            services.model_licence_delete(actor=request.user, licence=licence)
