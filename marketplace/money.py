"""Money for people: integer minor units shown and read in major units with the currency."""

from decimal import Decimal, InvalidOperation

from django.conf import settings


def currency_exponent(currency: str) -> int:
    """Decimal places of the currency's minor unit (ISO 4217; 2 when unknown)."""
    return settings.CURRENCY_EXPONENTS.get((currency or "").upper(), 2)


def format_money(amount: int | None, currency: str) -> str:
    """`90000, "USD"` → `"900.00 USD"`; `1200, "JPY"` → `"1,200 JPY"`; None → `"—"`."""
    if amount is None:
        return "—"
    exponent = currency_exponent(currency)
    major = Decimal(amount).scaleb(-exponent)
    return f"{major:,.{exponent}f} {(currency or '').upper()}".strip()


def format_money_range(low: int | None, high: int | None, currency: str) -> str:
    """`40000, 120000, "USD"` → `"400.00–1,200.00 USD"`."""
    if low is None or high is None:
        return "—"
    return f"{format_money(low, currency).rsplit(' ', 1)[0]}–{format_money(high, currency)}"


def parse_major(value: str, currency: str) -> int:
    """`"450.50", "USD"` → `45050` minor units; ValueError for anything else, or more decimals
    than the currency has, or a negative amount."""
    exponent = currency_exponent(currency)
    try:
        major = Decimal(value.strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not an amount") from exc
    if not major.is_finite() or major < 0:
        raise ValueError(f"{value!r} is not an amount")
    minor = major.scaleb(exponent)
    if minor != minor.to_integral_value():
        raise ValueError(f"{currency} amounts have at most {exponent} decimal places")
    return int(minor)
