"""Fields and checks the campaign serializers share: territories, channels, terms, currencies."""

from typing import Any

from django.conf import settings
from rest_framework import serializers

from marketplace.countries import is_territory
from marketplace.serializers import BoundedListField, SlugListField

from ..models import (
    MAX_TERM_MONTHS,
    USAGE_CHANNELS,
)

MAX_AMOUNT = 10**12
MAX_ID = 2**63 - 1  # ids beyond the bigint range cannot exist (and crash the SQLite driver)


class TerritoryListField(BoundedListField):
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


def term_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_TERM_MONTHS, **kwargs
    )


def check_currency(value: str) -> str:
    value = value.upper()
    if value not in settings.CURRENCIES:
        raise serializers.ValidationError(f"must be one of {', '.join(settings.CURRENCIES)}")
    return value
