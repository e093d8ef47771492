"""Shared checks for contract services: who may act, status moves, and what a contract's end
starts."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction

from campaigns.errors import CampaignError
from campaigns.models import Contract
from campaigns.selectors import is_brand_member
from campaigns.services import brief_complete_if_finished, contract_sync_status
from marketplace.audit import audit_record
from marketplace.errors import Forbidden, InvalidTransition
from marketplace.models import User

from ..errors import PaymentError


def is_contract_creator(user: User | None, contract: Contract) -> bool:
    profile = getattr(user, "creator_profile", None) if user is not None else None
    return profile is not None and profile.pk == contract.creator_id


def require_brand_member(user: User, contract: Contract) -> None:
    """Forbidden unless `user` is a member of the contract's brand."""
    if not is_brand_member(user, contract.brand_id):
        raise Forbidden(
            "only members of the contract's brand may do this", code=CampaignError.NOT_BRAND_MEMBER
        )


def require_creator(user: User, contract: Contract) -> None:
    """Forbidden unless `user` is the contract's creator."""
    if not is_contract_creator(user, contract):
        raise Forbidden(
            "only the contract's creator may do this", code=PaymentError.NOT_CONTRACT_CREATOR
        )


def move(
    obj: models.Model,
    *,
    to: str,
    allowed: Mapping[str, Iterable[str]],
    verb: str,
    actor: User | None = None,
    fields: Iterable[str] = (),
    data: dict[str, Any] | None = None,
) -> None:
    """Record a stored Stripe event's processing outcome (`StripeEvent.ALLOWED`): a change of
    status is checked against the table and audited; staying in the same status only saves
    `fields`. Every other model moves by name through `marketplace.audit.transition`."""
    current = obj.status  # type: ignore[attr-defined]
    update_fields = list(fields)
    if current != to:
        if to not in allowed.get(current, ()):
            raise InvalidTransition(obj._meta.verbose_name, current, verb)
        obj.status = to  # type: ignore[attr-defined]
        update_fields.append("status")
    if hasattr(obj, "updated_at"):
        update_fields.append("updated_at")
    obj.save(update_fields=update_fields)
    if current != to:
        audit_record(actor=actor, verb=verb, obj=obj, before=current, after=to, data=data)


def after_contract_end(contract: Contract) -> None:
    """When a contract ends, its brief may be complete: checked after commit."""
    brief_id = contract.brief_id
    # robust: a failure here is logged, never a 500 for the change that already committed (the
    # brief is completed by the next contract end or a staff action).
    transaction.on_commit(lambda: brief_complete_if_finished(brief_id=brief_id), robust=True)


def sync_contract(contract: Contract, *, actor: User | None = None) -> None:
    """The contract's status follows its milestones (campaigns' contract_sync_status); if it
    has just ended, its brief may be complete."""
    if contract_sync_status(contract=contract, actor=actor):
        after_contract_end(contract)
