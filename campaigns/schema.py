"""OpenAPI pieces the campaign views share: named choice sets, path parameters, fake views.

drf-spectacular names an enum after the field that carries it, and warns when one choice set
gets several names (`tier`, `min_tier`, `creator_tier`) or one name several choice sets
(`role`, `resolution`). A `NamedChoiceField` is documented as one named component instead.
"""

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_field
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class NamedChoiceField(serializers.ChoiceField):
    """A ChoiceField whose choices are the shared schema component `enum_name`."""

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        field: NamedChoiceField = self.target
        schema = build_choice_field(field)
        enum_schema: dict[str, Any] = {
            "enum": [choice for choice in schema["enum"] if choice not in ("", None)],
        }
        for key in ("type", "description"):
            if key in schema:
                enum_schema[key] = schema[key]
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            schema=enum_schema,
            object=field.enum_name,
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


def schema_generation(view: Any) -> bool:
    """True while drf-spectacular inspects the view (no request user or URL kwargs)."""
    return getattr(view, "swagger_fake_view", False)


# Path parameters the campaign viewsets share.
BRIEF_ID = OpenApiParameter("brief_id", OpenApiTypes.INT, OpenApiParameter.PATH)
BRAND_ID = OpenApiParameter("brand_id", OpenApiTypes.INT, OpenApiParameter.PATH)
USER_ID = OpenApiParameter("user_id", OpenApiTypes.INT, OpenApiParameter.PATH)
