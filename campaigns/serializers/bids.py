"""Bids: what a creator proposes, and how a brand and the creator see it."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creators.models import Reel, Tier
from marketplace.serializers import BoundedListField, HorizonDateTimeField

from .. import pricing
from ..generation_cost import below_cost_warnings
from ..models import (
    Bid,
)
from ..schema import NamedChoiceField
from .common import MAX_AMOUNT, MAX_ID

# Bids -------------------------------------------------------------------------------------


class BidMilestoneSerializer(serializers.Serializer):
    """One proposed stage of a bid: due by the brief's delivery deadline."""

    title = serializers.CharField(max_length=150)
    amount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    due_date = HorizonDateTimeField()


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
    sample_reels = BoundedListField(
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
