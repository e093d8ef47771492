"""Shared input fields and output helpers."""

from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import serializers

from .fields import normalise_model_name, normalise_slugs


class HttpsURLField(serializers.URLField):
    """An https URL of at most 500 characters; we store it and never fetch it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not value.lower().startswith("https://"):
            raise serializers.ValidationError("must be an https:// URL")
        return value


class BoundedListField(serializers.ListField):
    """A list whose length is checked before any of its items: a body of 600,000 items is
    refused at once instead of validating each. Every input list has a `max_length` (100
    unless the field names one)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list:
        if isinstance(data, list | tuple) and self.max_length is not None:
            if len(data) > self.max_length:
                self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class SlugListField(BoundedListField):
    """A list of tags or names, normalised to lower-case slugs."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.CharField(max_length=50))
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        return normalise_slugs(super().to_internal_value(data))


class EmailAddressField(serializers.EmailField):
    """An e-mail address as we store it: stripped and lower-cased, at most 254 characters
    after lower-casing (some letters grow: "İ" becomes two characters), so a valid answer
    always fits the column."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data).strip().lower()
        if self.max_length is not None and len(value) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        for validator in self.validators:
            validator(value)
        return value


# Calendar dates people enter (licence periods, consent expiry) lie in this range: anything
# else is a typo, and dates near the end of the calendar break arithmetic on them.
DATE_MIN = date(1970, 1, 1)
DATE_MAX = date(2100, 12, 31)


class BoundedDateField(serializers.DateField):
    """A calendar date from `DATE_MIN` to `DATE_MAX` (1970-01-01..2100-12-31), else a 400
    naming the field."""

    def to_internal_value(self, value: Any) -> date:
        day = super().to_internal_value(value)
        if not DATE_MIN <= day <= DATE_MAX:
            raise serializers.ValidationError(
                f"must be between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}"
            )
        return day


class HorizonDateTimeField(serializers.DateTimeField):
    """A moment within `DEADLINE_HORIZON_DAYS` of now, either way (730 days by default),
    else a 400 naming the field; whether it must lie in the future is the service's rule."""

    def to_internal_value(self, value: Any) -> datetime:
        moment = super().to_internal_value(value)
        horizon = timedelta(days=settings.DEADLINE_HORIZON_DAYS)
        now = timezone.now()
        if not now - horizon <= moment <= now + horizon:
            raise serializers.ValidationError(
                f"must be within {settings.DEADLINE_HORIZON_DAYS} days of now"
            )
        return moment


class ModelNameField(serializers.CharField):
    """A generation model name such as ``kling-2.1-pro``, normalised to lower case."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 60)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        try:
            return normalise_model_name(super().to_internal_value(data))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class ModelNameListField(BoundedListField):
    """A list of generation model names, normalised and deduplicated."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", ModelNameField())
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        return list(dict.fromkeys(super().to_internal_value(data)))


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key looked up only among the objects the requesting user may use.

    An id that does not exist and one that belongs to another tenant get the same error
    (`does_not_exist`), so the answer tells nobody which ids exist. `scope(user)` returns the
    queryset; the serializer needs the request in its context.
    """

    def __init__(self, *, scope: Callable[[Any], QuerySet], **kwargs: Any) -> None:
        self.scope = scope
        kwargs.setdefault("queryset", scope(None))  # the model, for the schema
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        return self.scope(getattr(request, "user", None))


def datetime_text(value: datetime | None, tz: tzinfo) -> str | None:
    """A datetime as DRF's DateTimeField writes it: in time zone `tz` (the current one), UTC
    as `Z`. For list pages built from `values()` rows without a serializer per row."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
