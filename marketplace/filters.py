"""Shared filters that keep out-of-range values and oversized searches away from the database."""

from datetime import UTC
from typing import Any

import django_filters
import django_filters.rest_framework
from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone
from django_filters.fields import IsoDateTimeField, RangeField
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import DateRangeWidget
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter, SearchFilter

from .errors import CommonError, InvalidInput

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


class BoundedSearchFilter(SearchFilter):
    """DRF's `search=` with a cap on terms and length: a 400 `search_too_long` past it.

    Each term becomes one OR of `icontains` per search field: a thousand terms build a query
    SQLite refuses (a 500) and PostgreSQL takes seconds over, so the filter refuses it first.
    """

    def get_search_terms(self, request: Any) -> list[str]:
        value = request.query_params.get(self.search_param, "")
        max_terms, max_length = settings.SEARCH_MAX_TERMS, settings.SEARCH_MAX_LENGTH
        if len(value) > max_length:
            raise InvalidInput(
                f"search is at most {max_length} characters",
                code=CommonError.SEARCH_TOO_LONG,
                field=self.search_param,
            )
        terms = super().get_search_terms(request)
        if len(terms) > max_terms:
            raise InvalidInput(
                f"search takes at most {max_terms} terms",
                code=CommonError.SEARCH_TOO_LONG,
                field=self.search_param,
            )
        return terms

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["maxLength"] = settings.SEARCH_MAX_LENGTH
            parameter["description"] = (
                f"{parameter.get('description', '')} At most {settings.SEARCH_MAX_TERMS} "
                f"terms and {settings.SEARCH_MAX_LENGTH} characters."
            ).strip()
        return parameters


# Query parameters every list understands besides its filters.
COMMON_LIST_PARAMS = frozenset({"page", "page_size", "search", "ordering", "format"})
RANGE_SUFFIXES = ("_after", "_before", "_min", "_max", "_0", "_1")


def is_list_request(request: Any, view: Any) -> bool:
    """True for a GET of a list (a ViewSet's `list`, or a list view without a lookup)."""
    if request.method not in ("GET", "HEAD"):
        return False
    action = getattr(view, "action", None)
    if action is not None:
        return action == "list"
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
    return lookup not in getattr(view, "kwargs", {})


def refuse_unknown_params(
    request: Any,
    view: Any,
    filter_names: tuple[str, ...],
    common: frozenset[str] = COMMON_LIST_PARAMS,
) -> None:
    """A 400 `unknown_parameter` naming every query parameter this list does not take.

    Known: pagination, `search`, `ordering` (`common`), the FilterSet's filters (with their
    range suffixes) and the view's own `extra_query_params`.
    """
    known = common | set(filter_names) | set(getattr(view, "extra_query_params", ()))
    unknown = sorted(
        param
        for param in request.query_params
        if param not in known
        and not any(
            param == f"{name}{suffix}" for name in filter_names for suffix in RANGE_SUFFIXES
        )
    )
    if unknown:
        names = ", ".join(unknown)
        accepted = ", ".join(sorted(known))
        raise InvalidInput(
            f"unknown query parameter(s): {names}; this list takes: {accepted}",
            code=CommonError.UNKNOWN_PARAMETER,
            field=unknown[0],
            unknown=unknown,
        )


class StrictOrderingFilter(OrderingFilter):
    """DRF's `ordering=`, answering 400 `invalid_ordering` for a field it cannot order by
    (DRF drops such terms silently)."""

    def remove_invalid_fields(self, queryset: Any, fields: Any, view: Any, request: Any) -> Any:
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        invalid = [term for term in fields if term not in valid]
        if invalid:
            allowed = sorted(
                name for name, _ in self.get_valid_fields(queryset, view, {"request": request})
            )
            raise InvalidInput(
                f"cannot order by {', '.join(invalid)}; order by one of: {', '.join(allowed)} "
                "(prefix - for descending)",
                code=CommonError.INVALID_ORDERING,
                field=self.ordering_param,
            )
        return valid


class FilterSet(django_filters.rest_framework.FilterSet):
    """The base of the filter sets made from a view's `filterset_fields`: a foreign key is
    filtered by id (`IdFilter`), never by "Select a valid choice" among every row of the
    table, which would tell another tenant's object (200, empty) from one that does not
    exist (400). Both are now the same 200 with an empty page."""

    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
    }


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipping the FilterSet (its deep copies and form) when the
    request names none of its filters: with no filter given, the queryset is unchanged anyway.
    On a list it first refuses query parameters the list does not take (400 naming them).
    Filter sets made from `filterset_fields` are built on `FilterSet` above.
    """

    filterset_base = FilterSet

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        names = tuple(filterset_class.base_filters) if filterset_class is not None else ()
        if is_list_request(request, view):
            refuse_unknown_params(request, view, names)
        if filterset_class is None:
            return queryset
        asked = any(
            param == name or param.startswith(f"{name}_")
            for param in request.query_params
            for name in names
        )
        return super().filter_queryset(request, queryset, view) if asked else queryset
