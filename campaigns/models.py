"""The demand side: brands, their IP, briefs, invitations, bids, contracts and what follows."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from creators.models import CreatorProfile, GeneratedVideo, Reel, Tier


class Brand(models.Model):
    """A company or IP owner that posts briefs; members act for it."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    website = models.URLField(max_length=300, blank=True)
    description = models.TextField(blank=True, max_length=4000)
    verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"


class BrandMembership(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_memberships"
    )
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.MANAGER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.brand_id} ({self.role})"


# The channels usage rights and IP licences may name (slugs).
USAGE_CHANNELS = (
    "social",
    "paid-social",
    "tiktok",
    "instagram",
    "facebook",
    "youtube",
    "youtube-shorts",
    "x",
    "snapchat",
    "pinterest",
    "linkedin",
    "web",
    "email",
    "in-app",
    "ctv",
    "tv",
    "cinema",
    "ooh",
    "print",
    "retail",
    "events",
    "internal",
)
MAX_TERM_MONTHS = 120


class IPHolding(models.TextChoices):
    OWNED = "owned", "Owned"
    LICENSED = "licensed", "Licensed"
class MemberInvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Revoked"


class MemberInvitation(models.Model):
    """An owner's invitation of an e-mail address to join a brand; the invitee accepts it.

    No account is looked up when it is made: the brand learns nothing about the address until
    the invitee, signed in with that e-mail, accepts (then a `BrandMembership` exists).
    """

    ALLOWED = {
        MemberInvitationStatus.PENDING: {
            MemberInvitationStatus.ACCEPTED,
            MemberInvitationStatus.DECLINED,
            MemberInvitationStatus.REVOKED,
        }
    }

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="member_invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.MANAGER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10,
        choices=MemberInvitationStatus.choices,
        default=MemberInvitationStatus.PENDING,
    )
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "email"],
                condition=models.Q(status="pending"),
                name="member_invitation_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["email", "status"], name="member_invitation_email")]

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.brand_id} ({self.role})"


class IPAsset(models.Model):
    """An intellectual property a brand owns or licenses: its default licence terms for briefs
    and the rights chain they must fit in (how it is held, the licence window, territories and
    channels, whether exclusivity and AI generation are allowed, likeness consent)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="ip_assets")
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True, max_length=4000)
    exclusive = models.BooleanField(default=False)
    territories = models.JSONField(default=list, blank=True)
    term_months = models.PositiveIntegerField(null=True, blank=True)
    channels = models.JSONField(default=list, blank=True)
    reference_links = models.JSONField(default=list, blank=True)
    held = models.CharField(max_length=10, choices=IPHolding.choices, default=IPHolding.OWNED)
    licence_start = models.DateField(null=True, blank=True)
    licence_end = models.DateField(null=True, blank=True, db_index=True)
    exclusivity_allowed = models.BooleanField(default=True)
    ai_generation_allowed = models.BooleanField(default=True)
    likeness = models.BooleanField(
        default=False, help_text="depicts a real person's likeness or voice"
    )
    likeness_consent = models.BooleanField(default=False)
    likeness_consent_expires = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = "IP asset"
        constraints = [
            models.CheckConstraint(
                condition=Q(licence_end__isnull=True)
                | Q(licence_start__isnull=True)
                | Q(licence_end__gte=F("licence_start")),
                name="ip_licence_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


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


class Brief(models.Model):
    """A brand's request for video work that creators bid on."""

    S = BriefStatus
    ALLOWED = {
        S.DRAFT: {S.IN_REVIEW, S.CANCELLED},
        S.IN_REVIEW: {S.OPEN, S.REJECTED, S.CANCELLED},
        S.REJECTED: {S.IN_REVIEW, S.DRAFT},
        S.OPEN: {S.CLOSED, S.AWARDED, S.CANCELLED},
        S.CLOSED: {S.AWARDED, S.CANCELLED},
        S.AWARDED: {S.COMPLETED},
    }
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

    ALLOWED = {InvitationStatus.PENDING: {InvitationStatus.DECLINED}}

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
    ALLOWED = {
        S.SUBMITTED: {S.SHORTLISTED, S.ACCEPTED, S.REJECTED, S.WITHDRAWN},
        S.SHORTLISTED: {S.ACCEPTED, S.REJECTED, S.WITHDRAWN},
    }

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="bids")
    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="bids")
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    pitch = models.TextField(max_length=5000, blank=True)
    delivery_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # Proposed stages: [{"title", "amount", "due_date"}] summing to `amount`; empty = one stage.
    milestones = models.JSONField(default=list, blank=True)
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


class ContractStatus(models.TextChoices):
    AWAITING_FUNDING = "awaiting_funding", "Awaiting funding"
    FUNDED = "funded", "Funded"
    DELIVERED = "delivered", "Delivered"
    REVISION_REQUESTED = "revision_requested", "Revision requested"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    DISPUTED = "disputed", "Disputed"
    RESOLVED = "resolved", "Resolved"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"
    # A contract of several milestones says only where it stands as a whole.
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"


ENDED_CONTRACT_STATUSES = (
    ContractStatus.PAID,
    ContractStatus.RESOLVED,
    ContractStatus.CANCELLED,
    ContractStatus.REFUNDED,
    ContractStatus.COMPLETED,
)


class RightsState(models.TextChoices):
    """Where a contract's usage window stands (computed, never stored)."""

    PENDING = "pending", "Pending"
    ACTIVE = "active", "Active"
    EXPIRING = "expiring", "Expiring"
    EXPIRED = "expired", "Expired"


class ContractKind(models.TextChoices):
    STANDARD = "standard", "Standard"
    TEST_SHOT = "test_shot", "Paid test shot"


class Contract(models.Model):
    """The agreement made when a bid is accepted (or a paid test shot offered); it snapshots
    price, fee and terms. Its money lives in its milestones and its status follows theirs
    (`campaigns.services.contracts.contract_sync_status`): a one-milestone contract shows its
    milestone's status, a contract of several `awaiting_funding|active|completed|cancelled`.
    `amount`, `fee` and `creator_net` are the sums over its milestones."""

    S = ContractStatus
    # The moves of a one-milestone contract (its milestone's table); kept for reference.
    ALLOWED = {
        S.AWAITING_FUNDING: {S.FUNDED, S.CANCELLED},
        S.FUNDED: {S.DELIVERED, S.DISPUTED, S.REFUNDED},
        S.DELIVERED: {S.APPROVED, S.REVISION_REQUESTED, S.DISPUTED},
        S.REVISION_REQUESTED: {S.DELIVERED, S.DISPUTED},
        S.APPROVED: {S.PAID},
        S.DISPUTED: {S.RESOLVED},
    }

    # Null for a paid test shot, which is offered to a bidder without accepting their bid.
    bid = models.OneToOneField(
        Bid, null=True, blank=True, on_delete=models.PROTECT, related_name="contract"
    )
    kind = models.CharField(
        max_length=10, choices=ContractKind.choices, default=ContractKind.STANDARD
    )
    brief = models.ForeignKey(Brief, on_delete=models.PROTECT, related_name="contracts")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="contracts")
    creator = models.ForeignKey(CreatorProfile, on_delete=models.PROTECT, related_name="contracts")
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    creator_tier = models.CharField(max_length=10, choices=Tier.choices)
    fee_bps = models.PositiveIntegerField()
    fee = models.PositiveBigIntegerField()
    creator_net = models.PositiveBigIntegerField()
    deliverables = models.JSONField(default=list)
    delivery_deadline = models.DateTimeField()
    usage_rights = models.JSONField(default=dict)
    # The rights chain of the brief's IP at acceptance (campaigns.rights.ip_chain_snapshot).
    ip_chain = models.JSONField(default=dict, blank=True)
    # The usage window: starts when the work is approved (not before `rights_not_before`),
    # ends `rights_term_months` later; a perpetual grant has no end.
    rights_term_months = models.PositiveIntegerField(null=True, blank=True)
    rights_perpetual = models.BooleanField(default=False)
    rights_not_before = models.DateTimeField(null=True, blank=True)
    rights_start = models.DateTimeField(null=True, blank=True)
    rights_end = models.DateTimeField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=S.choices, default=S.AWAITING_FUNDING)
    max_revisions = models.PositiveSmallIntegerField(default=2)
    revisions_used = models.PositiveSmallIntegerField(default=0)
    refund_requested_by_brand = models.BooleanField(default=False)
    refund_requested_by_creator = models.BooleanField(default=False)
    funded_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # The creator's completed-contracts count was raised for this contract (once).
    completion_recorded = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "delivered_at"]),
            models.Index(fields=["creator", "status"]),
            models.Index(fields=["brand", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
            models.CheckConstraint(
                condition=Q(creator_net=F("amount") - F("fee")),
                name="contract_net_is_amount_less_fee",
            ),
        ]

    def __str__(self) -> str:
        return f"contract #{self.pk}"


class RightsNoticeKind(models.TextChoices):
    DAYS_30 = "30d", "30 days before the end"
    DAYS_7 = "7d", "7 days before the end"
    ENDED = "ended", "At the end"


class RightsNotice(models.Model):
    """A usage-window notice sent to a contract's parties: one per contract, kind and end, so
    the job that sends them can run twice; moving the end (an extension) arms them again."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="rights_notices")
    kind = models.CharField(max_length=5, choices=RightsNoticeKind.choices)
    rights_end = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "rights_end"], name="rights_notice_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} notice for contract {self.contract_id}"


class LicenceFlag(models.TextChoices):
    NONE = "none", "None"
    FLAGGED = "flagged", "Flagged"
    CLEARED = "cleared", "Cleared"


class MilestoneStatus(models.TextChoices):
    AWAITING_FUNDING = "awaiting_funding", "Awaiting funding"
    FUNDED = "funded", "Funded"
    DELIVERED = "delivered", "Delivered"
    REVISION_REQUESTED = "revision_requested", "Revision requested"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    DISPUTED = "disputed", "Disputed"
    RESOLVED = "resolved", "Resolved"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


ENDED_MILESTONE_STATUSES = (
    MilestoneStatus.PAID,
    MilestoneStatus.RESOLVED,
    MilestoneStatus.CANCELLED,
    MilestoneStatus.REFUNDED,
)
MAX_MILESTONES = 20


class Milestone(models.Model):
    """One stage of a contract with its own money: funded, delivered, approved and paid on its
    own (DESIGN §3). `fee` is the platform fee at the contract's rate; `creator_net` the rest.
    A milestone that needs no delivery (a rights extension) is released once funded."""

    S = MilestoneStatus
    ALLOWED = {
        S.AWAITING_FUNDING: {S.FUNDED, S.CANCELLED},
        S.FUNDED: {S.DELIVERED, S.DISPUTED, S.REFUNDED},
        S.DELIVERED: {S.APPROVED, S.REVISION_REQUESTED, S.DISPUTED},
        S.REVISION_REQUESTED: {S.DELIVERED, S.DISPUTED},
        S.APPROVED: {S.PAID},
        S.DISPUTED: {S.RESOLVED},
    }
    # A milestone that needs no delivery (a rights extension) is approved once funded.
    RELEASE_WITHOUT_DELIVERY = {S.FUNDED: {S.APPROVED}}
    # Staff refund a funded or paid milestone (a paid one's transfer is reversed first).
    STAFF_REFUND = {S.FUNDED: {S.REFUNDED}, S.PAID: {S.REFUNDED}}

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True, max_length=5000)
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    fee = models.PositiveBigIntegerField()
    creator_net = models.PositiveBigIntegerField()
    due_date = models.DateTimeField()
    requires_delivery = models.BooleanField(default=True)
    status = models.CharField(max_length=20, choices=S.choices, default=S.AWAITING_FUNDING)
    max_revisions = models.PositiveSmallIntegerField(default=2)
    revisions_used = models.PositiveSmallIntegerField(default=0)
    refund_requested_by_brand = models.BooleanField(default=False)
    refund_requested_by_creator = models.BooleanField(default=False)
    funded_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["contract", "position"]
        indexes = [models.Index(fields=["status", "delivered_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "position"], name="milestone_unique_position"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="milestone_amount_positive"),
            models.CheckConstraint(
                condition=Q(creator_net=F("amount") - F("fee")),
                name="milestone_net_is_amount_less_fee",
            ),
        ]

    def __str__(self) -> str:
        return f"milestone {self.position} of contract {self.contract_id}"


class ChangeOrderKind(models.TextChoices):
    EXTRA_REVISION = "extra_revision", "Extra revision"
    EXTRA_DELIVERABLE = "extra_deliverable", "Extra deliverable"
    RIGHTS_EXTENSION = "rights_extension", "Usage-rights extension"
    OTHER = "other", "Other"


class ChangeOrderStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ChangeOrder(models.Model):
    """A party's proposal of an extra milestone after acceptance; accepting it by the other
    party adds an `awaiting_funding` milestone."""

    S = ChangeOrderStatus
    ALLOWED = {S.PROPOSED: {S.ACCEPTED, S.DECLINED, S.WITHDRAWN}}

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="change_orders")
    kind = models.CharField(max_length=20, choices=ChangeOrderKind.choices)
    amount = models.PositiveBigIntegerField()
    due_date = models.DateTimeField()
    description = models.TextField(max_length=5000)
    # A rights extension: months added to the usage term once funded.
    extension_months = models.PositiveSmallIntegerField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposer_side = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=S.choices, default=S.PROPOSED)
    milestone = models.OneToOneField(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="change_order"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="change_order_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"change order {self.pk} ({self.kind}) on contract {self.contract_id}"


class Delivery(models.Model):
    """One submission of a milestone's work; a revision request asks for another."""

    ALLOWED_LICENCE_FLAG = {LicenceFlag.FLAGGED: {LicenceFlag.CLEARED}}

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="deliveries")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="deliveries")
    number = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True, max_length=5000)
    videos = models.ManyToManyField(GeneratedVideo, related_name="+")
    revision_note = models.TextField(blank=True, max_length=5000)
    # A video whose generator licence is conditional or unknown flags the delivery for the
    # brand and staff (the admin's queue); staff clear it.
    licence_flag = models.CharField(
        max_length=8, choices=LicenceFlag.choices, default=LicenceFlag.NONE, db_index=True
    )
    licence_note = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["contract", "number"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="delivery_unique_number"),
        ]

    def __str__(self) -> str:
        return f"delivery {self.number} of contract {self.contract_id}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Resolution(models.TextChoices):
    RELEASE = "release", "Release to creator"
    REFUND = "refund", "Refund to brand"
    SPLIT = "split", "Split"


class Dispute(models.Model):
    """A party's dispute over one milestone of a contract; staff resolve it (release, refund or
    split that milestone's money)."""

    ALLOWED = {DisputeStatus.OPEN: {DisputeStatus.RESOLVED}}

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="disputes")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="disputes")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(max_length=5000)
    status = models.CharField(
        max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    creator_amount = models.PositiveBigIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=5000)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone"],
                condition=Q(status="open"),
                name="one_open_dispute_per_milestone",
            ),
        ]

    def __str__(self) -> str:
        return f"dispute on contract {self.contract_id}"


# Conversations (DESIGN §10) -----------------------------------------------------------------

MESSAGE_MAX_LENGTH = 5000


class ThreadKind(models.TextChoices):
    BRIEF = "brief", "Brief question"
    CONTRACT = "contract", "Contract"


class Thread(models.Model):
    """A conversation between one creator and a brand's members: about a brief before any
    contract (one per brief and creator), or about one contract."""

    kind = models.CharField(max_length=10, choices=ThreadKind.choices)
    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="threads")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="threads")
    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="threads")
    contract = models.OneToOneField(
        Contract, null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["creator", "last_message_at"]),
            models.Index(fields=["brand", "last_message_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "creator"],
                condition=Q(kind="brief"),
                name="one_brief_thread_per_creator",
            ),
            models.CheckConstraint(
                condition=(Q(kind="brief") & Q(contract__isnull=True))
                | (Q(kind="contract") & Q(contract__isnull=False)),
                name="thread_kind_matches_contract",
            ),
        ]

    def __str__(self) -> str:
        if self.contract_id:
            return f"thread of contract #{self.contract_id}"
        return f"thread on brief {self.brief_id} with creator {self.creator_id}"


class Message(models.Model):
    """One message of a thread. Text only, never HTML; editable for a short window, then
    immutable; deletion leaves a tombstone. `original_text` keeps what the author first wrote
    (before masking, edits or deletion) for staff only."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    original_text = models.TextField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    video = models.ForeignKey(
        GeneratedVideo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at_s = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    flagged = models.BooleanField(default=False)
    flag_kinds = models.JSONField(default=list, blank=True)
    flag_reviewed_at = models.DateTimeField(null=True, blank=True)
    flag_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["thread", "id"]),
            models.Index(
                fields=["created_at"],
                condition=Q(flagged=True, flag_reviewed_at__isnull=True),
                name="message_flag_queue",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(at_s__isnull=True) | (Q(at_s__gte=0) & Q(video__isnull=False)),
                name="message_at_s_needs_video",
            ),
        ]

    def __str__(self) -> str:
        return f"message #{self.pk} in thread {self.thread_id}"


class ThreadRead(models.Model):
    """How far one participant has read a thread: unread = later messages of the others."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_message_id = models.BigIntegerField(default=0)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="thread_read_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read thread {self.thread_id} to #{self.last_read_message_id}"
