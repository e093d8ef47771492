"""Input and output shapes of registration and `/me/`."""

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.serializers import TokenRefreshSerializer

from campaigns.conversations.selectors import unread_total
from marketplace.models import User
from marketplace.serializers import EmailAddressField


class UserSerializer(serializers.ModelSerializer):
    creator_handle = serializers.SerializerMethodField()
    brands = serializers.SerializerMethodField()
    unread_messages = serializers.SerializerMethodField(
        help_text="messages of others after your read mark, over all your conversations"
    )
    email_verified = serializers.SerializerMethodField(
        help_text="whether the address was proved through the link e-mailed to it"
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "is_staff",
            "creator_handle",
            "brands",
            "unread_messages",
            "email_verified",
            "date_joined",
        ]
        read_only_fields = fields

    def get_email_verified(self, user: User) -> bool:
        return user.email_verified_at is not None

    def get_unread_messages(self, user: User) -> int:
        return unread_total(user)

    def get_creator_handle(self, user: User) -> str | None:
        profile = getattr(user, "creator_profile", None)
        return profile.handle if profile else None

    @extend_schema(
        responses=inline_serializer(
            "MeBrand",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "role": serializers.CharField(),
            },
            many=True,
        )
    )
    def get_brands(self, user: User) -> list[dict]:
        return [
            {"id": m.brand_id, "name": m.brand.name, "role": m.role}
            for m in user.brand_memberships.select_related("brand").order_by("brand_id")
        ]


class RegisterSerializer(serializers.Serializer):
    email = EmailAddressField()
    password = serializers.CharField(write_only=True, max_length=128)
    role = serializers.ChoiceField(choices=["creator", "brand"])
    handle = serializers.SlugField(max_length=40, required=False)
    brand_name = serializers.CharField(max_length=120, required=False)
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)

    def validate(self, attrs: dict) -> dict:
        if attrs["role"] == "creator" and not attrs.get("handle"):
            raise serializers.ValidationError({"handle": ["required for creators"]})
        if attrs["role"] == "brand" and not attrs.get("brand_name", "").strip():
            raise serializers.ValidationError({"brand_name": ["required for brands"]})
        return attrs


class RegisterResponseSerializer(serializers.Serializer):
    user = UserSerializer()
    access = serializers.CharField()
    refresh = serializers.CharField()


class RefreshSerializer(TokenRefreshSerializer):
    """simplejwt's refresh, where a token of a deleted account is a 401, not a 500."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        try:
            return super().validate(attrs)
        except User.DoesNotExist as exc:
            raise AuthenticationFailed(
                self.error_messages["no_active_account"], "no_active_account"
            ) from exc


class EmailVerificationSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=1000)


class EmailVerifySentSerializer(serializers.Serializer):
    sent = serializers.BooleanField(help_text="false when the address is already verified")
    email_verified = serializers.BooleanField()
