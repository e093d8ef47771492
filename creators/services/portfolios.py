"""Portfolios: named groups of a creator's reels."""

from typing import Any

from django.db import transaction

from marketplace.errors import CommonError, Forbidden, InvalidInput
from marketplace.listcache import lists_changed
from marketplace.models import User

from ..errors import CreatorError
from ..locks import lock_portfolio
from ..models import (
    Portfolio,
)
from .profiles import require_profile_owner

# Portfolios -------------------------------------------------------------------------------


def _portfolio_name_taken() -> InvalidInput:
    return InvalidInput(
        "you already have a portfolio with this name",
        code=CreatorError.PORTFOLIO_NAME_TAKEN,
        field="name",
    )


@transaction.atomic
def portfolio_create(*, actor: User, name: str, description: str = "") -> Portfolio:
    """A creator makes a named collection; names are unique per creator."""
    profile = getattr(actor, "creator_profile", None)
    if profile is None:
        raise Forbidden("only creators have portfolios", code=CommonError.NOT_A_CREATOR)
    if Portfolio.objects.filter(creator=profile, name=name).exists():
        raise _portfolio_name_taken()
    return Portfolio.objects.create(creator=profile, name=name, description=description)


@transaction.atomic
def portfolio_update(*, actor: User, portfolio: Portfolio, data: dict[str, Any]) -> Portfolio:
    """The owner renames or describes a portfolio."""
    require_profile_owner(actor, portfolio.creator_id)
    portfolio = lock_portfolio(portfolio.pk)
    name = data.get("name", portfolio.name)
    if (
        name != portfolio.name
        and Portfolio.objects.filter(creator_id=portfolio.creator_id, name=name).exists()
    ):
        raise _portfolio_name_taken()
    portfolio.name = name
    portfolio.description = data.get("description", portfolio.description)
    portfolio.save()
    return portfolio


@transaction.atomic
def portfolio_delete(*, actor: User, portfolio: Portfolio) -> None:
    """The owner deletes a portfolio; its reels stay, outside any portfolio."""
    require_profile_owner(actor, portfolio.creator_id)
    portfolio.delete()
    lists_changed("reels")  # its reels now show no portfolio
