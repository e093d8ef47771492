"""Empty optional text is `null` in answers, and writes take `null` or `""` alike.

An optional text column (a model `CharField`/`TextField`, with or without choices, that has
`blank=True` and `null=False`) keeps
`""` in the database; the API answers it as `null`, so a client tests one thing for "not given"
across every resource. A write may send `null` or `""` for such a field (clients of the previous
release send `""`): both store `""`. The schema marks these fields `nullable`.

`install()` (from the app's `ready`) maps the model text fields (and choice fields) of every
`ModelSerializer` to the subclasses below; a field the serializer declares keeps its own class,
and the list rows built without serializers (`*_list_item`) answer `None` for the same columns.
"""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers


def _model_field(field: serializers.Field) -> models.Field | None:
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model = getattr(meta, "model", None)
    if model is None or "." in field.source or field.source == "*":
        return None
    try:
        return model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None


class BlankAsNullMixin:
    """A model text field: `""` answers `null`; a write of `null` stores `""`."""

    blank_as_null = False

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        column = _model_field(self)
        self.blank_as_null = (
            isinstance(column, models.CharField | models.TextField)
            and column.blank
            and not column.null
        )
        if self.blank_as_null:
            self.allow_null = True

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None and self.blank_as_null and not self.read_only:
            return (True, "")
        return super().validate_empty_values(data)

    def to_representation(self, value: Any) -> Any:
        if value == "" and self.blank_as_null:
            return None
        return super().to_representation(value)


class BlankAsNull(BlankAsNullMixin, serializers.CharField):
    pass


class BlankAsNullURL(BlankAsNullMixin, serializers.URLField):
    pass


class BlankAsNullEmail(BlankAsNullMixin, serializers.EmailField):
    pass


class BlankAsNullChoice(BlankAsNullMixin, serializers.ChoiceField):
    pass


def install() -> None:
    """Map the model text and choice fields of every ModelSerializer to their blank-as-null
    classes."""
    mapping = serializers.ModelSerializer.serializer_field_mapping
    mapping[models.CharField] = BlankAsNull
    mapping[models.TextField] = BlankAsNull
    mapping[models.URLField] = BlankAsNullURL
    mapping[models.EmailField] = BlankAsNullEmail
    serializers.ModelSerializer.serializer_choice_field = BlankAsNullChoice
