"""Empty optional text is `null` in answers, and writes take `null` or `""` alike.

An optional text column (a model `CharField`/`TextField`, with or without choices, that has
`blank=True` and `null=False`) keeps `""` in the database; the API answers it as `null`, so a
client tests one thing for "not given" across every resource. A write may send `null` or `""`
for such a field when it takes `""` (clients of the previous release send `""`): both store
`""`. The schema marks these fields `nullable`.

`install()` (from the app's `ready`) makes every `ModelSerializer` give each of its text and
choice fields, generated or declared, this behaviour when the field's source is such a column
of the serializer's model. The list rows built without serializers (`*_list_item`) answer
`None` for the same columns.
"""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers

_classes: dict[type, type] = {}


def _model_field(field: serializers.Field) -> models.Field | None:
    """The model column `field` reads (through forward relations: `user.full_name`)."""
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model = getattr(meta, "model", None)
    if model is None or field.source == "*":
        return None
    *path, name = field.source.split(".")
    try:
        for step in path:
            model = model._meta.get_field(step).related_model
            if model is None:
                return None
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


class BlankAsNullMixin:
    """A field whose source is an optional text column: `""` answers `null`; a write of
    `null` stores `""`."""

    blank_as_null = False

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)  # type: ignore[misc]
        column = _model_field(self)  # type: ignore[arg-type]
        self.blank_as_null = (
            isinstance(column, models.CharField | models.TextField)
            and column.blank
            and not column.null
        )
        if self.blank_as_null and (self.read_only or self._takes_blank()):  # type: ignore[attr-defined]
            self.allow_null = True

    def _takes_blank(self) -> bool:
        return bool(getattr(self, "allow_blank", False))

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None and self.blank_as_null and self._takes_blank():
            return (True, "")
        return super().validate_empty_values(data)  # type: ignore[misc]

    def to_representation(self, value: Any) -> Any:
        if value == "" and self.blank_as_null:
            return None
        return super().to_representation(value)  # type: ignore[misc]


def blank_as_null_class(cls: type) -> type:
    """`cls` (a text or choice field class) with `BlankAsNullMixin` in front."""
    if issubclass(cls, BlankAsNullMixin):
        return cls
    if cls not in _classes:
        _classes[cls] = type(cls.__name__, (BlankAsNullMixin, cls), {"__module__": __name__})
    return _classes[cls]


def install() -> None:
    """Make `ModelSerializer.get_fields` hand out blank-as-null text and choice fields."""
    original = serializers.ModelSerializer.get_fields
    if getattr(original, "blank_as_null", False):
        return

    def get_fields(self: serializers.ModelSerializer) -> dict[str, serializers.Field]:
        fields = original(self)
        for field in fields.values():
            if isinstance(field, serializers.CharField | serializers.ChoiceField):
                field.__class__ = blank_as_null_class(type(field))
        return fields

    get_fields.blank_as_null = True  # type: ignore[attr-defined]
    serializers.ModelSerializer.get_fields = get_fields  # type: ignore[method-assign]
