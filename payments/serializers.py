"""Input and output shapes for payments and the contract's money actions."""

from rest_framework import serializers

from campaigns.models import Delivery, Resolution
from creators.models import Review
from creators.serializers import VideoSerializer

from .models import Payment, PayoutAccount, Transfer


class PayoutAccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = PayoutAccount
        fields = [
            "stripe_account_id",
            "charges_enabled",
            "payouts_enabled",
            "details_submitted",
            "updated_at",
        ]
        read_only_fields = fields


class OnboardingSerializer(serializers.Serializer):
    account = PayoutAccountSerializer()
    url = serializers.URLField(help_text="Stripe's onboarding page; send the creator there")


class FundSerializer(serializers.Serializer):
    payment_method = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="test mode only: a test payment method such as pm_card_visa, confirmed at once",
    )


class ContractFundSerializer(FundSerializer):
    milestones = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        allow_empty=False,
        max_length=100,
        help_text="ids of the contract's milestones to fund with one charge (required when the "
        "contract has several)",
    )


class PaymentSerializer(serializers.ModelSerializer):
    milestones = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "milestones",
            "stripe_payment_intent_id",
            "client_secret",
            "amount",
            "currency",
            "status",
            "last_error",
            "succeeded_at",
        ]
        read_only_fields = fields


class FundResponseSerializer(serializers.Serializer):
    contract_status = serializers.CharField()
    payment = PaymentSerializer()


class MilestoneFundResponseSerializer(serializers.Serializer):
    contract_status = serializers.CharField()
    milestone_status = serializers.CharField()
    payment = PaymentSerializer()


class DeliveryCreateSerializer(serializers.Serializer):
    videos = VideoSerializer(many=True, allow_empty=False, max_length=50)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class DeliveredVideoSerializer(VideoSerializer):
    """A delivered video with its `id`: timestamped feedback (`"video": <id>`) points at it."""

    id = serializers.IntegerField(read_only=True)

    class Meta(VideoSerializer.Meta):
        fields = ["id", *VideoSerializer.Meta.fields]


class DeliverySerializer(serializers.ModelSerializer):
    """A delivery: its milestone, its number within the contract and its videos (with ids)."""

    videos = DeliveredVideoSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "milestone",
            "number",
            "note",
            "videos",
            "revision_note",
            "licence_flag",
            "licence_note",
            "created_at",
        ]
        read_only_fields = fields


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class FeedbackItemSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    video = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    at_s = serializers.DecimalField(
        max_digits=7, decimal_places=3, min_value=0, required=False, allow_null=True
    )


class RevisionRequestSerializer(NoteSerializer):
    feedback = FeedbackItemSerializer(
        many=True,
        required=False,
        max_length=50,
        help_text="timestamped notes on delivered videos, posted in the contract's thread",
    )


class DisputeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=Resolution.choices)
    creator_amount = serializers.IntegerField(required=False, min_value=1, max_value=10**12)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class StaffRefundSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ReviewSerializer(serializers.ModelSerializer):
    stars = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = Review
        fields = ["id", "author_role", "stars", "text", "created_at"]
        read_only_fields = ["id", "author_role", "created_at"]


class TransferSerializer(serializers.ModelSerializer):
    contract = serializers.PrimaryKeyRelatedField(read_only=True)
    milestone = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "contract",
            "milestone",
            "amount",
            "currency",
            "status",
            "stripe_transfer_id",
            "amount_reversed",
            "paid_at",
            "created_at",
        ]
        read_only_fields = fields


class EarningsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    pending = serializers.IntegerField(help_text="net of contracts funded but not yet approved")
    available = serializers.IntegerField(help_text="approved, payout on its way or waiting")
    paid = serializers.IntegerField(help_text="transferred to your Stripe account")
