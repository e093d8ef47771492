import django_filters
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError

from marketplace.fields import json_list_contains, normalise_model_names, normalise_slugs
from marketplace.filters import IdFilter

from .models import (
    CommercialUse,
    CreatorProfile,
    GenerationMode,
    LicenceVerdict,
    ModelLicence,
    Moderation,
    Plan,
    Provider,
    Reel,
    Tier,
)
from .selectors import creator_has_licensed_reel, creator_has_model


def _csv(value: str) -> list[str]:
    return normalise_slugs(value.split(","))


def _model_csv(value: str) -> list[str]:
    try:
        return normalise_model_names(v for v in value.split(",") if v.strip())
    except ValueError as exc:
        raise ValidationError({"models": [str(exc)]}) from exc


class CreatorFilter(django_filters.FilterSet):
    tags = django_filters.CharFilter(
        method="filter_tags", help_text="comma-separated; the creator has every tag"
    )
    models = django_filters.CharFilter(
        method="filter_models", help_text="comma-separated models; any used in approved reels"
    )
    tier = django_filters.ChoiceFilter(choices=Tier.choices)
    country = django_filters.CharFilter(method="filter_country")
    language = django_filters.CharFilter(method="filter_language")
    verified = django_filters.BooleanFilter()
    max_rate = django_filters.NumberFilter(
        field_name="min_price_per_project",
        lookup_expr="lte",
        min_value=0,
        help_text="minimum price per project at most this (minor units)",
    )
    rate_currency = django_filters.CharFilter(method="filter_currency")
    licence = django_filters.ChoiceFilter(
        choices=LicenceVerdict.choices,
        method="filter_licence",
        help_text="has an approved reel whose video has this licence verdict (e.g. allowed)",
    )

    class Meta:
        model = CreatorProfile
        fields = ["tier", "verified"]

    def filter_tags(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        for tag in _csv(value):
            qs = qs.filter(json_list_contains("tags", tag) | json_list_contains("reel_tags", tag))
        return qs

    def filter_models(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        models = _model_csv(value)
        return qs.filter(creator_has_model(models)) if models else qs

    def filter_country(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(country=value.upper())

    def filter_language(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(json_list_contains("languages", value.lower()))

    def filter_currency(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(rate_currency=value.upper())

    def filter_licence(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(creator_has_licensed_reel(value))


class ReelFilter(django_filters.FilterSet):
    creator = django_filters.CharFilter(field_name="creator__handle")
    provider = django_filters.ChoiceFilter(field_name="video__provider", choices=Provider.choices)
    model = django_filters.CharFilter(field_name="video__model")
    mode = django_filters.ChoiceFilter(field_name="video__mode", choices=GenerationMode.choices)
    moderation = django_filters.ChoiceFilter(choices=Moderation.choices)
    portfolio = IdFilter(field_name="portfolio_id")
    tags = django_filters.CharFilter(method="filter_tags")
    mine = django_filters.BooleanFilter(method="filter_mine", help_text="only your own reels")
    licence = django_filters.ChoiceFilter(
        field_name="video__licence_verdict",
        choices=LicenceVerdict.choices,
        help_text="the video's licence verdict (allowed: its plan allows commercial use)",
    )

    class Meta:
        model = Reel
        fields = ["moderation"]

    def filter_tags(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        for tag in _csv(value):
            qs = qs.filter(json_list_contains("tags", tag))
        return qs

    def filter_mine(self, qs: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return qs
        profile = getattr(self.request.user, "creator_profile", None)
        return qs.filter(Q(creator=profile)) if profile is not None else qs.none()


class ModelLicenceFilter(django_filters.FilterSet):
    provider = django_filters.ChoiceFilter(choices=Provider.choices)
    plan = django_filters.ChoiceFilter(choices=Plan.choices)
    commercial_use = django_filters.ChoiceFilter(choices=CommercialUse.choices)

    class Meta:
        model = ModelLicence
        fields = ["provider", "plan", "commercial_use"]
