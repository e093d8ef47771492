"""Helpers for admin actions that call services and report each outcome."""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm

from .errors import DomainError


class ReasonActionForm(ActionForm):
    """The action bar with a free-text reason (for rejections) and a tier (for set tier)."""

    reason = forms.CharField(required=False, max_length=500, label="Reason")
    tier = forms.ChoiceField(
        required=False,
        choices=[("", "---"), ("standard", "standard"), ("partner", "partner"), ("elite", "elite")],
        label="Tier",
    )


class MoneyActionForm(ReasonActionForm):
    """The action bar with a reason and an amount in minor units (for split resolutions)."""

    amount = forms.IntegerField(required=False, min_value=1, label="Creator's share (minor units)")


def run_service_action(
    modeladmin: admin.ModelAdmin,
    request: Any,
    objects: Iterable[Any],
    service: Callable[[Any], Any],
    verb: str,
) -> None:
    """Apply `service` to each object; a domain refusal is reported, not raised."""
    done, failed = 0, []
    for obj in objects:
        try:
            service(obj)
            done += 1
        except DomainError as exc:
            failed.append(f"{obj}: {exc.message}")
    if done:
        modeladmin.message_user(request, f"{verb}: {done} done.", messages.SUCCESS)
    for failure in failed:
        modeladmin.message_user(request, f"{verb} refused for {failure}", messages.WARNING)
