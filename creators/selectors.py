"""Reads of creators, portfolios and reels: what each kind of user may see, loaded per page."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

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


def creators_public() -> QuerySet[CreatorProfile]:
    """Active (not suspended) creators with their skills prefetched for the page."""
    return CreatorProfile.objects.filter(suspended=False).prefetch_related(
        Prefetch("skills", queryset=CreatorSkill.objects.order_by("-reel_count", "model"))
    )


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
    public = Q(moderation=Moderation.APPROVED, creator__suspended=False)
    profile = getattr(user, "creator_profile", None) if user.is_authenticated else None
    condition = public | Q(creator=profile) if profile is not None else public
    return Reel.objects.filter(condition).select_related(
        "video", "video__licence", "creator", "portfolio"
    )


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
