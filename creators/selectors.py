"""Reads of creators, portfolios and reels: what each kind of user may see, loaded per page."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import JSONObject

from marketplace.fields import JSONArraySubquery
from marketplace.models import User

from .models import (
    CreatorProfile,
    CreatorSkill,
    ModelLicence,
    Moderation,
    PartnerApplication,
    Portfolio,
    Reel,
)

SKILL_ORDER = ("-reel_count", "model")


def creators_public() -> QuerySet[CreatorProfile]:
    """Active (not suspended) creators with their skills prefetched (one profile's page)."""
    return CreatorProfile.objects.filter(suspended=False).prefetch_related(
        Prefetch("skills", queryset=CreatorSkill.objects.order_by(*SKILL_ORDER))
    )


def creators_public_base() -> QuerySet[CreatorProfile]:
    """Active (not suspended) creators, for the list to filter before `creator_rows`."""
    return CreatorProfile.objects.filter(suspended=False)


# What the public list shows of a creator, read as plain values (see creator_rows).
CREATOR_ROW_FIELDS = (
    "handle",
    "display_name",
    "bio",
    "country",
    "languages",
    "tags",
    "min_price_per_project",
    "price_per_second",
    "rate_currency",
    "tier",
    "verified",
    "rating_sum",
    "review_count",
    "completed_contracts",
    "on_time_contracts",
    "last_active_at",
    "created_at",
)


def creator_rows(creators: QuerySet[CreatorProfile]) -> QuerySet:
    """The list's creators as dicts with their skills as one JSON array, in one query.

    No model instances and no prefetch: each row carries `skills_json`, the creator's skills
    (most reels first) aggregated in SQL.
    """
    skills = (
        CreatorSkill.objects.filter(creator=OuterRef("pk"))
        .order_by(*SKILL_ORDER)
        .values(
            item=JSONObject(
                model="model",
                provider="provider",
                reel_count="reel_count",
                total_seconds="total_seconds",
            )
        )
    )
    return creators.values(*CREATOR_ROW_FIELDS).annotate(skills_json=JSONArraySubquery(skills))


def creator_has_model(models: list[str]) -> Exists:
    """Subquery: the creator has an approved reel made with one of `models`."""
    return Exists(CreatorSkill.objects.filter(creator=OuterRef("pk"), model__in=models))


def creator_has_licensed_reel(verdict: str) -> Exists:
    """Subquery: the creator has an approved reel whose video has this licence verdict."""
    return Exists(
        Reel.objects.filter(
            creator=OuterRef("pk"),
            moderation=Moderation.APPROVED,
            video__licence_verdict=verdict,
        )
    )


def model_licences() -> QuerySet[ModelLicence]:
    """What each generator plan allows, for everyone to read."""
    return ModelLicence.objects.all()


def reels_visible_to(user: User) -> QuerySet[Reel]:
    """Approved reels of active creators, plus the user's own reels in any state."""
    public = Q(moderation=Moderation.APPROVED, creator_suspended=False)
    profile = getattr(user, "creator_profile", None) if user.is_authenticated else None
    condition = public | Q(creator=profile) if profile is not None else public
    return Reel.objects.filter(condition).select_related(
        "video", "video__licence", "creator", "portfolio"
    )


# What a reel list shows, read as plain values (see reel_rows).
REEL_ROW_FIELDS = (
    "id",
    "creator__handle",
    "portfolio_id",
    "title",
    "description",
    "tags",
    "moderation",
    "rejection_reason",
    "created_at",
    "updated_at",
    "video__provider",
    "video__model",
    "video__video_url",
    "video__thumbnail_url",
    "video__prompt",
    "video__mode",
    "video__duration_s",
    "video__width",
    "video__height",
    "video__fps",
    "video__seed",
    "video__provider_task_id",
    "video__generated_at",
    "video__plan",
    "video__licence_verdict",
    "video__licence__conditions",
)


def reel_rows(reels: QuerySet[Reel]) -> QuerySet:
    """A reel list as dicts with the video's and the creator's columns joined in, one query."""
    return reels.values(*REEL_ROW_FIELDS)


def reels_owned_by(user: User) -> QuerySet[Reel]:
    """The user's own reels (empty for non-creators): the only ones they may change."""
    profile = getattr(user, "creator_profile", None) if user.is_authenticated else None
    if profile is None:
        return Reel.objects.none()
    return Reel.objects.filter(creator=profile).select_related(
        "video", "video__licence", "creator", "portfolio"
    )


def portfolios_visible_to(user: User) -> QuerySet[Portfolio]:
    """Portfolios of active creators, plus the user's own."""
    profile = getattr(user, "creator_profile", None) if user.is_authenticated else None
    condition = Q(creator__suspended=False)
    if profile is not None:
        condition |= Q(creator=profile)
    return Portfolio.objects.filter(condition).select_related("creator")


def portfolios_owned_by(user: User) -> QuerySet[Portfolio]:
    profile = getattr(user, "creator_profile", None) if user.is_authenticated else None
    if profile is None:
        return Portfolio.objects.none()
    return Portfolio.objects.filter(creator=profile).select_related("creator")


def applications_visible_to(user: User) -> QuerySet[PartnerApplication]:
    """Staff see every application; a creator sees their own."""
    qs = PartnerApplication.objects.select_related("creator", "reviewer")
    if user.is_staff:
        return qs
    profile = getattr(user, "creator_profile", None)
    if profile is None:
        return qs.none()
    return qs.filter(creator=profile)
