"""Filters of the thread and message lists."""

import django_filters
from django.db.models import QuerySet

from marketplace.filters import IdFilter, IsoDateTimeFromToRangeFilter

from ..models import Message, Thread, ThreadKind


class ThreadFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ThreadKind.choices)
    brief = IdFilter(field_name="brief_id")
    contract = IdFilter(field_name="contract_id")
    creator = django_filters.CharFilter(field_name="creator__handle", help_text="creator handle")
    unread = django_filters.BooleanFilter(method="filter_unread", help_text="with unread messages")
    flagged = django_filters.BooleanFilter(
        method="filter_flagged", help_text="with masked messages"
    )
    last_message_at = IsoDateTimeFromToRangeFilter()

    class Meta:
        model = Thread
        fields = ["kind", "brief", "contract", "creator"]

    def filter_unread(self, qs: QuerySet[Thread], name: str, value: bool) -> QuerySet[Thread]:
        return qs.filter(unread__gt=0) if value else qs.filter(unread=0)

    def filter_flagged(self, qs: QuerySet[Thread], name: str, value: bool) -> QuerySet[Thread]:
        return qs.filter(flagged_count__gt=0) if value else qs.filter(flagged_count=0)


class MessageFilter(django_filters.FilterSet):
    after = IdFilter(field_name="id", lookup_expr="gt", help_text="messages after this id")
    before = IdFilter(field_name="id", lookup_expr="lt", help_text="messages before this id")
    video = IdFilter(field_name="video_id")
    has_video = django_filters.BooleanFilter(field_name="video", lookup_expr="isnull", exclude=True)
    masked = django_filters.BooleanFilter(field_name="flagged")
    created_at = IsoDateTimeFromToRangeFilter()

    class Meta:
        model = Message
        fields = ["after", "before", "video", "masked"]
