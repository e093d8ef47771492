"""Brands, their members and invitations, and the IP they hold."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from marketplace.transitions import moves


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


class VerificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class BrandVerification(models.Model):
    """A brand's request to be verified, with what staff check (the company's site, its
    registration number, a contact); staff approve it (the brand becomes `verified`) or
    reject it with a reason, after which the brand may ask again. One pending per brand."""

    TRANSITIONS = moves(
        verification_approved=({VerificationStatus.PENDING}, VerificationStatus.APPROVED),
        verification_rejected=({VerificationStatus.PENDING}, VerificationStatus.REJECTED),
    )

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="verifications")
    status = models.CharField(
        max_length=10, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    company_website = models.URLField(max_length=300)
    registration_number = models.CharField(max_length=100)
    contact_name = models.CharField(max_length=150)
    contact_email = models.EmailField(max_length=254)
    contact_phone = models.CharField(max_length=40, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand"],
                condition=Q(status="pending"),
                name="brand_verification_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="brand_verification_queue")]

    def __str__(self) -> str:
        return f"verification request {self.pk} of brand {self.brand_id} ({self.status})"


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
    # An owner invitation the invitee accepted, waiting for the inviting owner to confirm.
    AWAITING = "awaiting", "Awaiting the owner's confirmation"


class MemberInvitation(models.Model):
    """An owner's invitation of an e-mail address to join a brand; the invitee accepts it.

    No account is looked up when it is made: the brand learns nothing about the address until
    the invitee, signed in with that e-mail, accepts (then a `BrandMembership` exists).
    """

    S = MemberInvitationStatus
    TRANSITIONS = moves(
        accept=({S.PENDING}, S.ACCEPTED),
        # An invitation to become an owner waits for the inviting owner's confirmation.
        accept_awaiting_confirmation=({S.PENDING}, S.AWAITING),
        confirm=({S.AWAITING}, S.ACCEPTED),
        decline=({S.PENDING}, S.DECLINED),
        revoke=({S.PENDING, S.AWAITING}, S.REVOKED),
    )

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
