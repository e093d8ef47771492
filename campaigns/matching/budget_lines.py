"""Exact currency arithmetic for the budget factor.

A quote in one currency is compared with a budget in another through Fractions of the decimal
`FX_TO_USD` table, so a quote exactly at the converted budget max scores 1 in every currency
pair (v1 converted in floats and scored 0.9999999999999999). The boundaries are integers, so the
SQL scorer compares quotes with them as integers too; only the stretch strictly between them uses
the rate rounded to one double.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings

INT64_MAX = 2**63 - 1


def exact_rate(source: str, target: str) -> Fraction | None:
    """Minor units of `target` per minor unit of `source`, exactly; None when either is unknown."""
    fx = settings.FX_TO_USD
    if source not in fx or target not in fx:
        return None
    exponents = settings.CURRENCY_EXPONENTS
    shift = exponents.get(target, 2) - exponents.get(source, 2)
    return Fraction(fx[source]) / Fraction(fx[target]) * Fraction(10) ** shift


@dataclass(frozen=True)
class BudgetLine:
    """For one rate currency: quotes ≤ `full` score 1, ≥ `zero` score 0, `rate` in between."""

    full: int
    zero: int
    rate: float


def budget_lines(budget_max: int, currency: str) -> dict[str, BudgetLine] | None:
    """Per rate currency the exact integer boundaries for a budget; None: no FX for `currency`."""
    if currency not in settings.FX_TO_USD:
        return None
    lines = {}
    for source in sorted(settings.FX_TO_USD):
        rate = exact_rate(source, currency)
        if rate is None or rate <= 0:
            continue
        full = math.floor(Fraction(budget_max) / rate)
        zero = math.ceil(Fraction(2 * budget_max) / rate)
        lines[source] = BudgetLine(
            full=min(full, INT64_MAX), zero=min(zero, INT64_MAX), rate=float(rate)
        )
    return lines
