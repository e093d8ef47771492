"""Contracts and what follows them: rights notices, milestones, change orders, disputes."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from creators.models import CreatorProfile, GeneratedVideo, Tier
from marketplace.transitions import moves

from .brands import Brand
from .briefs import Bid, Brief


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
    # Null for a paid test shot, which is offered to a bidder without accepting their bid.
    bid = models.OneToOneField(
        Bid, null=True, blank=True, on_delete=models.PROTECT, related_name="contract"
    )
    # Database defaults (db_default) let the previous release's code, which does not know a
    # column, insert rows after this release's migrations ran (expand/contract).
    kind = models.CharField(
        max_length=10,
        choices=ContractKind.choices,
        default=ContractKind.STANDARD,
        db_default=ContractKind.STANDARD,
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
    completion_recorded = models.BooleanField(default=False, db_default=False)
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
    own. `fee` is the platform fee at the contract's rate; `creator_net` the rest.
    A milestone that needs no delivery (a rights extension) is released once funded."""

    S = MilestoneStatus
    TRANSITIONS = moves(
        fund=({S.AWAITING_FUNDING}, S.FUNDED),
        cancel=({S.AWAITING_FUNDING}, S.CANCELLED),
        # Funded after its contract could no longer take it: the money goes back at once.
        cancel_unbookable=({S.AWAITING_FUNDING}, S.CANCELLED),
        deliver=({S.FUNDED, S.REVISION_REQUESTED}, S.DELIVERED),
        request_revision=({S.DELIVERED}, S.REVISION_REQUESTED),
        approve=({S.DELIVERED}, S.APPROVED),
        auto_approve=({S.DELIVERED}, S.APPROVED),
        # A milestone that needs no delivery (a rights extension) is approved once funded.
        release_without_delivery=({S.FUNDED}, S.APPROVED),
        pay=({S.APPROVED}, S.PAID),
        refund=({S.FUNDED}, S.REFUNDED),
        # Staff refund a funded or paid milestone (a paid one's transfer is reversed first).
        staff_refund=({S.FUNDED, S.PAID}, S.REFUNDED),
        dispute=({S.FUNDED, S.DELIVERED, S.REVISION_REQUESTED}, S.DISPUTED),
        resolve=({S.DISPUTED}, S.RESOLVED),
    )

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
    TRANSITIONS = moves(
        accept=({S.PROPOSED}, S.ACCEPTED),
        decline=({S.PROPOSED}, S.DECLINED),
        withdraw=({S.PROPOSED}, S.WITHDRAWN),
    )

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

    TRANSITION_FIELD = "licence_flag"
    TRANSITIONS = moves(licence_clear=({LicenceFlag.FLAGGED}, LicenceFlag.CLEARED))

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

    TRANSITIONS = moves(resolve_dispute=({DisputeStatus.OPEN}, DisputeStatus.RESOLVED))

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
