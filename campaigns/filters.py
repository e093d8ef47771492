import django_filters
from django.db.models import QuerySet

from creators.models import Tier
from marketplace.fields import json_list_contains, normalise_model_name, normalise_slugs
from marketplace.filters import IdFilter, IsoDateTimeFromToRangeFilter

from .models import (
    Bid,
    BidStatus,
    Brief,
    BriefStatus,
    Contract,
    ContractStatus,
    Invitation,
    InvitationStatus,
    IPAsset,
    Visibility,
)
from .selectors import member_brand_ids


def _csv(value: str) -> list[str]:
    return normalise_slugs(value.split(","))


class IPAssetFilter(django_filters.FilterSet):
    brand = IdFilter(field_name="brand_id")
    exclusive = django_filters.BooleanFilter()

    class Meta:
        model = IPAsset
        fields = ["brand", "exclusive"]


class BriefFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=BriefStatus.choices)
    tags = django_filters.CharFilter(
        method="filter_tags", help_text="comma-separated; the brief has every tag"
    )
    models = django_filters.CharFilter(
        method="filter_models", help_text="comma-separated models; the brief prefers any of them"
    )
    language = django_filters.CharFilter(method="filter_language")
    budget_gte = django_filters.NumberFilter(
        field_name="budget_max",
        lookup_expr="gte",
        min_value=0,
        help_text="the brief's maximum budget is at least this (minor units)",
    )
    budget_lte = django_filters.NumberFilter(
        field_name="budget_min",
        lookup_expr="lte",
        min_value=0,
        help_text="the brief's minimum budget is at most this (minor units)",
    )
    currency = django_filters.CharFilter(method="filter_currency")
    bid_deadline = IsoDateTimeFromToRangeFilter(
        help_text="bid_deadline_after / bid_deadline_before (ISO 8601)"
    )
    delivery_deadline = IsoDateTimeFromToRangeFilter(
        help_text="delivery_deadline_after / delivery_deadline_before (ISO 8601)"
    )
    brand = IdFilter(field_name="brand_id")
    ip = IdFilter(field_name="ip_id")
    visibility = django_filters.ChoiceFilter(choices=Visibility.choices)
    min_tier = django_filters.ChoiceFilter(choices=Tier.choices)
    mine = django_filters.BooleanFilter(
        method="filter_mine", help_text="only the briefs of your brands"
    )

    class Meta:
        model = Brief
        fields = ["status", "visibility", "min_tier"]

    def filter_tags(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        for tag in _csv(value):
            qs = qs.filter(json_list_contains("tags", tag))
        return qs

    def filter_models(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        try:
            models = list(dict.fromkeys(normalise_model_name(v) for v in value.split(",") if v))
        except ValueError:
            return qs.none()
        if not models:
            return qs
        condition = json_list_contains("preferred_models", models[0])
        for model in models[1:]:
            condition |= json_list_contains("preferred_models", model)
        return qs.filter(condition)

    def filter_language(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(json_list_contains("languages", value.strip().lower()))

    def filter_currency(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(currency=value.strip().upper())

    def filter_mine(self, qs: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return qs
        return qs.filter(brand_id__in=member_brand_ids(self.request.user))


class InvitationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InvitationStatus.choices)
    brief = IdFilter(field_name="brief_id")

    class Meta:
        model = Invitation
        fields = ["status", "brief"]


class BidFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=BidStatus.choices)
    brief = IdFilter(field_name="brief_id")
    creator = django_filters.CharFilter(field_name="creator__handle")
    amount_min = django_filters.NumberFilter(field_name="amount", lookup_expr="gte", min_value=0)
    amount_max = django_filters.NumberFilter(field_name="amount", lookup_expr="lte", min_value=0)

    class Meta:
        model = Bid
        fields = ["status", "brief"]


class ContractFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ContractStatus.choices)
    brief = IdFilter(field_name="brief_id")
    brand = IdFilter(field_name="brand_id")
    creator = django_filters.CharFilter(field_name="creator__handle")
    currency = django_filters.CharFilter(method="filter_currency")

    class Meta:
        model = Contract
        fields = ["status", "brief", "brand"]

    def filter_currency(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(currency=value.strip().upper())
