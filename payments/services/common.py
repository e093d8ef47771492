"""Shared checks for contract services: locking and who may act."""

from campaigns.models import BrandMembership, Contract
from campaigns.selectors import brand_member_users
from marketplace.errors import Forbidden, NotFound
from marketplace.models import User


def lock_contract(contract_id: int) -> Contract:
    """The contract row, locked for the rest of the transaction (always locked before its
    payment, transfer or refunds, so every service takes locks in the same order)."""
    try:
        return Contract.objects.select_for_update().get(pk=contract_id)
    except Contract.DoesNotExist as exc:
        raise NotFound("no such contract") from exc


def is_brand_member(user: User | None, brand_id: int) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return BrandMembership.objects.filter(brand_id=brand_id, user=user).exists()


def is_contract_creator(user: User | None, contract: Contract) -> bool:
    profile = getattr(user, "creator_profile", None) if user is not None else None
    return profile is not None and profile.pk == contract.creator_id


def require_brand_member(user: User, contract: Contract) -> None:
    if not is_brand_member(user, contract.brand_id):
        raise Forbidden("only members of the contract's brand may do this")


def require_creator(user: User, contract: Contract) -> None:
    if not is_contract_creator(user, contract):
        raise Forbidden("only the contract's creator may do this")


def require_party(user: User, contract: Contract) -> str:
    """'brand' or 'creator', whichever side `user` is on; Forbidden otherwise."""
    if is_contract_creator(user, contract):
        return "creator"
    if is_brand_member(user, contract.brand_id):
        return "brand"
    raise Forbidden("only the contract's parties may do this")


def party_users(contract: Contract) -> list[User]:
    return [contract.creator.user, *brand_member_users(contract.brand_id)]


def after_contract_end(contract: Contract) -> None:
    """When a contract ends, its brief may be complete: checked after commit."""
    from django.db import transaction

    from campaigns.services import brief_complete_if_finished

    brief_id = contract.brief_id
    transaction.on_commit(lambda: brief_complete_if_finished(brief_id=brief_id))
