"""Input and output shapes for brands, IP, briefs, invitations, bids and contracts.

Input serializers check the shape of each field; the services check the rules that span fields
or rows. Output serializers read only what the selectors loaded for the page.
"""

from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creators.models import Reel, Tier
from marketplace.serializers import HttpsURLField, ModelNameListField, SlugListField

from . import pricing
from .generation_cost import below_cost_warnings, estimate_generation_cost
from .models import (
    DELIVERABLE_COUNT_RANGE,
    DELIVERABLE_DURATION_RANGE,
    MAX_DELIVERABLE_ITEMS,
    AspectRatio,
    Bid,
    Brand,
    BrandMembership,
    Brief,
    Contract,
    Invitation,
    IPAsset,
    MemberRole,
    VideoResolution,
    Visibility,
)
from .schema import NamedChoiceField

MAX_AMOUNT = 10**12
MAX_ID = 2**63 - 1  # ids beyond the bigint range cannot exist (and crash the SQLite driver)


class TerritoryListField(serializers.ListField):
    """ISO 3166-1 alpha-2 country codes (WW for worldwide), upper-cased and deduplicated."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "child",
            serializers.RegexField(
                r"^[A-Za-z]{2}$", error_messages={"invalid": "must be a 2-letter country code"}
            ),
        )
        kwargs.setdefault("max_length", 250)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        return list(dict.fromkeys(code.upper() for code in super().to_internal_value(data)))


def _check_currency(value: str) -> str:
    value = value.upper()
    if value not in settings.CURRENCIES:
        raise serializers.ValidationError(f"must be one of {', '.join(settings.CURRENCIES)}")
    return value


# Brands and IP ----------------------------------------------------------------------------


class BrandSerializer(serializers.ModelSerializer):
    """A brand; `my_role` is the caller's role in it (annotated by the selector)."""

    my_role = NamedChoiceField(
        enum_name="MemberRoleEnum", choices=MemberRole.choices, read_only=True, allow_null=True
    )
    website = serializers.URLField(max_length=300, required=False, allow_blank=True)

    class Meta:
        model = Brand
        fields = ["id", "name", "slug", "website", "description", "verified", "my_role"]
        read_only_fields = ["id", "slug", "verified", "my_role"]


class MemberSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    role = NamedChoiceField(enum_name="MemberRoleEnum", choices=MemberRole.choices, read_only=True)

    class Meta:
        model = BrandMembership
        fields = ["id", "user_id", "email", "full_name", "role", "created_at"]
        read_only_fields = fields


class MemberAddSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = NamedChoiceField(
        enum_name="MemberRoleEnum", choices=MemberRole.choices, default=MemberRole.MANAGER
    )


class LicenceTermsSerializer(serializers.Serializer):
    """Usage rights or licence terms: exclusivity, territories, term in months, channels."""

    exclusive = serializers.BooleanField(required=False)
    territories = TerritoryListField()
    term_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=1200
    )
    channels = SlugListField(max_length=20)


class IPAssetSerializer(serializers.ModelSerializer):
    """An IP asset with its default licence terms; `brand` is set on create only."""

    brand = serializers.PrimaryKeyRelatedField(queryset=Brand.objects.all())
    brand_name = serializers.CharField(source="brand.name", read_only=True)
    territories = TerritoryListField()
    channels = SlugListField(max_length=20)
    term_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=1200
    )
    reference_links = serializers.ListField(child=HttpsURLField(), max_length=20, required=False)

    class Meta:
        model = IPAsset
        fields = [
            "id",
            "brand",
            "brand_name",
            "name",
            "description",
            "exclusive",
            "territories",
            "term_months",
            "channels",
            "reference_links",
            "created_at",
        ]
        read_only_fields = ["id", "brand_name", "created_at"]


class IPAssetUpdateSerializer(IPAssetSerializer):
    brand = serializers.PrimaryKeyRelatedField(read_only=True)


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

    brand = serializers.PrimaryKeyRelatedField(queryset=Brand.objects.all(), required=False)
    ip = serializers.PrimaryKeyRelatedField(
        queryset=IPAsset.objects.all(), required=False, allow_null=True
    )
    title = serializers.CharField(max_length=150)
    description = serializers.CharField(max_length=10000)
    tags = SlugListField()
    preferred_models = ModelNameListField(max_length=10)
    languages = SlugListField(max_length=10)
    deliverables = DeliverableSerializer(
        many=True, allow_empty=False, max_length=MAX_DELIVERABLE_ITEMS
    )
    budget_min = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    budget_max = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    currency = serializers.CharField(max_length=3)
    bid_deadline = serializers.DateTimeField()
    delivery_deadline = serializers.DateTimeField()
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    min_tier = NamedChoiceField(enum_name="TierEnum", choices=Tier.choices, required=False)
    slots = serializers.IntegerField(min_value=1, max_value=100, required=False)
    usage_rights = LicenceTermsSerializer(
        required=False, help_text="defaults to the IP's licence terms"
    )

    def validate_currency(self, value: str) -> str:
        return _check_currency(value)


class BriefUpdateSerializer(BriefWriteSerializer):
    """Changes to a draft or rejected brief; the brand cannot change."""

    brand = None  # type: ignore[assignment]


class BriefUsageRightsSerializer(serializers.Serializer):
    exclusive = serializers.BooleanField(source="usage_exclusive")
    territories = serializers.ListField(child=serializers.CharField(), source="usage_territories")
    term_months = serializers.IntegerField(source="usage_term_months", allow_null=True)
    channels = serializers.ListField(child=serializers.CharField(), source="usage_channels")


class GenerationCostSerializer(serializers.Serializer):
    model = serializers.CharField()
    currency = serializers.CharField()
    amount = serializers.IntegerField()


class BriefSerializer(serializers.ModelSerializer):
    """A brief as read; `brand` and `ip` are loaded with it by the selector."""

    brand_name = serializers.CharField(source="brand.name", read_only=True)
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
            "ip",
            "ip_name",
            "title",
            "description",
            "tags",
            "preferred_models",
            "languages",
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
            "status",
            "rejection_reason",
            "submitted_at",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(GenerationCostSerializer(many=True))
    def get_generation_cost(self, brief: Brief) -> list[dict]:
        return list(estimate_generation_cost(brief))


def _when(value, tz):  # type: ignore[no-untyped-def]
    """A datetime as DRF's DateTimeField writes it: in time zone `tz` (the current one),
    UTC as `Z`."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


DELIVERABLE_KEYS = ("count", "duration_s", "aspect_ratio", "resolution")


def brief_list_item(row: dict) -> dict:
    """One row of `selectors.brief_rows` in `BriefSerializer`'s shape (same keys, order and
    formats; tests hold the two equal), without building model objects per row."""
    tz = timezone.get_current_timezone()
    return {
        "id": row["id"],
        "brand": row["brand_id"],
        "brand_name": row["brand_name"],
        "ip": row["ip_id"],
        "ip_name": row["ip_name"],
        "title": row["title"],
        "description": row["description"],
        "tags": row["tags"],
        "preferred_models": row["preferred_models"],
        "languages": row["languages"],
        "deliverables": [
            {key: item.get(key) for key in DELIVERABLE_KEYS} for item in row["deliverables"]
        ],
        "total_seconds": row["total_seconds"],
        "generation_cost": estimate_generation_cost(SimpleNamespace(**row)),
        "budget_min": row["budget_min"],
        "budget_max": row["budget_max"],
        "currency": row["currency"],
        "bid_deadline": _when(row["bid_deadline"], tz),
        "delivery_deadline": _when(row["delivery_deadline"], tz),
        "visibility": row["visibility"],
        "min_tier": row["min_tier"],
        "slots": row["slots"],
        "usage_rights": {
            "exclusive": row["usage_exclusive"],
            "territories": row["usage_territories"],
            "term_months": row["usage_term_months"],
            "channels": row["usage_channels"],
        },
        "status": row["status"],
        "rejection_reason": row["rejection_reason"],
        "submitted_at": _when(row["submitted_at"], tz),
        "approved_at": _when(row["approved_at"], tz),
        "created_at": _when(row["created_at"], tz),
        "updated_at": _when(row["updated_at"], tz),
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


# Bids -------------------------------------------------------------------------------------


class BidCreateSerializer(serializers.Serializer):
    """A bid: the amount in minor units of the brief's currency, and the creator's own reels."""

    amount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    currency = serializers.CharField(
        max_length=3, required=False, help_text="must be the brief's currency when given"
    )
    pitch = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    delivery_days = serializers.IntegerField(
        min_value=1, max_value=365, required=False, allow_null=True
    )
    sample_reels = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=10,
        required=False,
        help_text="ids of your own approved reels",
    )


class SampleReelSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="video.model", read_only=True)
    video_url = serializers.URLField(source="video.video_url", read_only=True)
    thumbnail_url = serializers.URLField(source="video.thumbnail_url", read_only=True)

    class Meta:
        model = Reel
        fields = ["id", "title", "model", "video_url", "thumbnail_url"]
        read_only_fields = fields


def _fee_parts(bid: Bid) -> tuple[str, int, int, int]:
    """(tier, bps, fee, net): the contract's snapshot once accepted, else the creator's tier."""
    contract = getattr(bid, "contract", None)
    if contract is not None:
        return contract.creator_tier, contract.fee_bps, contract.fee, contract.creator_net
    tier = bid.creator.tier
    fee = pricing.platform_fee(bid.amount, tier)
    return tier, pricing.fee_bps(tier), fee, bid.amount - fee


class BidSerializer(serializers.ModelSerializer):
    """A bid with the platform fee and the creator's net for the creator's tier.

    The selector loads the brief, creator, contract and sample reels for the whole page.
    """

    brief_title = serializers.CharField(source="brief.title", read_only=True)
    creator = serializers.CharField(source="creator.handle", read_only=True)
    creator_tier = serializers.SerializerMethodField(
        help_text="the tier the fee is computed for: the contract's once accepted"
    )
    fee_bps = serializers.SerializerMethodField()
    platform_fee = serializers.SerializerMethodField()
    creator_net = serializers.SerializerMethodField()
    sample_reels = SampleReelSerializer(many=True, read_only=True)
    contract = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField(
        help_text="things the creator should know, such as an amount below the estimated "
        "generation cost; the bid stands"
    )

    class Meta:
        model = Bid
        fields = [
            "id",
            "brief",
            "brief_title",
            "creator",
            "creator_tier",
            "amount",
            "currency",
            "fee_bps",
            "platform_fee",
            "creator_net",
            "pitch",
            "delivery_days",
            "sample_reels",
            "status",
            "contract",
            "warnings",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_warnings(self, bid: Bid) -> list[str]:
        return below_cost_warnings(bid.brief, bid.amount)

    @extend_schema_field(NamedChoiceField(enum_name="TierEnum", choices=Tier.choices))
    def get_creator_tier(self, bid: Bid) -> str:
        return _fee_parts(bid)[0]

    def get_fee_bps(self, bid: Bid) -> int:
        return _fee_parts(bid)[1]

    def get_platform_fee(self, bid: Bid) -> int:
        return _fee_parts(bid)[2]

    def get_creator_net(self, bid: Bid) -> int:
        return _fee_parts(bid)[3]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_contract(self, bid: Bid) -> int | None:
        contract = getattr(bid, "contract", None)
        return contract.pk if contract is not None else None


# Contracts --------------------------------------------------------------------------------


class ContractSerializer(serializers.ModelSerializer):
    """A contract and its snapshot of the agreed terms."""

    brief_title = serializers.CharField(source="brief.title", read_only=True)
    brand_name = serializers.CharField(source="brand.name", read_only=True)
    creator = serializers.CharField(source="creator.handle", read_only=True)
    deliverables = DeliverableSerializer(many=True, read_only=True)
    usage_rights = LicenceTermsSerializer(read_only=True)
    creator_tier = NamedChoiceField(enum_name="TierEnum", choices=Tier.choices, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "bid",
            "brief",
            "brief_title",
            "brand",
            "brand_name",
            "creator",
            "amount",
            "currency",
            "creator_tier",
            "fee_bps",
            "fee",
            "creator_net",
            "deliverables",
            "delivery_deadline",
            "usage_rights",
            "status",
            "max_revisions",
            "revisions_used",
            "funded_at",
            "delivered_at",
            "approved_at",
            "paid_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class BidAcceptSerializer(serializers.Serializer):
    """What accepting a bid answers: the accepted bid and the contract it created."""

    bid = BidSerializer()
    contract = ContractSerializer()
