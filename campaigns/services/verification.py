"""Brand verification: a brand's members ask to be verified with what staff check; staff
approve (the brand becomes `verified`, shown to creators on its briefs and matches) or reject
with a reason. Each is one transaction with the brand and the request locked, an audit row and
notifications after commit."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.audit import audit_record, notify, notify_staff, transition
from marketplace.errors import CommonError, Conflict, InvalidInput
from marketplace.guards import require_staff
from marketplace.listcache import lists_changed
from marketplace.locks import lock_one
from marketplace.models import User

from ..errors import CampaignError
from ..locks import lock_brand
from ..models import Brand, BrandVerification, VerificationStatus
from ..selectors import brand_member_users
from .common import require_member

REQUIRED_FIELDS = ("company_website", "registration_number", "contact_name", "contact_email")


def _pending_conflict(brand: Brand) -> Conflict:
    return Conflict(
        f"{brand.name} already has a verification request waiting for staff",
        code=CampaignError.VERIFICATION_PENDING,
        current_state=VerificationStatus.PENDING,
    )


def _details(**given: str) -> dict[str, str]:
    """The required details, trimmed (the e-mail lower-cased); a blank one is 400 naming it."""
    values = {name: value.strip() for name, value in given.items()}
    values["contact_email"] = values["contact_email"].lower()
    for name in REQUIRED_FIELDS:
        if not values[name]:
            raise InvalidInput(
                "staff need this to verify the brand",
                code=CampaignError.VERIFICATION_FIELD_INVALID,
                field=name,
            )
    return values


@transaction.atomic
def brand_verification_request(
    *,
    actor: User,
    brand: Brand,
    company_website: str,
    registration_number: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    note: str = "",
) -> BrandVerification:
    """A member (owner or manager) asks staff to verify the brand, giving the company's
    site, its registration number and a contact. Refused: a non-member (403), a blank
    required detail (400 naming it), a brand already verified or with a request pending
    (409). Staff are notified; an audit row is written."""
    require_member(actor, brand.pk, what="ask for verification")
    values = _details(
        company_website=company_website,
        registration_number=registration_number,
        contact_name=contact_name,
        contact_email=contact_email,
    )
    brand = lock_brand(brand.pk)
    if brand.verified:
        raise Conflict(
            f"{brand.name} is already verified",
            code=CampaignError.BRAND_ALREADY_VERIFIED,
            current_state="verified",
        )
    if brand.verifications.filter(status=VerificationStatus.PENDING).exists():
        raise _pending_conflict(brand)
    try:
        with transaction.atomic():
            verification = BrandVerification.objects.create(
                brand=brand,
                requested_by=actor,
                contact_phone=contact_phone.strip(),
                note=note.strip(),
                **values,
            )
    except IntegrityError as exc:  # a concurrent request won the one-pending index
        raise _pending_conflict(brand) from exc
    audit_record(
        actor=actor,
        verb="verification_request",
        obj=verification,
        after=VerificationStatus.PENDING,
        data={"brand": brand.pk},
    )
    notify_staff(
        kind="brand_verification_requested",
        message=f"{brand.name} asks to be verified (registration {values['registration_number']}"
        f", {values['company_website']}).",
        obj=verification,
    )
    return verification


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "say what was checked, or why it is refused",
            code=CommonError.REASON_REQUIRED,
            field="reason",
        )
    return reason[:500]


def _review(
    *, actor: User, verification: BrandVerification, verb: str, reason: str
) -> BrandVerification:
    """Lock the brand then the request and apply the move `verb` to the request, with the
    reviewer and the reason (audited); the caller changes the brand."""
    require_staff(actor, what="review brand verifications")
    reason = _reason(reason)
    brand = lock_brand(verification.brand_id)
    verification = lock_one(BrandVerification.objects.all(), verification.pk)
    verification.reason = reason
    verification.reviewed_by = actor
    verification.reviewed_at = timezone.now()
    transition(
        verification,
        verb,
        actor=actor,
        fields=["reason", "reviewed_by", "reviewed_at"],
        data={"brand": brand.pk, "reason": reason},
    )
    verification.brand = brand
    return verification


@transaction.atomic
def brand_verification_approve(
    *, actor: User, verification: BrandVerification, reason: str
) -> BrandVerification:
    """Staff approve a pending request, saying what they checked (`reason`, required): the
    brand becomes `verified` (audited), its members are told, and the brief lists that show
    the flag are refreshed. Only a pending request can be approved (409 otherwise)."""
    verification = _review(
        actor=actor, verification=verification, verb="verification_approved", reason=reason
    )
    brand = verification.brand
    if not brand.verified:
        brand.verified = True
        brand.save(update_fields=["verified"])
        audit_record(
            actor=actor,
            verb="verify",
            obj=brand,
            before="unverified",
            after="verified",
            data={"verification": verification.pk},
        )
    notify(
        brand_member_users(brand.pk),
        kind="brand_verified",
        message=f"{brand.name} is verified: creators see the verified mark on your briefs.",
        obj=brand,
    )
    lists_changed("briefs")
    return verification


@transaction.atomic
def brand_verification_reject(
    *, actor: User, verification: BrandVerification, reason: str
) -> BrandVerification:
    """Staff reject a pending request with a reason (required), which the brand's members are
    told; the brand stays unverified and may ask again. Only a pending request (409
    otherwise)."""
    verification = _review(
        actor=actor, verification=verification, verb="verification_rejected", reason=reason
    )
    brand = verification.brand
    notify(
        brand_member_users(brand.pk),
        kind="brand_verification_rejected",
        message=f"{brand.name} was not verified: {verification.reason}",
        obj=brand,
    )
    return verification
