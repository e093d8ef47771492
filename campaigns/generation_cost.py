"""What generating a brief's video is likely to cost, and warnings for bids below it.

Prices come from `settings.GENERATION_COST_PER_SECOND` (per model: a decimal price per second
in major units of a currency) and `settings.EXPECTED_REROLLS` (generations per usable take).
All arithmetic is Decimal; results are integers in minor units, rounded half up.
"""

from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, TypedDict

from django.conf import settings


class CostEstimate(TypedDict):
    model: str
    currency: str
    amount: int


def _exponent(currency: str) -> int:
    return settings.CURRENCY_EXPONENTS.get(currency, 2)


def _to_minor(major: Decimal, source: str, target: str) -> int | None:
    """`major` units of `source` as whole minor units of `target`; None if FX cannot say."""
    with localcontext() as ctx:
        ctx.prec = 50
        if source != target:
            fx = settings.FX_TO_USD
            if source not in fx or target not in fx:
                return None
            major = major * Decimal(fx[source]) / Decimal(fx[target])
        minor = major.scaleb(_exponent(target))
        return int(minor.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def estimate_generation_cost(brief: Any) -> list[CostEstimate]:
    """For each preferred model of `brief` with a known price, in the brief's preference order:
    price per second × the brief's total seconds × expected rerolls, converted to minor units
    of the brief's currency (rounded half up). Models without a price are left out.
    """
    rerolls = int(settings.EXPECTED_REROLLS)
    estimates: list[CostEstimate] = []
    for model in dict.fromkeys(brief.preferred_models or ()):
        price = settings.GENERATION_COST_PER_SECOND.get(model)
        if price is None:
            continue
        major = Decimal(str(price["per_second"])) * int(brief.total_seconds) * rerolls
        amount = _to_minor(major, price["currency"], brief.currency)
        if amount is not None:
            estimates.append({"model": model, "currency": brief.currency, "amount": amount})
    return estimates


def format_amount(amount: int, currency: str) -> str:
    """Minor units as a human amount: 672 USD → "6.72 USD", 1003 JPY → "1003 JPY"."""
    exponent = _exponent(currency)
    return f"{Decimal(amount).scaleb(-exponent):.{exponent}f} {currency}"


def below_cost_warnings(brief: Any, amount: int) -> list[str]:
    """One warning per preferred model whose estimated generation cost exceeds `amount`
    (minor units of the brief's currency); none when the amount covers every estimate.

    The bid is still accepted: the warning only tells the creator they may be working at a loss.
    """
    rerolls = int(settings.EXPECTED_REROLLS)
    return [
        f"{format_amount(amount, brief.currency)} is below the estimated generation cost with "
        f"{estimate['model']}: {format_amount(estimate['amount'], brief.currency)} "
        f"({brief.total_seconds} s × {rerolls} generations)"
        for estimate in estimate_generation_cost(brief)
        if amount < estimate["amount"]
    ]
