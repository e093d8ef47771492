"""The partner programme: applications and their review."""

from django.db import transaction
from django.utils import timezone

from marketplace.audit import audit_record, notify_staff, transition
from marketplace.errors import CommonError, Conflict, Forbidden, InvalidInput
from marketplace.guards import require_staff
from marketplace.models import User

from ..errors import CreatorError
from ..locks import lock_application, lock_profile
from ..models import (
    ApplicationStatus,
    PartnerApplication,
    Tier,
)
from .profiles import creator_set_tier

# Partner programme ---------------------------------------------------------------------------


@transaction.atomic
def partner_application_create(
    *, actor: User, statement: str, links: list[str] | None = None
) -> PartnerApplication:
    """A creator applies to the partner programme; one pending application at a time."""
    profile = getattr(actor, "creator_profile", None)
    if profile is None:
        raise Forbidden(
            "only creators can apply to the partner programme", code=CommonError.NOT_A_CREATOR
        )
    profile = lock_profile(profile.pk)
    if profile.tier != Tier.STANDARD:
        raise Conflict(
            f"you are already in the {profile.tier} tier",
            code=CreatorError.ALREADY_ABOVE_STANDARD,
            current_state=profile.tier,
        )
    if PartnerApplication.objects.filter(
        creator=profile, status=ApplicationStatus.PENDING
    ).exists():
        raise Conflict(
            "you already have a pending application",
            code=CreatorError.APPLICATION_PENDING,
            current_state="pending",
        )
    application = PartnerApplication.objects.create(
        creator=profile, statement=statement, links=links or []
    )
    audit_record(actor=actor, verb="apply", obj=application, after=ApplicationStatus.PENDING)
    notify_staff(
        kind="application_submitted",
        message=f"@{profile.handle} applied to the partner programme.",
        obj=application,
    )
    return application


@transaction.atomic
def partner_application_approve(
    *, actor: User, application: PartnerApplication
) -> PartnerApplication:
    """Staff approve an application and grant the partner tier (never lowering a higher one)."""
    require_staff(actor, what="approve partner applications")
    application = lock_application(application.pk)
    application.reviewer = actor
    application.decided_at = timezone.now()
    transition(application, "approve", actor=actor, fields=["reviewer", "decided_at"])
    profile = lock_profile(application.creator_id)
    if profile.tier == Tier.STANDARD:
        creator_set_tier(actor=actor, profile=profile, tier=Tier.PARTNER)
    return application


@transaction.atomic
def partner_application_reject(
    *, actor: User, application: PartnerApplication, reason: str
) -> PartnerApplication:
    """Staff reject an application with a reason."""
    require_staff(actor, what="reject partner applications")
    if not reason.strip():
        raise InvalidInput("a reason is required", code=CommonError.REASON_REQUIRED, field="reason")
    application = lock_application(application.pk)
    application.reviewer = actor
    application.reason = reason[:500]
    application.decided_at = timezone.now()
    return transition(
        application, "reject", actor=actor, fields=["reviewer", "reason", "decided_at"]
    )
