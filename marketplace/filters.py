"""Shared django-filter filters that keep out-of-range values away from the database."""

from datetime import UTC
from typing import Any

import django_filters
from django import forms
from django.utils import timezone
from django_filters.fields import IsoDateTimeField, RangeField
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import DateRangeWidget
from drf_spectacular.utils import extend_schema_field

MAX_ID = 2**63 - 1  # the largest bigint: larger ids cannot exist, and crash some drivers


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number from 1 to the bigint maximum, else a 400.

    A plain NumberFilter takes any decimal (`5.9e19`, `-3e91`), which an id lookup hands to
    the database as an out-of-range integer: a 500 on SQLite.
    """

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC (a 400 when that leaves the calendar).

    Python accepts UTC offsets up to ±24h, PostgreSQL only up to ±15:59: passed on with its
    own offset, `0294-10-06T05:50-22:19` is a database error (a 500).
    """

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if value is not None and timezone.is_aware(value):
            try:
                value = value.astimezone(UTC)
            except OverflowError as exc:
                raise forms.ValidationError("date-time out of range", code="overflow") from exc
        return value


class UtcIsoDateTimeRangeField(RangeField):
    widget = DateRangeWidget

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__((UtcIsoDateTimeField(), UtcIsoDateTimeField()), *args, **kwargs)


class IsoDateTimeFromToRangeFilter(django_filters.IsoDateTimeFromToRangeFilter):
    """`<name>_after` / `<name>_before` in ISO 8601, compared in UTC."""

    field_class = UtcIsoDateTimeRangeField


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipping the FilterSet (its deep copies and form) when the
    request names none of its filters: with no filter given, the queryset is unchanged anyway.
    """

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = tuple(filterset_class.base_filters)
        asked = any(
            param == name or param.startswith(f"{name}_")
            for param in request.query_params
            for name in names
        )
        return super().filter_queryset(request, queryset, view) if asked else queryset
