"""Money in the parties' words: major units with the currency, the gross share, the fee and
the net named, as notifications tell them."""

from campaigns.models import Contract, Milestone
from marketplace.money import format_money

from ..models import Refund, Transfer
from .payouts import release_split


def amount_of(row: Refund | Transfer) -> str:
    """A refund's or a transfer's amount: `"255.00 USD"`."""
    return format_money(row.amount, row.currency)


def split_bounds(milestone: Milestone) -> str:
    """The shares a split may give the creator, in both units (the API takes minor units):
    `"1 to 119999 (0.01 to 1,199.99 GBP)"`."""
    low, high = (
        format_money(1, milestone.currency),
        format_money(milestone.amount - 1, milestone.currency),
    )
    return f"1 to {milestone.amount - 1} ({low.rsplit(' ', 1)[0]} to {high})"


def resolution_in_words(contract: Contract, milestone: Milestone, creator_share: int) -> str:
    """A dispute resolution's money: the creator's gross share and what they are paid after
    the fee, and what the brand gets back (`"700.00 GBP to the creator, 595.00 GBP after the
    105.00 GBP platform fee; 500.00 GBP refunded to the brand"`)."""
    money = contract.currency
    parts = []
    if creator_share:
        fee, net = release_split(contract=contract, milestone=milestone, gross=creator_share)
        parts.append(
            f"{format_money(creator_share, money)} to the creator, "
            f"{format_money(net, money)} after the {format_money(fee, money)} platform fee"
        )
    if creator_share < milestone.amount:
        refund = format_money(milestone.amount - creator_share, money)
        parts.append(f"{refund} refunded to the brand")
    return "; ".join(parts)
