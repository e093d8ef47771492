"""Money: Stripe objects we mirror, the double-entry ledger and the webhook log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Contract, Milestone
from creators.models import CreatorProfile
from marketplace.money import format_money
from marketplace.transitions import moves


class PayoutAccount(models.Model):
    """A creator's Stripe Connect Express account and the flags Stripe reports for it."""

    creator = models.OneToOneField(
        CreatorProfile, on_delete=models.PROTECT, related_name="payout_account"
    )
    stripe_account_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    # Stripe's `created` of the event that last set the flags; older events are ignored.
    flags_as_of = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.stripe_account_id or 'pending account'} ({self.creator_id})"


class PaymentStatus(models.TextChoices):
    CREATING = "creating", "Creating"
    REQUIRES_PAYMENT_METHOD = "requires_payment_method", "Requires payment method"
    PROCESSING = "processing", "Processing"
    SUCCEEDED = "succeeded", "Succeeded"


class Payment(models.Model):
    """One funding of a contract: a PaymentIntent for one or several of its milestones (the
    `items` say which and how much of the charge is each one's)."""

    S = PaymentStatus
    # A webhook can overtake our own record of the intent (still `creating`), and a failed
    # attempt can be followed by a success; a succeeded payment never moves again.
    TRANSITIONS = moves(
        payment_intent_created=({S.CREATING}, S.REQUIRES_PAYMENT_METHOD),
        payment_succeeded=({S.CREATING, S.REQUIRES_PAYMENT_METHOD, S.PROCESSING}, S.SUCCEEDED),
        # Every failed attempt is recorded, also one after another failure.
        payment_failed=(
            {S.CREATING, S.REQUIRES_PAYMENT_METHOD, S.PROCESSING},
            S.REQUIRES_PAYMENT_METHOD,
        ),
    )

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments")
    milestones = models.ManyToManyField(
        Milestone, through="PaymentItem", related_name="payments", blank=True
    )
    # Stripe's idempotency key of the PaymentIntent: `pi-contract-<id>` for the first funding
    # of a one-milestone contract (as before milestones), else `pi-milestones-<sorted ids>`.
    idempotency_key = models.CharField(max_length=200, unique=True)
    stripe_payment_intent_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    client_secret = models.CharField(max_length=200, blank=True)
    stripe_charge_id = models.CharField(max_length=64, blank=True)
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=32, choices=PaymentStatus.choices, default=PaymentStatus.CREATING
    )
    confirm_attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"payment {self.pk} for contract {self.contract_id} ({self.status})"


class PaymentItem(models.Model):
    """The share of a payment that funds one milestone (its whole amount)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="items")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="payment_items")
    amount = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["payment", "milestone"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "milestone"], name="payment_item_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_item_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} of payment {self.payment_id} for milestone {self.milestone_id}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    WAITING_FOR_ACCOUNT = "waiting_for_account", "Waiting for the creator's account"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"


class Transfer(models.Model):
    """The payout of a milestone's creator share; exactly one per paid milestone."""

    S = TransferStatus
    # Staff may retry a failed transfer (it can wait for the account again); paid is final.
    # A transfer whose account became ready but whose payout met a Stripe outage is pending
    # again (its task retries it).
    TRANSITIONS = moves(
        payout_wait_for_account=({S.PENDING, S.FAILED}, S.WAITING_FOR_ACCOUNT),
        payout_retry=({S.WAITING_FOR_ACCOUNT}, S.PENDING),
        # Every failed attempt is recorded, also one after another failure.
        payout_failed=({S.PENDING, S.WAITING_FOR_ACCOUNT, S.FAILED}, S.FAILED),
        payout=({S.PENDING, S.WAITING_FOR_ACCOUNT, S.FAILED}, S.PAID),
    )

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="transfers")
    milestone = models.OneToOneField(Milestone, on_delete=models.PROTECT, related_name="transfer")
    # `transfer-milestone-<id>`; transfers made before milestones keep `transfer-contract-<id>`.
    idempotency_key = models.CharField(max_length=120, unique=True)
    creator = models.ForeignKey(CreatorProfile, on_delete=models.PROTECT, related_name="transfers")
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=24, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    stripe_transfer_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    amount_reversed = models.PositiveBigIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "creator"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_reversed__lte=models.F("amount")),
                name="transfer_reversed_le_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"transfer for milestone {self.milestone_id} ({self.status})"


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Refund(models.Model):
    """Money returned to the brand from a contract's funding charge."""

    S = RefundStatus
    # Staff may retry a failed refund; a succeeded one is final.
    TRANSITIONS = moves(
        refund_failed=({S.PENDING}, S.FAILED),
        refund=({S.PENDING, S.FAILED}, S.SUCCEEDED),
    )

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="refunds")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=64)
    # Set when the creator was already paid: the transfer is reversed before refunding.
    reverses_payout = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    stripe_refund_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"refund {format_money(self.amount, self.currency)} of contract {self.contract_id}"


class LedgerAccount(models.Model):
    """One account of the double-entry ledger, per currency (codes are in payments.ledger)."""

    code = models.CharField(max_length=80)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["code", "currency"], name="ledger_account_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} [{self.currency}]"


class JournalEntry(models.Model):
    """A balanced set of ledger lines; written once, never edited, reversed by another entry."""

    idempotency_key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=32)
    currency = models.CharField(max_length=3)
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="journal_entries"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="journal_entries"
    )
    memo = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"


class JournalLine(models.Model):
    """A signed amount on one account; the lines of an entry sum to zero."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="lines")
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["account"])]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="journal_line_nonzero"),
        ]

    def __str__(self) -> str:
        # No amount here: it needs the entry's currency, and the admin shows it in major units.
        return f"line {self.pk} of entry {self.entry_id}"


class EventStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"
    FAILED = "failed", "Failed"


class StripeEvent(models.Model):
    """Every webhook event received, stored before it is processed."""

    S = EventStatus
    # Staff may force any event through its handler again (handlers are idempotent).
    ALLOWED = {
        S.PENDING: {S.PROCESSED, S.IGNORED, S.FAILED},
        S.FAILED: {S.PROCESSED, S.IGNORED},
        S.PROCESSED: {S.IGNORED, S.FAILED},
        S.IGNORED: {S.PROCESSED, S.FAILED},
    }

    stripe_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=80, db_index=True)
    account = models.CharField(max_length=64, blank=True)
    livemode = models.BooleanField(default=False)
    created = models.DateTimeField(help_text="when Stripe created the event")
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=EventStatus.choices, default=EventStatus.PENDING
    )
    result = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"


class WorkItemKind(models.TextChoices):
    TRANSFER_REVERSED = "transfer_reversed", "Transfer reversed outside Reelmatch"
    CHARGE_REFUNDED = "charge_refunded", "Charge refunded outside Reelmatch"
    DISPUTE = "dispute", "Card dispute"
    STALE_WORK = "stale_work", "Money work waiting too long"
    CHARGE_MISMATCH = "charge_mismatch", "Charge not matching its payment"


class WorkItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class MoneyWorkItem(models.Model):
    """Something Stripe did to our money that we did not ask for (a reversal, a refund, a
    dispute), or money work that waited too long: staff look at it, act in Stripe or the
    admin, and resolve it with a note. One row per `key` (the Stripe object and amount, or
    the sweep), so a redelivered event opens nothing new."""

    S = WorkItemStatus
    TRANSITIONS = moves(work_item_resolve=({S.OPEN}, S.RESOLVED))

    key = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=24, choices=WorkItemKind.choices)
    status = models.CharField(max_length=10, choices=S.choices, default=S.OPEN)
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="work_items"
    )
    transfer = models.ForeignKey(
        Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="work_items"
    )
    # The Stripe object it is about (tr_…, ch_…, dp_…) and the event that reported it.
    stripe_object = models.CharField(max_length=64, blank=True)
    stripe_event = models.CharField(max_length=80, blank=True)
    amount = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    message = models.CharField(max_length=500)
    resolution_note = models.CharField(max_length=500, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.stripe_object or self.key} ({self.status})"
