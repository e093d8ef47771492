"""The beat job closing briefs whose bid deadline has passed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Brief, BriefStatus
from campaigns.tasks import close_expired_briefs
from marketplace.models import AuditLog, Notification

pytestmark = pytest.mark.django_db


def test_closes_exactly_the_expired_open_briefs_and_is_safe_to_rerun(
    brief_factory, bid_factory, member_of
):
    past = timezone.now() - timedelta(minutes=5)
    expired = [brief_factory(bid_deadline=past), brief_factory(bid_deadline=past)]
    member_of(expired[0].brand)
    live_bid = bid_factory(brief=expired[0])
    untouched = {
        "open_future": brief_factory(),
        "in_review_past": brief_factory(status=BriefStatus.IN_REVIEW, bid_deadline=past),
        "draft_past": brief_factory(status=BriefStatus.DRAFT, bid_deadline=past),
        "closed_past": brief_factory(status=BriefStatus.CLOSED, bid_deadline=past),
        "awarded_past": brief_factory(status=BriefStatus.AWARDED, bid_deadline=past),
    }

    assert close_expired_briefs.delay().get() == 2

    assert {Brief.objects.get(pk=b.pk).status for b in expired} == {BriefStatus.CLOSED}
    for name, brief in untouched.items():
        assert Brief.objects.get(pk=brief.pk).status == brief.status, name
    closes = AuditLog.objects.filter(verb="close", object_type="campaigns.brief")
    assert {int(row.object_id) for row in closes} == {b.pk for b in expired}
    assert all(row.actor is None for row in closes)
    assert Notification.objects.filter(kind="brief_closed").count() == 1
    # Bids stay live on a closed brief: the brand can still choose among them.
    live_bid.refresh_from_db()
    assert live_bid.status == "submitted"

    audit_rows = AuditLog.objects.count()
    assert close_expired_briefs() == 0
    assert AuditLog.objects.count() == audit_rows
    assert {Brief.objects.get(pk=b.pk).status for b in expired} == {BriefStatus.CLOSED}


def test_the_task_is_registered_under_the_beat_schedule_name(settings):
    from marketplace.celery import app

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "campaigns.tasks.close_expired_briefs" in names
    assert close_expired_briefs.name in app.tasks
    assert close_expired_briefs.name == "campaigns.tasks.close_expired_briefs"
