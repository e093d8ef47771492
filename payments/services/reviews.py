"""Two-way reviews after a contract ends; the creator's rating is kept current."""

from django.db import IntegrityError, transaction
from django.db.models import F

from campaigns.matching.record import creator_track_record_refresh
from campaigns.models import ContractStatus
from campaigns.services import contract_party_side
from creators.models import CreatorProfile, Review, ReviewerRole
from marketplace.errors import CommonError, Conflict
from marketplace.listcache import lists_changed
from marketplace.models import User

from ..errors import PaymentError
from ..locks import lock_contract

REVIEWABLE = {
    ContractStatus.APPROVED,
    ContractStatus.PAID,
    ContractStatus.RESOLVED,
    ContractStatus.COMPLETED,
}


@transaction.atomic
def review_create(*, actor: User, contract_id: int, stars: int, text: str = "") -> Review:
    """A party reviews the other once the work is approved, paid or resolved; once each.
    A brand's review of the creator updates the creator's rating."""
    contract = lock_contract(contract_id)
    side = contract_party_side(actor, contract)
    if contract.status not in REVIEWABLE:
        raise Conflict(
            f"cannot review a contract that is {contract.status}",
            code=CommonError.INVALID_STATE,
            current_state=contract.status,
        )
    role = ReviewerRole.BRAND if side == "brand" else ReviewerRole.CREATOR
    if Review.objects.filter(contract=contract, author_role=role).exists():
        raise Conflict(
            f"the {side} already reviewed this contract",
            code=PaymentError.ALREADY_REVIEWED,
            current_state=contract.status,
        )
    try:
        with transaction.atomic():
            review = Review.objects.create(
                contract=contract,
                author=actor,
                author_role=role,
                creator_id=contract.creator_id,
                brand_id=contract.brand_id,
                stars=stars,
                text=text,
            )
    except IntegrityError as exc:
        raise Conflict(
            f"the {side} already reviewed this contract",
            code=PaymentError.ALREADY_REVIEWED,
            current_state=contract.status,
        ) from exc
    if role == ReviewerRole.BRAND:
        CreatorProfile.objects.filter(pk=contract.creator_id).update(
            rating_sum=F("rating_sum") + stars, review_count=F("review_count") + 1
        )
        # Matching's track-record evidence weighs the contract by the brand's stars.
        creator_track_record_refresh(creator_id=contract.creator_id)
        lists_changed("creators")
    return review
