"""Brands, members, member invitations and IP assets."""

from rest_framework import serializers

from marketplace.serializers import (
    BoundedDateField,
    BoundedListField,
    EmailAddressField,
    HttpsURLField,
    ScopedPrimaryKeyRelatedField,
)

from .. import selectors
from ..models import (
    Brand,
    BrandMembership,
    BrandVerification,
    IPAsset,
    IPHolding,
    MemberInvitation,
    MemberInvitationStatus,
    MemberRole,
    VerificationStatus,
)
from ..schema import NamedChoiceField
from .common import ChannelListField, TerritoryListField, term_field

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


class BrandVerificationCreateSerializer(serializers.Serializer):
    """What staff need to verify a brand: the company's site, its registration number (company
    or VAT number in its country's register) and a contact they can reach."""

    company_website = serializers.URLField(max_length=300)
    registration_number = serializers.CharField(max_length=100)
    contact_name = serializers.CharField(max_length=150)
    contact_email = serializers.EmailField(max_length=254)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class BrandVerificationSerializer(serializers.ModelSerializer):
    """A verification request as the brand's members see it, with staff's decision."""

    status = NamedChoiceField(
        enum_name="VerificationStatusEnum", choices=VerificationStatus.choices, read_only=True
    )

    class Meta:
        model = BrandVerification
        fields = [
            "id",
            "brand",
            "status",
            "company_website",
            "registration_number",
            "contact_name",
            "contact_email",
            "contact_phone",
            "note",
            "reason",
            "created_at",
            "reviewed_at",
        ]
        read_only_fields = fields


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
    email = EmailAddressField()
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
    term_months = term_field(help_text="1–120; left out, the IP's or the default term")
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
    term_months = term_field()
    reference_links = BoundedListField(child=HttpsURLField(), max_length=20, required=False)
    held = NamedChoiceField(enum_name="IPHoldingEnum", choices=IPHolding.choices, required=False)
    licence_start = BoundedDateField(required=False, allow_null=True)
    licence_end = BoundedDateField(required=False, allow_null=True)
    likeness_consent_expires = BoundedDateField(required=False, allow_null=True)

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
