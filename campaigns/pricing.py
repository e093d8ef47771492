"""The platform fee: one rule shared by bids (shown up front), contracts and payouts."""

import re
from typing import Any, TypedDict

from django.conf import settings

from marketplace.errors import InvalidInput

from .errors import CampaignError
from .generation_cost import below_cost_warnings

# A money amount written with a decimal point or comma ("1200.00", "12,5"): major units.
_DECIMAL_AMOUNT = re.compile(r"\s*[+-]?\d*[.,]\d*\s*")


def amount_minor_units_check(raw: str | None, *, field: str = "amount") -> None:
    """Refuse (400 `amount_invalid`, naming `field`) an amount written as a decimal: money in
    query strings is an integer of minor units like in bodies, so `1200.00` is not read as
    1200 cents (12.00 USD) behind the caller's back. Other malformed values are left to the
    serializer."""
    if raw is not None and _DECIMAL_AMOUNT.fullmatch(raw) and any(c.isdigit() for c in raw):
        raise InvalidInput(
            f"{raw.strip()!r}: amounts are whole minor units (120000 for 1,200.00 USD), "
            "without a decimal point",
            code=CampaignError.AMOUNT_INVALID,
            field=field,
        )


def fee_bps(tier: str) -> int:
    """The platform fee in basis points for a creator of `tier` (settings.PLATFORM_FEE_BPS)."""
    return int(settings.PLATFORM_FEE_BPS[tier])


def platform_fee(amount: int, tier: str) -> int:
    """The fee on `amount` (minor units) for `tier`, rounded half up to a whole minor unit."""
    return (amount * fee_bps(tier) + 5000) // 10000


def creator_net(amount: int, tier: str) -> int:
    """What the creator receives of `amount`: the amount less the platform fee."""
    return amount - platform_fee(amount, tier)


class FeePreview(TypedDict):
    amount: int
    currency: str
    creator_tier: str
    fee_bps: int
    fee_rate: str
    platform_fee: int
    creator_net: int
    warnings: list[str]


def fee_preview(*, brief: Any, amount: int, tier: str) -> FeePreview:
    """What a bid of `amount` on `brief` by a creator of `tier` would carry: the fee, the net
    and the generation-cost warnings, computed exactly as the bid computes them."""
    bps = fee_bps(tier)
    fee = platform_fee(amount, tier)
    return {
        "amount": amount,
        "currency": brief.currency,
        "creator_tier": tier,
        "fee_bps": bps,
        "fee_rate": f"{bps // 100}.{bps % 100:02d}%",
        "platform_fee": fee,
        "creator_net": amount - fee,
        "warnings": below_cost_warnings(brief, amount),
    }


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
