"""The transactional outbox: a committed change never answers 500 because the broker is down;
the task waits in the outbox and the sweep sends it when the broker is back."""

from datetime import timedelta

import pytest
from django.db import transaction

from marketplace import outbox
from marketplace.emails import email_notifications_after_commit
from marketplace.models import Notification, OutboxTask
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rollback_takes_its_outbox_row_with_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue("marketplace.tasks.worker_heartbeat")
        assert OutboxTask.objects.count() == 1
        raise RuntimeError("the change failed")
    assert OutboxTask.objects.count() == 0


def test_a_sent_row_is_deleted_and_a_failed_one_kept(broker_outage):
    broker_outage.down()
    outbox.enqueue("marketplace.tasks.worker_heartbeat")  # outside a transaction: sent at once
    (row,) = OutboxTask.objects.all()
    assert row.attempts == 1
    # Still down: the sweep stops at the first failure and keeps the row.
    assert outbox.sweep(older_than=timedelta(0)) == (0, 1)
    assert OutboxTask.objects.get().attempts == 2
    broker_outage.back()
    assert outbox.sweep(older_than=timedelta(0)) == (1, 0)
    assert not OutboxTask.objects.exists()


def test_the_sweep_leaves_young_rows_to_their_own_send(broker_outage, settings):
    settings.OUTBOX_SWEEP_AGE = 60
    broker_outage.down()
    outbox.enqueue("marketplace.tasks.worker_heartbeat")
    broker_outage.back()
    assert outbox.sweep() == (0, 0)
    assert OutboxTask.objects.count() == 1


def test_notification_emails_go_through_the_outbox(broker_outage):
    user = UserFactory()
    broker_outage.down()
    with transaction.atomic():
        note = Notification.objects.create(user=user, kind="bid_new", message="A bid")
        email_notifications_after_commit([note])
    row = OutboxTask.objects.get()
    assert (row.name, row.args) == ("marketplace.tasks.send_notification_emails", [[note.pk]])
