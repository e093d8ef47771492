"""Contracts, their rights, milestones, change orders and test shots; the fee preview."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creators.models import Tier
from marketplace.serializers import HorizonDateTimeField

from ..models import (
    ChangeOrder,
    ChangeOrderKind,
    Contract,
    ContractKind,
    Milestone,
    MilestoneStatus,
    RightsState,
)
from ..rights import rights_window
from ..schema import NamedChoiceField
from .bids import BidSerializer
from .brands import LicenceTermsSerializer
from .briefs import DeliverableSerializer
from .common import MAX_AMOUNT, MAX_ID

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


DEPRECATED_FEE = "deprecated: the same as `platform_fee`; removed in the next release"


class MilestoneSerializer(serializers.ModelSerializer):
    """One stage of a contract with its own money (minor units of the contract's currency)."""

    status = NamedChoiceField(
        enum_name="MilestoneStatusEnum", choices=MilestoneStatus.choices, read_only=True
    )
    platform_fee = serializers.IntegerField(source="fee", read_only=True)
    fee = serializers.IntegerField(
        read_only=True,
        help_text=DEPRECATED_FEE,
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
            "platform_fee",
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
    brand_verified = serializers.BooleanField(source="brand.verified", read_only=True)
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
    platform_fee = serializers.IntegerField(source="fee", read_only=True)
    fee = serializers.IntegerField(
        read_only=True,
        help_text=DEPRECATED_FEE,
    )

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
            "brand_verified",
            "creator",
            "amount",
            "currency",
            "creator_tier",
            "fee_bps",
            "platform_fee",
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
    due_date = HorizonDateTimeField()
    description = serializers.CharField(max_length=5000)
    extension_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=600
    )


class ChangeOrderSerializer(serializers.ModelSerializer):
    currency = serializers.CharField(source="contract.currency", read_only=True)

    class Meta:
        model = ChangeOrder
        fields = [
            "id",
            "contract",
            "kind",
            "amount",
            "currency",
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
    due_date = HorizonDateTimeField()
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
