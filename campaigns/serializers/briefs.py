"""Briefs (input, output and the list rows) and invitations to them."""

from datetime import tzinfo
from types import SimpleNamespace

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creators.models import Tier
from marketplace.serializers import (
    BoundedListField,
    ModelNameListField,
    ScopedPrimaryKeyRelatedField,
    SlugListField,
    datetime_text,
)

from .. import selectors
from ..generation_cost import estimate_generation_cost
from ..models import (
    DELIVERABLE_COUNT_RANGE,
    DELIVERABLE_DURATION_RANGE,
    MAX_DELIVERABLE_ITEMS,
    REQUIRED_CHOICES,
    REQUIRED_DEFAULT,
    AspectRatio,
    Brief,
    Invitation,
    VideoResolution,
    Visibility,
)
from ..schema import NamedChoiceField
from .brands import LicenceTermsSerializer
from .common import MAX_AMOUNT, check_currency

# Briefs -----------------------------------------------------------------------------------


class DeliverableSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        min_value=DELIVERABLE_COUNT_RANGE[0], max_value=DELIVERABLE_COUNT_RANGE[1]
    )
    duration_s = serializers.IntegerField(
        min_value=DELIVERABLE_DURATION_RANGE[0], max_value=DELIVERABLE_DURATION_RANGE[1]
    )
    aspect_ratio = NamedChoiceField(enum_name="AspectRatioEnum", choices=AspectRatio.choices)
    resolution = NamedChoiceField(enum_name="VideoResolutionEnum", choices=VideoResolution.choices)


class BriefWriteSerializer(serializers.Serializer):
    """A new brief. `brand` may be left out by a user who belongs to exactly one brand."""

    # Ids of other tenants' brands and IPs answer like ids that do not exist.
    brand = ScopedPrimaryKeyRelatedField(scope=selectors.brands_of_member, required=False)
    ip = ScopedPrimaryKeyRelatedField(
        scope=selectors.ips_of_member, required=False, allow_null=True
    )
    title = serializers.CharField(max_length=150)
    description = serializers.CharField(max_length=10000)
    tags = SlugListField()
    preferred_models = ModelNameListField(max_length=10)
    languages = SlugListField(max_length=10)
    required = serializers.ListField(
        child=serializers.ChoiceField(choices=list(REQUIRED_CHOICES)),
        max_length=len(REQUIRED_CHOICES),
        allow_null=True,
        required=False,
        help_text="which of languages, formats and models matching treats as hard constraints "
        "(a creator missing one ranks below every creator meeting it); null or absent: none",
    )
    deliverables = DeliverableSerializer(
        many=True, allow_empty=False, max_length=MAX_DELIVERABLE_ITEMS
    )
    budget_min = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    budget_max = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    currency = serializers.CharField(max_length=3)
    bid_deadline = serializers.DateTimeField(
        help_text="in the future, at most DEADLINE_HORIZON_DAYS (730) days ahead"
    )
    delivery_deadline = serializers.DateTimeField(
        help_text="after the bid deadline, at most DEADLINE_HORIZON_DAYS (730) days ahead"
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    min_tier = NamedChoiceField(enum_name="TierEnum", choices=Tier.choices, required=False)
    slots = serializers.IntegerField(min_value=1, max_value=100, required=False)
    usage_rights = LicenceTermsSerializer(
        required=False, help_text="defaults to the IP's licence terms"
    )
    commercial_licence_required = serializers.BooleanField(
        required=False,
        help_text="refuse delivered videos whose generator plan forbids commercial use "
        "(default true)",
    )

    def validate_currency(self, value: str) -> str:
        return check_currency(value)


class BriefUpdateSerializer(BriefWriteSerializer):
    """Changes to a draft or rejected brief; the brand cannot change."""

    brand = None  # type: ignore[assignment]


class BriefUsageRightsSerializer(serializers.Serializer):
    exclusive = serializers.BooleanField(source="usage_exclusive")
    territories = BoundedListField(
        child=serializers.CharField(max_length=2), source="usage_territories", max_length=250
    )
    term_months = serializers.IntegerField(source="usage_term_months", allow_null=True)
    channels = BoundedListField(
        child=serializers.CharField(max_length=50), source="usage_channels", max_length=20
    )
    perpetual = serializers.BooleanField(source="usage_perpetual")


class GenerationCostSerializer(serializers.Serializer):
    model = serializers.CharField()
    currency = serializers.CharField()
    amount = serializers.IntegerField()


class BriefSerializer(serializers.ModelSerializer):
    """A brief as read; `brand` and `ip` are loaded with it by the selector."""

    brand_name = serializers.CharField(source="brand.name", read_only=True)
    brand_verified = serializers.BooleanField(
        source="brand.verified", read_only=True, help_text="staff verified the brand"
    )
    ip_name = serializers.CharField(source="ip.name", read_only=True, allow_null=True)
    deliverables = DeliverableSerializer(many=True, read_only=True)
    usage_rights = BriefUsageRightsSerializer(source="*", read_only=True)
    min_tier = NamedChoiceField(enum_name="TierEnum", choices=Tier.choices, read_only=True)
    generation_cost = serializers.SerializerMethodField(
        help_text="estimated cost of generating the deliverables with each preferred model "
        "(price per second × total seconds × expected rerolls), minor units of the currency"
    )

    class Meta:
        model = Brief
        fields = [
            "id",
            "brand",
            "brand_name",
            "brand_verified",
            "ip",
            "ip_name",
            "title",
            "description",
            "tags",
            "preferred_models",
            "languages",
            "required",
            "deliverables",
            "total_seconds",
            "generation_cost",
            "budget_min",
            "budget_max",
            "currency",
            "bid_deadline",
            "delivery_deadline",
            "visibility",
            "min_tier",
            "slots",
            "usage_rights",
            "commercial_licence_required",
            "status",
            "rejection_reason",
            "submitted_at",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    required = serializers.SerializerMethodField(
        help_text="the hard matching constraints in force (the default when the brief set none)"
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_required(self, brief: Brief) -> list[str]:
        return required_in_force(brief.required)

    @extend_schema_field(GenerationCostSerializer(many=True))
    def get_generation_cost(self, brief: Brief) -> list[dict]:
        return list(estimate_generation_cost(brief))


DELIVERABLE_KEYS = ("count", "duration_s", "aspect_ratio", "resolution")


def required_in_force(required: list[str] | None) -> list[str]:
    """The brief's hard matching constraints, or the default when it set none."""
    return list(REQUIRED_DEFAULT) if required is None else list(required)


def _generation_cost(row: dict, costs: dict | None) -> list[dict]:
    """The estimate of a listed brief; `costs` keeps them per page, where briefs repeat the
    same models, seconds and currency (each item a fresh copy)."""
    if costs is None:
        return list(estimate_generation_cost(SimpleNamespace(**row)))
    key = (tuple(row["preferred_models"] or ()), row["total_seconds"], row["currency"])
    if key not in costs:
        costs[key] = estimate_generation_cost(SimpleNamespace(**row))
    return [dict(item) for item in costs[key]]


def brief_list_item(row: dict, tz: tzinfo | None = None, costs: dict | None = None) -> dict:
    """One row of `selectors.brief_rows` in `BriefSerializer`'s shape (same keys, order and
    formats; tests hold the two equal), without building model objects per row."""
    tz = tz or timezone.get_current_timezone()
    return {
        "id": row["id"],
        "brand": row["brand_id"],
        "brand_name": row["brand_name"],
        "brand_verified": row["brand_verified"],
        "ip": row["ip_id"],
        "ip_name": row["ip_name"],
        "title": row["title"],
        "description": row["description"],
        "tags": row["tags"],
        "preferred_models": row["preferred_models"],
        "languages": row["languages"],
        "required": required_in_force(row["required"]),
        "deliverables": [
            {key: item.get(key) for key in DELIVERABLE_KEYS} for item in row["deliverables"]
        ],
        "total_seconds": row["total_seconds"],
        "generation_cost": _generation_cost(row, costs),
        "budget_min": row["budget_min"],
        "budget_max": row["budget_max"],
        "currency": row["currency"],
        "bid_deadline": datetime_text(row["bid_deadline"], tz),
        "delivery_deadline": datetime_text(row["delivery_deadline"], tz),
        "visibility": row["visibility"],
        "min_tier": row["min_tier"],
        "slots": row["slots"],
        "usage_rights": {
            "exclusive": row["usage_exclusive"],
            "territories": row["usage_territories"],
            "term_months": row["usage_term_months"],
            "channels": row["usage_channels"],
            "perpetual": row["usage_perpetual"],
        },
        "commercial_licence_required": row["commercial_licence_required"],
        "status": row["status"],
        "rejection_reason": row["rejection_reason"] or None,
        "submitted_at": datetime_text(row["submitted_at"], tz),
        "approved_at": datetime_text(row["approved_at"], tz),
        "created_at": datetime_text(row["created_at"], tz),
        "updated_at": datetime_text(row["updated_at"], tz),
    }


class RejectionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


# Invitations ------------------------------------------------------------------------------


class InvitationCreateSerializer(serializers.Serializer):
    handle = serializers.CharField(max_length=41)
    message = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class InvitationSerializer(serializers.ModelSerializer):
    brief_title = serializers.CharField(source="brief.title", read_only=True)
    creator = serializers.CharField(source="creator.handle", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "brief", "brief_title", "creator", "message", "status", "created_at"]
        read_only_fields = fields
