"""Briefs, the creators invited to them and the bids they receive."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from creators.models import CreatorProfile, Reel, Tier
from marketplace.transitions import moves

from .brands import Brand, IPAsset


class BriefStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    OPEN = "open", "Open"
    REJECTED = "rejected", "Rejected"
    CLOSED = "closed", "Closed"
    AWARDED = "awarded", "Awarded"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    INVITE_ONLY = "invite_only", "Invite only"


class AspectRatio(models.TextChoices):
    VERTICAL = "9:16", "9:16"
    LANDSCAPE = "16:9", "16:9"
    SQUARE = "1:1", "1:1"
    PORTRAIT = "4:5", "4:5"


class VideoResolution(models.TextChoices):
    HD = "720p", "720p"
    FULL_HD = "1080p", "1080p"
    UHD = "4k", "4k"


# Bounds of one deliverable item ({count, duration_s, aspect_ratio, resolution}) of a brief.
DELIVERABLE_COUNT_RANGE = (1, 50)
DELIVERABLE_DURATION_RANGE = (1, 600)
MAX_DELIVERABLE_ITEMS = 20
# What a brief can mark as a hard matching constraint, and the default when it says nothing.
REQUIRED_CHOICES = ("formats", "languages", "models")
# Nothing by default: on the benchmark's tuning world a language made a hard constraint sank
# strong creators whose profiles list fewer languages than they work in (-0.04 NDCG@10).
REQUIRED_DEFAULT: tuple[str, ...] = ()


class Brief(models.Model):
    """A brand's request for video work that creators bid on."""

    S = BriefStatus
    TRANSITIONS = moves(
        submit=({S.DRAFT, S.REJECTED}, S.IN_REVIEW),
        approve=({S.IN_REVIEW}, S.OPEN),
        reject=({S.IN_REVIEW}, S.REJECTED),
        close=({S.OPEN}, S.CLOSED),
        award=({S.OPEN, S.CLOSED}, S.AWARDED),
        cancel=({S.DRAFT, S.IN_REVIEW, S.OPEN, S.CLOSED}, S.CANCELLED),
        complete=({S.AWARDED}, S.COMPLETED),
    )
    EDITABLE = {S.DRAFT, S.REJECTED}

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="briefs")
    ip = models.ForeignKey(
        IPAsset, null=True, blank=True, on_delete=models.SET_NULL, related_name="briefs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=150)
    description = models.TextField(max_length=10000)
    # Terms of title and description (`creators.text.tokenize`), set when written (matching).
    terms = models.JSONField(default=list, blank=True, editable=False)
    tags = models.JSONField(default=list, blank=True)
    preferred_models = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    # Which of languages, formats and models matching treats as hard constraints; null: the
    # default (`REQUIRED_DEFAULT`, none).
    required = models.JSONField(null=True, blank=True, default=None)
    deliverables = models.JSONField(default=list)
    total_seconds = models.PositiveIntegerField(default=0)
    budget_min = models.PositiveBigIntegerField()
    budget_max = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    bid_deadline = models.DateTimeField()
    delivery_deadline = models.DateTimeField()
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    min_tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.STANDARD)
    min_tier_rank = models.GeneratedField(
        expression=models.Case(
            models.When(min_tier=Tier.PARTNER, then=models.Value(1)),
            models.When(min_tier=Tier.ELITE, then=models.Value(2)),
            default=models.Value(0),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    slots = models.PositiveSmallIntegerField(default=1)
    usage_exclusive = models.BooleanField(default=False)
    usage_territories = models.JSONField(default=list, blank=True)
    usage_term_months = models.PositiveIntegerField(null=True, blank=True)
    usage_channels = models.JSONField(default=list, blank=True)
    usage_perpetual = models.BooleanField(default=False)
    # A delivery with a video whose plan forbids commercial use is refused unless this is off.
    commercial_licence_required = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=S.choices, default=S.DRAFT)
    rejection_reason = models.CharField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "visibility", "bid_deadline"]),
            models.Index(fields=["brand", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__gt=0) & Q(budget_min__lte=F("budget_max")),
                name="brief_budget_range",
            ),
            models.CheckConstraint(condition=Q(slots__gte=1), name="brief_slots_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DECLINED = "declined", "Declined"


class Invitation(models.Model):
    """A brand's invitation of one creator to a brief; it lets them see and bid on it."""

    TRANSITIONS = moves(decline=({InvitationStatus.PENDING}, InvitationStatus.DECLINED))

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="invitations")
    creator = models.ForeignKey(
        CreatorProfile, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(max_length=1000, blank=True)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["brief", "creator"], name="invitation_unique"),
        ]

    def __str__(self) -> str:
        return f"invitation {self.creator_id} → brief {self.brief_id}"


class BidStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    SHORTLISTED = "shortlisted", "Shortlisted"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


LIVE_BID_STATUSES = (BidStatus.SUBMITTED, BidStatus.SHORTLISTED, BidStatus.ACCEPTED)


class Bid(models.Model):
    """A creator's offer on a brief; accepting it creates a contract."""

    S = BidStatus
    TRANSITIONS = moves(
        shortlist=({S.SUBMITTED}, S.SHORTLISTED),
        accept=({S.SUBMITTED, S.SHORTLISTED}, S.ACCEPTED),
        reject=({S.SUBMITTED, S.SHORTLISTED}, S.REJECTED),
        withdraw=({S.SUBMITTED, S.SHORTLISTED}, S.WITHDRAWN),
    )

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="bids")
    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="bids")
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    pitch = models.TextField(max_length=5000, blank=True)
    delivery_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # Proposed stages: [{"title", "amount", "due_date"}] summing to `amount`; empty = one stage.
    milestones = models.JSONField(default=list, blank=True, db_default=[])
    sample_reels = models.ManyToManyField(Reel, blank=True, related_name="+")
    status = models.CharField(max_length=12, choices=S.choices, default=S.SUBMITTED)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["brief", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "creator"],
                condition=Q(status__in=["submitted", "shortlisted", "accepted"]),
                name="one_live_bid_per_creator_and_brief",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bid_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"bid #{self.pk} on brief {self.brief_id}"
