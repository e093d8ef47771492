"""Helpers for admin actions that call services, report each outcome and log it in History.

Action bars: `action_form(...)` builds an ActionForm with only the inputs a model's actions
use, each tagged with the actions that use it; `action_fields.js` shows an input only while
one of its actions is chosen. Money is shown with `marketplace.money` (major units and the
currency) through `MoneyAdminMixin`.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

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
    money_labels: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, currency in cls.money_fields.items():
            label = cls.money_labels.get(name, name.replace("_", " "))
            setattr(cls, f"{name}_money", _money_display(name, currency, label))

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


# --- Confirmation pages -------------------------------------------------------------------
#
# An action that moves money or decides for a user is never one click in a list: it opens a
# page in the admin's own style (like the delete confirmation) that says what will happen, in
# major units with the currency, asks for a reason and performs the action through its service.


class ReasonForm(forms.Form):
    """The reason every decision needs; kept in the object's History and the audit row."""

    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        help_text="Required. Kept in the object's History and the audit log.",
        error_messages={"required": "A reason is required: say why you decide this."},
    )


@dataclass(frozen=True)
class ConfirmAction:
    """A confirmation page of a model admin: `<pk>/<path>/`, served by the admin's
    `confirm_<name>(request, obj, data)` method, which returns a `Confirmation`."""

    name: str
    path: str
    label: str
    shown: Callable[[Any], bool] = lambda obj: True


@dataclass
class Confirmation:
    """What a confirmation page shows and does.

    `rows` are (key, label, value) lines of what will happen; `key` names the preview (the
    page asks to preview again when what is posted differs from what was previewed, such as
    a retyped amount) or is None while there is nothing to confirm yet; `perform` calls the
    service with the form's cleaned data and answers the History note."""

    title: str
    intro: str
    rows: list[tuple[str, str, str]]
    form: forms.Form
    button: str
    perform: Callable[[dict[str, Any]], str]
    key: str | None = "confirm"
    done: str = ""
    warnings: list[str] = field(default_factory=list)


class ConfirmActionsMixin:
    """Adds the `confirm_actions` pages to a ModelAdmin, and links to them on the object's
    change page (for the objects each is `shown` for)."""

    confirm_actions: Sequence[ConfirmAction] = ()
    change_form_template = "admin/change_form_confirm_actions.html"

    def get_urls(self) -> list[Any]:
        opts = self.model._meta  # type: ignore[attr-defined]
        site = self.admin_site  # type: ignore[attr-defined]
        urls = [
            path(
                f"<path:object_id>/{action.path}/",
                site.admin_view(partial(self._confirm_view, action=action)),
                name=f"{opts.app_label}_{opts.model_name}_{action.name}",
            )
            for action in self.confirm_actions
        ]
        return [*urls, *super().get_urls()]  # type: ignore[misc]

    def confirm_url(self, obj: Any, name: str) -> str:
        opts = self.model._meta  # type: ignore[attr-defined]
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}",  # type: ignore[attr-defined]
            args=[quote(obj.pk)],
        )

    def change_view(
        self, request: Any, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if obj is not None:
            extra_context["confirm_links"] = [
                *(
                    (self.confirm_url(obj, action.name), action.label)
                    for action in self.confirm_actions
                    if action.shown(obj)
                ),
                *extra_context.get("confirm_links", ()),
            ]
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def _confirm_view(self, request: Any, object_id: str, *, action: ConfirmAction) -> HttpResponse:
        opts = self.model._meta  # type: ignore[attr-defined]
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, opts, object_id)  # type: ignore[attr-defined]
        if not (request.user.is_staff and self.has_view_permission(request, obj)):  # type: ignore[attr-defined]
            raise PermissionDenied
        posted = request.method == "POST"
        confirmation: Confirmation = getattr(self, f"confirm_{action.name}")(
            request, obj, request.POST if posted else None
        )
        form = confirmation.form
        change_url = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",  # type: ignore[attr-defined]
            args=[quote(obj.pk)],
        )
        previewed = posted and confirmation.key is not None
        previewed = previewed and request.POST.get("_previewed") == confirmation.key
        if posted and not previewed:
            # A first look (or a changed amount): show the preview, not a missing reason.
            form.errors.pop("reason", None)
            if confirmation.key is not None and request.POST.get("_previewed"):
                confirmation.warnings.append(
                    "What you typed changed since the preview: check the new numbers."
                )
        if previewed and form.is_valid():
            try:
                note = confirmation.perform(form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, f"Refused: {exc.message}.")
            else:
                self.log_change(request, obj, note)  # type: ignore[attr-defined]
                self.message_user(  # type: ignore[attr-defined]
                    request, confirmation.done or f"{action.label}: done.", messages.SUCCESS
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": confirmation.title,
            "subtitle": str(obj),
            "opts": opts,
            "app_label": opts.app_label,
            "object": obj,
            "confirmation": confirmation,
            "form": form,
            "ready": confirmation.key is not None,
            "change_url": change_url,
            "action": action,
            "media": self.media + form.media,  # type: ignore[attr-defined]
        }
        request.current_app = self.admin_site.name  # type: ignore[attr-defined]
        return TemplateResponse(request, "admin/confirm_action.html", context)


def redirect_to_confirmation(
    modeladmin: Any,
    request: Any,
    queryset: Any,
    name: str,
    *,
    target: Callable[[Any], tuple[Any, Any] | None] | None = None,
    missing: str = "there is nothing to confirm for it.",
) -> HttpResponse | None:
    """A list action that leads to one object's confirmation page: one object at a time,
    since each decision has its own reason and numbers. `target(obj)` may point to another
    admin's page (answering `(admin, object)`), or None when there is none to go to."""
    objects = list(queryset[:2])
    if len(objects) != 1:
        modeladmin.message_user(
            request,
            "Choose one row at a time: each decision has its own confirmation page and reason.",
            messages.WARNING,
        )
        return None
    owner, obj = (
        (modeladmin, objects[0]) if target is None else (target(objects[0]) or (None, None))
    )
    if owner is None:
        modeladmin.message_user(request, f"{objects[0]}: {missing}", messages.WARNING)
        return None
    return HttpResponseRedirect(owner.confirm_url(obj, name))


# --- Readable JSON ------------------------------------------------------------------------


def _inline(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_inline(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{str(key).replace('_', ' ')}: {_inline(v)}" for key, v in value.items())
    return str(value)


def readable_json(value: Any) -> str:
    """A JSON value for people: a list of words as `a, b`, a list of objects one per line, an
    object as `key: value` lines; HTML-escaped."""
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return format_html_join(mark_safe("<br>"), "{}", ((_inline(item),) for item in value))  # noqa: S308 - a constant
    if isinstance(value, dict) and value:
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 - a constant
            "{}: {}",
            ((str(key).replace("_", " "), _inline(v)) for key, v in value.items()),
        )
    return _inline(value)


def _json_display(name: str) -> Callable[[Any, Any], str]:
    def display(self: Any, obj: Any) -> str:
        return readable_json(getattr(obj, name))

    display.short_description = name.replace("_", " ")  # type: ignore[attr-defined]
    return display


class ReadableAdminMixin:
    """Shows the `json_fields` read-only and readable (`<field>_readable`) wherever they are
    listed or shown, and never shows the `hidden_fields` (internal, such as stored terms)."""

    json_fields: Sequence[str] = ()
    hidden_fields: Sequence[str] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.json_fields:
            setattr(cls, f"{name}_readable", _json_display(name))

    def _readable(self, names: Iterable[Any]) -> list[Any]:
        swapped = [
            f"{n}_readable" if isinstance(n, str) and n in self.json_fields else n
            for n in names
            if n not in self.hidden_fields
        ]
        return list(dict.fromkeys(swapped))

    def get_fields(self, request: Any, obj: models.Model | None = None) -> list[Any]:
        return self._readable(super().get_fields(request, obj))  # type: ignore[misc]

    def get_list_display(self, request: Any) -> list[Any]:
        return self._readable(super().get_list_display(request))  # type: ignore[misc]

    def get_readonly_fields(self, request: Any, obj: models.Model | None = None) -> list[Any]:
        names = super().get_readonly_fields(request, obj)  # type: ignore[misc]
        shown = self._readable(names)
        return list(dict.fromkeys([*shown, *(f"{n}_readable" for n in self.json_fields)]))

    def get_exclude(self, request: Any, obj: models.Model | None = None) -> list[Any]:
        excluded = super().get_exclude(request, obj) or []  # type: ignore[misc]
        return [*excluded, *self.json_fields, *self.hidden_fields]
