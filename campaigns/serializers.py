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
from marketplace.countries import is_territory
from marketplace.serializers import (
    HttpsURLField,
    ModelNameListField,
    ScopedPrimaryKeyRelatedField,
    SlugListField,
)

from . import pricing, selectors
from .generation_cost import below_cost_warnings, estimate_generation_cost
from .models import (
    DELIVERABLE_COUNT_RANGE,
    DELIVERABLE_DURATION_RANGE,
    MAX_DELIVERABLE_ITEMS,
    MAX_TERM_MONTHS,
    USAGE_CHANNELS,
    AspectRatio,
    Bid,
    Brand,
    BrandMembership,
    Brief,
    ChangeOrder,
    ChangeOrderKind,
    Contract,
    ContractKind,
    Invitation,
    IPAsset,
    IPHolding,
    MemberInvitation,
    MemberInvitationStatus,
    MemberRole,
    Milestone,
    MilestoneStatus,
    RightsState,
    VideoResolution,
    Visibility,
)
from .rights import rights_window
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
        codes = list(dict.fromkeys(code.upper() for code in super().to_internal_value(data)))
        unknown = [code for code in codes if not is_territory(code)]
        if unknown:
            raise serializers.ValidationError(
                f"{', '.join(unknown)}: not an ISO 3166-1 alpha-2 country code or WW"
            )
        return codes


class ChannelListField(SlugListField):
    """Channel slugs from the fixed list (social, tiktok, youtube, tv, ...)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", f"any of: {', '.join(USAGE_CHANNELS)}")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        channels = super().to_internal_value(data)
        unknown = [c for c in channels if c not in USAGE_CHANNELS]
        if unknown:
            raise serializers.ValidationError(
                f"{', '.join(unknown)}: channels must be among {', '.join(USAGE_CHANNELS)}"
            )
        return channels


def _term_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_TERM_MONTHS, **kwargs
    )


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


class MemberInvitationSerializer(serializers.ModelSerializer):
    """A membership invitation as its brand sees it: the address the owner typed, no account."""

    role = NamedChoiceField(enum_name="MemberRoleEnum", choices=MemberRole.choices, read_only=True)
    status = NamedChoiceField(
        enum_name="MemberInvitationStatusEnum",
        choices=MemberInvitationStatus.choices,
        read_only=True,
    )

    class Meta:
        model = MemberInvitation
        fields = ["id", "brand", "email", "role", "status", "created_at", "responded_at"]
        read_only_fields = fields


class ReceivedMemberInvitationSerializer(MemberInvitationSerializer):
    """A membership invitation as its invitee sees it: which brand, which role, from whom."""

    brand_name = serializers.CharField(source="brand.name", read_only=True)
    invited_by_name = serializers.SerializerMethodField()

    class Meta(MemberInvitationSerializer.Meta):
        fields = [*MemberInvitationSerializer.Meta.fields, "brand_name", "invited_by_name"]
        read_only_fields = fields

    def get_invited_by_name(self, invitation: MemberInvitation) -> str:
        inviter = invitation.invited_by
        return (inviter.full_name or inviter.email) if inviter else ""


class LicenceTermsSerializer(serializers.Serializer):
    """Usage rights: exclusivity, territories, a term of 1–120 months or an explicit
    `perpetual`, channels."""

    exclusive = serializers.BooleanField(required=False)
    territories = TerritoryListField()
    term_months = _term_field(help_text="1–120; left out, the IP's or the default term")
    channels = ChannelListField()
    perpetual = serializers.BooleanField(
        required=False, help_text="true only for a perpetual grant (then no term_months)"
    )


class IPAssetSerializer(serializers.ModelSerializer):
    """An IP asset with its default licence terms; `brand` is set on create only."""

    # One answer for a brand that does not exist and one you are not a member of.
    brand = ScopedPrimaryKeyRelatedField(scope=selectors.brands_of_member)
    brand_name = serializers.CharField(source="brand.name", read_only=True)
    territories = TerritoryListField(help_text="ISO 3166-1 alpha-2 codes or WW; empty: no bound")
    channels = ChannelListField()
    term_months = _term_field()
    reference_links = serializers.ListField(child=HttpsURLField(), max_length=20, required=False)
    held = NamedChoiceField(enum_name="IPHoldingEnum", choices=IPHolding.choices, required=False)

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
            "held",
            "licence_start",
            "licence_end",
            "exclusivity_allowed",
            "ai_generation_allowed",
            "likeness",
            "likeness_consent",
            "likeness_consent_expires",
            "created_at",
        ]
        read_only_fields = ["id", "brand_name", "created_at"]

    def validate(self, attrs: dict) -> dict:
        start = attrs.get("licence_start", getattr(self.instance, "licence_start", None))
        end = attrs.get("licence_end", getattr(self.instance, "licence_end", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"licence_end": [f"must not be before the licence start {start.isoformat()}"]}
            )
        return attrs


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
        return _check_currency(value)


class BriefUpdateSerializer(BriefWriteSerializer):
    """Changes to a draft or rejected brief; the brand cannot change."""

    brand = None  # type: ignore[assignment]


class BriefUsageRightsSerializer(serializers.Serializer):
    exclusive = serializers.BooleanField(source="usage_exclusive")
    territories = serializers.ListField(child=serializers.CharField(), source="usage_territories")
    term_months = serializers.IntegerField(source="usage_term_months", allow_null=True)
    channels = serializers.ListField(child=serializers.CharField(), source="usage_channels")
    perpetual = serializers.BooleanField(source="usage_perpetual")


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
            "commercial_licence_required",
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
            "perpetual": row["usage_perpetual"],
        },
        "commercial_licence_required": row["commercial_licence_required"],
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


class BidMilestoneSerializer(serializers.Serializer):
    """One proposed stage of a bid: due by the brief's delivery deadline."""

    title = serializers.CharField(max_length=150)
    amount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    due_date = serializers.DateTimeField()


class BidCreateSerializer(serializers.Serializer):
    """A bid: the amount in minor units of the brief's currency, and the creator's own reels;
    optionally up to 20 milestones whose amounts sum to it (else one milestone holds it all)."""

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
    milestones = BidMilestoneSerializer(
        many=True,
        required=False,
        help_text="stages of the work: titles, amounts summing to the bid, due dates by the "
        "brief's delivery deadline; at most 20",
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
            "milestones",
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


class RightsWindowSerializer(serializers.Serializer):
    """A contract's usage window, computed from its dates at the time of the request."""

    state = NamedChoiceField(enum_name="RightsStateEnum", choices=RightsState.choices)
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    not_before = serializers.DateTimeField(
        allow_null=True, help_text="the window starts no earlier (the IP licence's start)"
    )
    term_months = serializers.IntegerField(allow_null=True)
    perpetual = serializers.BooleanField()
    days_left = serializers.IntegerField(allow_null=True)


class IPChainSerializer(serializers.Serializer):
    """The rights chain of the contract's IP as it stood at acceptance (empty: no IP)."""

    ip = serializers.IntegerField(required=False)
    name = serializers.CharField(required=False)
    held = serializers.CharField(required=False)
    licence_start = serializers.DateField(required=False, allow_null=True)
    licence_end = serializers.DateField(required=False, allow_null=True)
    territories = serializers.ListField(child=serializers.CharField(), required=False)
    channels = serializers.ListField(child=serializers.CharField(), required=False)
    exclusivity_allowed = serializers.BooleanField(required=False)
    ai_generation_allowed = serializers.BooleanField(required=False)
    likeness = serializers.BooleanField(required=False)
    likeness_consent = serializers.BooleanField(required=False)
    likeness_consent_expires = serializers.DateField(required=False, allow_null=True)


class MilestoneSerializer(serializers.ModelSerializer):
    """One stage of a contract with its own money (minor units of the contract's currency)."""

    status = NamedChoiceField(
        enum_name="MilestoneStatusEnum", choices=MilestoneStatus.choices, read_only=True
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "contract",
            "position",
            "title",
            "description",
            "amount",
            "currency",
            "fee",
            "creator_net",
            "due_date",
            "requires_delivery",
            "status",
            "max_revisions",
            "revisions_used",
            "refund_requested_by_brand",
            "refund_requested_by_creator",
            "funded_at",
            "delivered_at",
            "approved_at",
            "paid_at",
            "created_at",
        ]
        read_only_fields = fields


class ContractSerializer(serializers.ModelSerializer):
    """A contract, its snapshot of the agreed terms, the rights chain and usage window, and its
    milestones (the selector prefetches them for the page)."""

    brief_title = serializers.CharField(source="brief.title", read_only=True)
    brand_name = serializers.CharField(source="brand.name", read_only=True)
    creator = serializers.CharField(source="creator.handle", read_only=True)
    deliverables = DeliverableSerializer(many=True, read_only=True)
    usage_rights = LicenceTermsSerializer(read_only=True)
    creator_tier = NamedChoiceField(enum_name="TierEnum", choices=Tier.choices, read_only=True)
    rights = serializers.SerializerMethodField(help_text="the usage window, computed now")
    ip_chain = serializers.SerializerMethodField(
        help_text="the IP's rights chain at acceptance; {} when the brief named no IP"
    )
    kind = NamedChoiceField(
        enum_name="ContractKindEnum", choices=ContractKind.choices, read_only=True
    )
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "kind",
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
            "ip_chain",
            "rights",
            "status",
            "max_revisions",
            "revisions_used",
            "funded_at",
            "delivered_at",
            "approved_at",
            "paid_at",
            "milestones",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(IPChainSerializer)
    def get_ip_chain(self, contract: Contract) -> dict:
        return dict(contract.ip_chain or {})

    @extend_schema_field(RightsWindowSerializer)
    def get_rights(self, contract: Contract) -> dict:
        return RightsWindowSerializer(rights_window(contract, now=timezone.now())).data


class ContractRightsSerializer(serializers.ModelSerializer):
    """`GET /contracts/{id}/rights/`: the usage window, the usage rights, the rights chain."""

    window = serializers.SerializerMethodField()
    usage_rights = LicenceTermsSerializer(read_only=True)
    ip_chain = serializers.SerializerMethodField(
        help_text="the IP's rights chain at acceptance; {} when the brief named no IP"
    )

    class Meta:
        model = Contract
        fields = ["id", "window", "usage_rights", "ip_chain"]
        read_only_fields = fields

    @extend_schema_field(IPChainSerializer)
    def get_ip_chain(self, contract: Contract) -> dict:
        return dict(contract.ip_chain or {})

    @extend_schema_field(RightsWindowSerializer)
    def get_window(self, contract: Contract) -> dict:
        return RightsWindowSerializer(rights_window(contract, now=timezone.now())).data


class ChangeOrderCreateSerializer(serializers.Serializer):
    """A proposed extra milestone; a rights extension names the months it adds."""

    kind = NamedChoiceField(enum_name="ChangeOrderKindEnum", choices=ChangeOrderKind.choices)
    amount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    due_date = serializers.DateTimeField()
    description = serializers.CharField(max_length=5000)
    extension_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=600
    )


class ChangeOrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChangeOrder
        fields = [
            "id",
            "contract",
            "kind",
            "amount",
            "due_date",
            "description",
            "extension_months",
            "proposer_side",
            "status",
            "milestone",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class TestShotCreateSerializer(serializers.Serializer):
    """A paid test offered to the creator of a live bid on the brief."""

    bid = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    fee = serializers.IntegerField(
        min_value=1,
        max_value=MAX_AMOUNT,
        help_text="minor units of the brief's currency; at least the generation-cost estimate",
    )
    deliverable = DeliverableSerializer()
    due_date = serializers.DateTimeField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class BidAcceptSerializer(serializers.Serializer):
    """What accepting a bid answers: the accepted bid and the contract it created."""

    bid = BidSerializer()
    contract = ContractSerializer()


# Fee preview -------------------------------------------------------------------------------


class FeePreviewQuerySerializer(serializers.Serializer):
    amount = serializers.IntegerField(
        min_value=1, max_value=MAX_AMOUNT, help_text="the bid amount in minor units"
    )
    currency = serializers.CharField(
        max_length=3, required=False, help_text="the brief's currency (the default)"
    )


class FeePreviewSerializer(serializers.Serializer):
    """The figures a bid of this amount would carry, before it is made."""

    amount = serializers.IntegerField()
    currency = serializers.CharField()
    creator_tier = NamedChoiceField(enum_name="TierEnum", choices=Tier.choices)
    fee_bps = serializers.IntegerField()
    fee_rate = serializers.CharField(help_text='the fee as a percentage, such as "15.00%"')
    platform_fee = serializers.IntegerField()
    creator_net = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())
