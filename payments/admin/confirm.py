"""What staff see before they move a milestone's money: its amount, what was charged and
refunded, and for a resolution the creator's gross share, the platform fee, the creator's net
transfer and the brand's refund, all in major units with the currency.

The numbers come from the same function the services pay with (`release_split`), so the page
shows what will be paid."""

from decimal import Decimal
from typing import Any

from django import forms

from campaigns.models import Contract, Milestone
from marketplace.admin_tools import ReasonForm
from marketplace.money import currency_exponent, format_money, parse_major

from ..selectors import milestone_charged, milestone_refunded
from ..services.payouts import release_split

Row = tuple[str, str, str]


def fee_percent(fee_bps: int) -> str:
    """`1500` → `"15%"`, `1250` → `"12.5%"`."""
    return f"{Decimal(fee_bps) / 100:f}".rstrip("0").rstrip(".") + "%"


def share_label(contract: Contract) -> str:
    """How a typed share is named wherever staff type one: gross, before the fee."""
    return (
        f"Creator's share (gross, before the {fee_percent(contract.fee_bps)} platform fee), "
        f"in {contract.currency}"
    )


def milestone_rows(contract: Contract, milestone: Milestone) -> list[Row]:
    """The milestone and its money so far."""
    money = contract.currency
    return [
        ("milestone", "Milestone", f"{milestone.position}. {milestone.title} ({milestone.status})"),
        (
            "contract",
            "Contract",
            f"#{contract.pk}: @{contract.creator.handle} for {contract.brand}",
        ),
        ("milestone_amount", "Milestone amount", format_money(milestone.amount, money)),
        ("charged", "Charged to the brand", format_money(milestone_charged(milestone.pk), money)),
        ("refunded", "Refunded so far", format_money(milestone_refunded(milestone.pk), money)),
    ]


def outcome_rows(contract: Contract, milestone: Milestone, gross: int) -> list[Row]:
    """What releasing `gross` of the milestone to the creator (and refunding the rest) pays."""
    money = contract.currency
    fee, net = release_split(contract=contract, milestone=milestone, gross=gross)
    percent = fee_percent(contract.fee_bps)
    return [
        (
            "creator_gross",
            f"Creator's share (gross, before the {percent} fee)",
            format_money(gross, money),
        ),
        (
            "platform_fee",
            f"Platform fee ({percent}, {contract.creator_tier} tier)",
            format_money(fee, money),
        ),
        ("creator_net", "Creator's net transfer", format_money(net, money)),
        ("brand_refund", "Brand's refund", format_money(milestone.amount - gross, money)),
    ]


class SplitForm(ReasonForm):
    """The creator's gross share typed in major units of the contract's currency; refused in
    the moderator's words and units."""

    amount = forms.CharField(label="Creator's share", max_length=24)
    field_order = ["amount", "reason"]

    def __init__(self, *args: Any, contract: Contract, milestone: Milestone, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.contract, self.milestone = contract, milestone
        self.fields["amount"].label = share_label(contract)
        example = format_money(milestone.amount // 2, contract.currency).rsplit(" ", 1)[0]
        self.fields["amount"].help_text = (
            f"Of the milestone's {format_money(milestone.amount, contract.currency)}; the rest "
            f"is refunded to the brand. Type it like {example}."
        )
        self.fields["amount"].error_messages["required"] = (
            "Type the creator's share, in " + contract.currency + "."
        )

    def clean_amount(self) -> int:
        raw = self.cleaned_data["amount"]
        currency, total = self.contract.currency, self.milestone.amount
        try:
            minor = parse_major(raw, currency)
        except ValueError:
            places = currency_exponent(currency)
            raise forms.ValidationError(
                f"“{raw}” is not an amount in {currency}: type it like "
                f"{format_money(total // 2, currency).rsplit(' ', 1)[0]}"
                + (f" (at most {places} decimals)." if places else " (no decimals).")
            ) from None
        if not 0 < minor < total:
            low = format_money(1, currency).rsplit(" ", 1)[0]
            raise forms.ValidationError(
                f"The creator's share must be between {low} and "
                f"{format_money(total - 1, currency)} (the milestone is "
                f"{format_money(total, currency)}); to give all of it to one side, release "
                "or refund instead."
            )
        return minor
