"""Creators, their portfolios of reels, the generated videos behind them, the partner programme."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from marketplace.transitions import moves


class Tier(models.TextChoices):
    STANDARD = "standard", "Standard"
    PARTNER = "partner", "Partner"
    ELITE = "elite", "Elite"


TIER_RANK = {Tier.STANDARD: 0, Tier.PARTNER: 1, Tier.ELITE: 2}


class CreatorProfile(models.Model):
    """A creator's public face, rate card and cached track record."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="creator_profile"
    )
    handle = models.SlugField(max_length=40, unique=True)
    display_name = models.CharField(max_length=100)
    bio = models.TextField(blank=True, max_length=4000)
    country = models.CharField(max_length=2, blank=True, db_index=True)
    languages = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    # Tags of the approved reels, kept current by the reel services (the matching style factor).
    reel_tags = models.JSONField(default=list, blank=True, editable=False)
    # Rate card, minor units of rate_currency.
    min_price_per_project = models.PositiveBigIntegerField(null=True, blank=True)
    price_per_second = models.PositiveBigIntegerField(null=True, blank=True)
    rate_currency = models.CharField(max_length=3, blank=True)
    tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.STANDARD)
    # Mirrors tier as an integer so "tier >= minimum" is an indexed comparison.
    tier_rank = models.GeneratedField(
        expression=models.Case(
            models.When(tier=Tier.PARTNER, then=models.Value(1)),
            models.When(tier=Tier.ELITE, then=models.Value(2)),
            default=models.Value(0),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    verified = models.BooleanField(default=False)
    suspended = models.BooleanField(default=False)
    suspended_reason = models.CharField(max_length=300, blank=True)
    # Cached track record, kept current by the services that change it.
    rating_sum = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    completed_contracts = models.PositiveIntegerField(default=0)
    on_time_contracts = models.PositiveIntegerField(default=0)
    # Latest approved activity: an approved reel, a bid or a delivery (never a pending reel).
    last_active_at = models.DateTimeField(null=True, blank=True)
    # Latest bid or delivery, set by their services; `last_active_at` is the later of this and
    # the latest approved reel.
    last_deal_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Matching evidence from the approved reels (`creators.evidence`), kept current by
    # `creator_evidence_refresh`: {tag: 1 − 0.5ⁿ}, {model: …}, {provider: …},
    # {aspect ratio: best resolution rank}, {term: approved reels containing it}.
    tag_evidence = models.JSONField(default=dict, blank=True, editable=False)
    model_evidence = models.JSONField(default=dict, blank=True, editable=False)
    provider_evidence = models.JSONField(default=dict, blank=True, editable=False)
    formats = models.JSONField(default=dict, blank=True, editable=False)
    terms = models.JSONField(default=dict, blank=True, editable=False)
    # What completed contracts show (written by campaigns through `creator_track_record_set`):
    # {"tags": {tag: credit}, "models": {model: credit}}, each contract's credit in 0..1.
    track_record = models.JSONField(default=dict, blank=True, editable=False, db_default={})
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # Covering: matching reads the part of a score that needs no evidence from this
            # index alone (an index-only scan; campaigns.matching.probes).
            models.Index(
                fields=["suspended", "tier_rank"],
                include=[
                    "id",
                    "user_id",
                    "rating_sum",
                    "review_count",
                    "completed_contracts",
                    "on_time_contracts",
                    "min_price_per_project",
                    "price_per_second",
                    "rate_currency",
                    "last_active_at",
                    "formats",
                    "languages",
                ],
                name="creator_match_cheap",
            ),  # fmt: skip
            models.Index(fields=["tier"]),
        ]
        constraints = [
            # Reviews give 1–5 stars; matching's bounds rely on quality staying ≤ 1.
            models.CheckConstraint(
                condition=Q(rating_sum__lte=models.F("review_count") * 5),
                name="creator_rating_sum_le_five_stars",
            ),
            models.CheckConstraint(
                condition=Q(on_time_contracts__lte=models.F("completed_contracts")),
                name="creator_on_time_le_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    @property
    def rating(self) -> float | None:
        if not self.review_count:
            return None
        return round(self.rating_sum / self.review_count, 2)

    @property
    def on_time_rate(self) -> float | None:
        if not self.completed_contracts:
            return None
        return round(self.on_time_contracts / self.completed_contracts, 3)


class Portfolio(models.Model):
    """A named collection of a creator's reels."""

    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="portfolios")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["creator", "name"], name="portfolio_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Provider(models.TextChoices):
    KLING = "kling", "Kling"
    VEO = "veo", "Veo"
    SORA = "sora", "Sora"
    RUNWAY = "runway", "Runway"
    PIKA = "pika", "Pika"
    HAILUO = "hailuo", "Hailuo"
    OTHER = "other", "Other"


class GenerationMode(models.TextChoices):
    TEXT_TO_VIDEO = "text_to_video", "Text to video"
    IMAGE_TO_VIDEO = "image_to_video", "Image to video"
    VIDEO_TO_VIDEO = "video_to_video", "Video to video"


class Plan(models.TextChoices):
    """The generator plan a video was made on: what its licence depends on."""

    FREE = "free", "Free"
    STANDARD = "standard", "Standard"
    PRO = "pro", "Pro"
    ENTERPRISE = "enterprise", "Enterprise"
    API = "api", "API"


class CommercialUse(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    NOT_ALLOWED = "not_allowed", "Not allowed"
    CONDITIONAL = "conditional", "Conditional"


class LicenceVerdict(models.TextChoices):
    """A video's verdict: its plan's commercial use, or unknown (no plan, or no licence row)."""

    ALLOWED = "allowed", "Allowed"
    NOT_ALLOWED = "not_allowed", "Not allowed"
    CONDITIONAL = "conditional", "Conditional"
    UNKNOWN = "unknown", "Unknown"


class ModelLicence(models.Model):
    """What one provider's plan allows for the videos made with it (kept by staff).

    `model_prefix` narrows the row to models whose name starts with it (blank: every model of
    the provider); the longest matching prefix wins.
    """

    provider = models.CharField(max_length=10, choices=Provider.choices)
    model_prefix = models.CharField(max_length=60, blank=True)
    plan = models.CharField(max_length=10, choices=Plan.choices)
    commercial_use = models.CharField(max_length=12, choices=CommercialUse.choices)
    conditions = models.TextField(blank=True, max_length=4000)
    source_url = models.URLField(max_length=500)
    checked_on = models.DateField(help_text="the date the source was last read")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider", "plan", "model_prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "model_prefix", "plan"], name="model_licence_unique"
            ),
        ]

    def __str__(self) -> str:
        prefix = f" {self.model_prefix}*" if self.model_prefix else ""
        return f"{self.provider}{prefix} ({self.plan}): {self.commercial_use}"


class GeneratedVideo(models.Model):
    """A video a creator generated with an AI model; we store its link, never the file."""

    provider = models.CharField(max_length=10, choices=Provider.choices)
    model = models.CharField(max_length=60, help_text="model and version, such as kling-2.1-pro")
    video_url = models.URLField(max_length=500)
    thumbnail_url = models.URLField(max_length=500, blank=True)
    prompt = models.TextField(blank=True, max_length=4000)
    mode = models.CharField(
        max_length=16, choices=GenerationMode.choices, default=GenerationMode.TEXT_TO_VIDEO
    )
    duration_s = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    width = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    height = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    fps = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    seed = models.BigIntegerField(null=True, blank=True)
    provider_task_id = models.CharField(max_length=120, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    plan = models.CharField(max_length=10, choices=Plan.choices, blank=True)
    # Set by the services from the ModelLicence rows (creators.services.videos_apply_licences).
    licence = models.ForeignKey(
        ModelLicence, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    licence_verdict = models.CharField(
        max_length=12, choices=LicenceVerdict.choices, default=LicenceVerdict.UNKNOWN
    )

    class Meta:
        indexes = [models.Index(fields=["licence_verdict"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_s__gte=1, duration_s__lte=600), name="video_duration_range"
            ),
            models.CheckConstraint(
                condition=Q(width__gte=1, height__gte=1, fps__gte=1), name="video_positive_dims"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.duration_s}s"


class Moderation(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Reel(models.Model):
    """A showcased piece of work, linking to the generated video; public once approved."""

    TRANSITION_FIELD = "moderation"
    TRANSITIONS = moves(
        approve=({Moderation.PENDING, Moderation.REJECTED}, Moderation.APPROVED),
        reject=({Moderation.PENDING, Moderation.APPROVED}, Moderation.REJECTED),
        # An edit of an approved or rejected reel sends it back to moderation.
        resubmit=({Moderation.APPROVED, Moderation.REJECTED}, Moderation.PENDING),
    )

    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="reels")
    portfolio = models.ForeignKey(
        Portfolio, null=True, blank=True, on_delete=models.SET_NULL, related_name="reels"
    )
    video = models.OneToOneField(GeneratedVideo, on_delete=models.PROTECT, related_name="reel")
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True, max_length=4000)
    tags = models.JSONField(default=list, blank=True)
    # Terms of title, description and prompt (`creators.text.tokenize`), set when written.
    terms = models.JSONField(default=list, blank=True, editable=False)
    moderation = models.CharField(
        max_length=10, choices=Moderation.choices, default=Moderation.PENDING
    )
    rejection_reason = models.CharField(max_length=300, blank=True)
    # Mirrors creator.suspended so the public feed filters without joining every reel to its
    # creator; kept current by creator_suspend / creator_unsuspend and set by reel_create.
    creator_suspended = models.BooleanField(default=False, db_default=False, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["moderation", "id"]),
            models.Index(fields=["creator", "moderation"]),
            # The public feed: approved reels of active creators, newest first.
            models.Index(
                fields=["-id"],
                name="reel_public_feed",
                condition=Q(moderation="approved", creator_suspended=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class PartnerApplication(models.Model):
    """A creator's application to the partner programme; approval grants the partner tier."""

    TRANSITIONS = moves(
        approve=({ApplicationStatus.PENDING}, ApplicationStatus.APPROVED),
        reject=({ApplicationStatus.PENDING}, ApplicationStatus.REJECTED),
    )

    creator = models.ForeignKey(
        CreatorProfile, on_delete=models.CASCADE, related_name="partner_applications"
    )
    statement = models.TextField(max_length=4000)
    links = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["creator"],
                condition=Q(status="pending"),
                name="one_pending_application_per_creator",
            ),
        ]

    def __str__(self) -> str:
        return f"application #{self.pk} by {self.creator_id}"


class CreatorSkill(models.Model):
    """For one creator and one model: approved reels made with it and their total seconds.

    Kept current by the reel services; feeds the profile's skills, the `models` filter and the
    matching tools factor without scanning reels.
    """

    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="skills")
    model = models.CharField(max_length=60)
    provider = models.CharField(max_length=10, choices=Provider.choices)
    reel_count = models.PositiveIntegerField(default=0)
    total_seconds = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["creator", "-reel_count", "model"]
        constraints = [
            models.UniqueConstraint(fields=["creator", "model"], name="skill_unique_model"),
        ]
        indexes = [models.Index(fields=["model", "creator"])]

    def __str__(self) -> str:
        return f"{self.creator_id}: {self.model} x{self.reel_count}"


class ReviewerRole(models.TextChoices):
    BRAND = "brand", "Brand reviews the creator"
    CREATOR = "creator", "Creator reviews the brand"


class Review(models.Model):
    """One party's rating of the other after a contract ends; one per party per contract."""

    contract = models.ForeignKey(
        "campaigns.Contract", on_delete=models.CASCADE, related_name="reviews"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_role = models.CharField(max_length=10, choices=ReviewerRole.choices)
    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="reviews")
    brand = models.ForeignKey("campaigns.Brand", on_delete=models.CASCADE, related_name="reviews")
    stars = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(blank=True, max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "author_role"], name="one_review_per_party_per_contract"
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="review_stars_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ on contract {self.contract_id} by the {self.author_role}"


class TermStat(models.Model):
    """Corpus statistics for the matching relevance factor: in how many creators' approved reels
    a term appears (`df`). The row with the reserved empty term holds N, the number of creators
    with at least one approved reel. Refreshed by `term_stats_refresh` (safe to run twice)."""

    CORPUS = ""  # reserved term: its df is N
    # Reserved rows (no term contains "_"): the sums behind the population means of the
    # quality and reliability priors, the approved reels' count and their median length.
    RATING_SUM = "_rating_sum"
    REVIEW_COUNT = "_review_count"
    ON_TIME = "_on_time"
    COMPLETED = "_completed"
    REELS = "_reels"
    REEL_LENGTH = "_reel_length"
    STATS = (RATING_SUM, REVIEW_COUNT, ON_TIME, COMPLETED, REELS, REEL_LENGTH)
    MAX_DF = 2**31 - 1

    term = models.CharField(max_length=60, unique=True)
    df = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term or '<N>'}: {self.df}"
