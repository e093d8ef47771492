"""Moderation of creators, reels and partner applications; every action calls a service."""

from django.contrib import admin
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.utils.html import format_html

from marketplace.admin_tools import ReasonActionForm, run_service_action

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
class CreatorProfileAdmin(admin.ModelAdmin):
    list_display = [
        "handle",
        "display_name",
        "tier",
        "verified",
        "suspended",
        "country",
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
    action_form = ReasonActionForm
    actions = ["verify", "suspend", "unsuspend", "set_tier"]

    @admin.action(description="Verify selected creators")
    def verify(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        run_service_action(
            self,
            request,
            queryset,
            lambda p: services.creator_verify(actor=request.user, profile=p),
            "verify",
        )

    @admin.action(description="Suspend selected creators (reason from the field)")
    def suspend(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        reason = request.POST.get("reason", "")
        run_service_action(
            self,
            request,
            queryset,
            lambda p: services.creator_suspend(actor=request.user, profile=p, reason=reason),
            "suspend",
        )

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
        )


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ["name", "creator", "created_at"]
    search_fields = ["name", "creator__handle"]
    list_select_related = ["creator"]


@admin.register(Reel)
class ReelAdmin(admin.ModelAdmin):
    """The moderation queue: pending reels first, oldest first within a state."""

    list_display = [
        "thumbnail",
        "title",
        "creator",
        "moderation",
        "model",
        "video_link",
        "created_at",
    ]
    list_filter = ["moderation", "video__provider"]
    search_fields = ["title", "creator__handle", "video__model"]
    list_select_related = ["creator", "video"]
    readonly_fields = [
        "creator",
        "video",
        "moderation",
        "rejection_reason",
        "moderated_by",
        "moderated_at",
        "created_at",
    ]
    fields = [
        "creator",
        "portfolio",
        "title",
        "description",
        "tags",
        "video",
        "moderation",
        "rejection_reason",
        "moderated_by",
        "moderated_at",
        "created_at",
    ]
    action_form = ReasonActionForm
    actions = ["approve", "reject"]

    def get_ordering(self, request) -> list:  # type: ignore[no-untyped-def]
        # The admin changelist orders by this, not by the queryset's order_by.
        pending_first = Case(
            When(moderation=Moderation.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "created_at"]

    @admin.display(description="model")
    def model(self, reel: Reel) -> str:
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

    @admin.action(description="Reject selected reels (reason from the field)")
    def reject(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        reason = request.POST.get("reason", "")
        run_service_action(
            self,
            request,
            queryset,
            lambda r: services.reel_reject(actor=request.user, reel=r, reason=reason),
            "reject",
        )


@admin.register(PartnerApplication)
class PartnerApplicationAdmin(admin.ModelAdmin):
    list_display = ["id", "creator", "status", "created_at", "reviewer", "decided_at"]
    list_filter = ["status"]
    search_fields = ["creator__handle", "statement"]
    list_select_related = ["creator", "reviewer"]
    readonly_fields = [
        "creator",
        "statement",
        "links",
        "status",
        "reviewer",
        "reason",
        "created_at",
        "decided_at",
    ]
    ordering = ["status", "created_at"]
    action_form = ReasonActionForm
    actions = ["approve", "reject"]

    @admin.action(description="Approve (grants the partner tier)")
    def approve(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        run_service_action(
            self,
            request,
            queryset,
            lambda a: services.partner_application_approve(actor=request.user, application=a),
            "approve",
        )

    @admin.action(description="Reject (reason from the field)")
    def reject(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        reason = request.POST.get("reason", "")
        run_service_action(
            self,
            request,
            queryset,
            lambda a: services.partner_application_reject(
                actor=request.user, application=a, reason=reason
            ),
            "reject",
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
