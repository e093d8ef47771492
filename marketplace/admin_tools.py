"""Helpers for admin actions that call services, report each outcome and log it in History.

Action bars: `action_form(...)` builds an ActionForm with only the inputs a model's actions
use, each tagged with the actions that use it; `action_fields.js` shows an input only while
one of its actions is chosen. Money is shown with `marketplace.money` (major units and the
currency) through `MoneyAdminMixin`.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db import models

from .errors import DomainError
from .money import format_money

TIER_CHOICES = [("", "---"), ("standard", "standard"), ("partner", "partner"), ("elite", "elite")]


class ServiceActionForm(ActionForm):
    """An action bar whose inputs say which actions use and require them (for the JS)."""

    uses: dict[str, Sequence[str]] = {}
    required_for: dict[str, Sequence[str]] = {}

    class Media:
        js = ["marketplace/admin/action_fields.js"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, actions in self.uses.items():
            attrs = self.fields[name].widget.attrs
            attrs["data-actions"] = " ".join(actions)
            if self.required_for.get(name):
                attrs["data-required-for"] = " ".join(self.required_for[name])


def action_form(
    *,
    reason: Sequence[str] = (),
    reason_required: Sequence[str] = (),
    tier: Sequence[str] = (),
    amount: Sequence[str] = (),
    amount_label: str = "Amount",
) -> type[ServiceActionForm]:
    """An action bar with a reason, a tier and an amount, each only where an action uses it.

    `reason_required` actions are refused without a reason (see `action_reason`); `amount` is
    typed in major units of the object's currency (`"450.50"`).
    """
    attrs: dict[str, Any] = {"uses": {}, "required_for": {}}
    reason_actions = [*dict.fromkeys([*reason, *reason_required])]
    if reason_actions:
        attrs["reason"] = forms.CharField(required=False, max_length=500, label="Reason")
        attrs["uses"]["reason"] = reason_actions
        attrs["required_for"]["reason"] = list(reason_required)
    if tier:
        attrs["tier"] = forms.ChoiceField(required=False, choices=TIER_CHOICES, label="Tier")
        attrs["uses"]["tier"] = list(tier)
        attrs["required_for"]["tier"] = list(tier)
    if amount:
        attrs["amount"] = forms.CharField(required=False, max_length=24, label=amount_label)
        attrs["uses"]["amount"] = list(amount)
        attrs["required_for"]["amount"] = list(amount)
    return type("ActionForm", (ServiceActionForm,), attrs)


def action_reason(modeladmin: admin.ModelAdmin, request: Any, *, required: bool) -> str | None:
    """The reason typed in the action bar, or None (with an error shown) when it is required
    and blank: the action then changes nothing."""
    reason = (request.POST.get("reason") or "").strip()
    if required and not reason:
        modeladmin.message_user(request, "This action needs a reason.", messages.ERROR)
        return None
    return reason


def run_service_action(
    modeladmin: admin.ModelAdmin,
    request: Any,
    objects: Iterable[Any],
    service: Callable[[Any], Any],
    verb: str,
    *,
    note: str = "",
) -> None:
    """Apply `service` to each object; a domain refusal is reported, not raised.

    Each success is logged as a change in the object's admin History (`LogEntry`), beside the
    audit row the service writes.
    """
    done, failed = 0, []
    for obj in objects:
        try:
            service(obj)
        except DomainError as exc:
            failed.append(f"{obj}: {exc.message}")
            continue
        done += 1
        modeladmin.log_change(request, obj, f"{verb.capitalize()}" + (f": {note}" if note else ""))
    if done:
        modeladmin.message_user(request, f"{verb.capitalize()}: {done} done.", messages.SUCCESS)
    for failure in failed:
        modeladmin.message_user(
            request, f"{verb.capitalize()} refused for {failure}", messages.WARNING
        )


def _money_display(field: str, currency: str, label: str) -> Callable[[Any, Any], str]:
    def display(self: Any, obj: Any) -> str:
        holder = obj
        for part in currency.split("__"):
            holder = getattr(holder, part, None)
        return format_money(getattr(obj, field), str(holder or ""))

    display.short_description = label  # type: ignore[attr-defined]
    display.admin_order_field = field  # type: ignore[attr-defined]
    return display


class MoneyAdminMixin:
    """Shows each integer money field in major units with its currency, in lists and pages.

    `money_fields = {"amount": "currency", "fee": "contract__currency"}` maps a field to the
    attribute path of its currency; the field is replaced by `<field>_money` wherever it is
    listed or shown.
    """

    money_fields: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for field, currency in cls.money_fields.items():
            label = field.replace("_", " ")
            setattr(cls, f"{field}_money", _money_display(field, currency, label))

    def _swap(self, names: Iterable[Any]) -> list[Any]:
        swapped = [
            f"{n}_money" if isinstance(n, str) and n in self.money_fields else n for n in names
        ]
        return list(dict.fromkeys(swapped))

    def get_list_display(self, request: Any) -> list[Any]:
        return self._swap(super().get_list_display(request))  # type: ignore[misc]

    def get_fields(self, request: Any, obj: models.Model | None = None) -> list[Any]:
        return self._swap(super().get_fields(request, obj))  # type: ignore[misc]

    def get_readonly_fields(self, request: Any, obj: models.Model | None = None) -> list[Any]:
        # The raw fields stay read-only too, so no form ever edits minor units by hand.
        names = super().get_readonly_fields(request, obj)  # type: ignore[misc]
        shown = self._swap([*names, *self.money_fields])
        return list(dict.fromkeys([*shown, *self.money_fields]))
