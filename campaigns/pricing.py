"""The platform fee: one rule shared by bids (shown up front), contracts and payouts."""

from django.conf import settings


def fee_bps(tier: str) -> int:
    """The platform fee in basis points for a creator of `tier` (settings.PLATFORM_FEE_BPS)."""
    return int(settings.PLATFORM_FEE_BPS[tier])


def platform_fee(amount: int, tier: str) -> int:
    """The fee on `amount` (minor units) for `tier`, rounded half up to a whole minor unit."""
    return (amount * fee_bps(tier) + 5000) // 10000


def creator_net(amount: int, tier: str) -> int:
    """What the creator receives of `amount`: the amount less the platform fee."""
    return amount - platform_fee(amount, tier)


def split_fee(amounts: list[int], bps: int) -> list[int]:
    """The fee of each of several amounts at `bps`, summing to the fee of their total: each
    share is the rounded fee of the running total less the one before it (never negative)."""
    fees, running, before = [], 0, 0
    for amount in amounts:
        running += amount
        upto = (running * bps + 5000) // 10000
        fees.append(upto - before)
        before = upto
    return fees
