"""E-mail of notifications: after commit, per the user's preference, never twice; the daily
digest with a frozen clock."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from marketplace import emails
from marketplace.audit import notify
from marketplace.models import EmailPreference, Notification
from tests.payments.test_races import run_at_once

pytestmark = pytest.mark.django_db


def test_every_e_mailed_kind_has_a_plain_text_template(user_factory):
    user = user_factory(full_name="Ana")
    for kind in emails.EMAIL_KINDS:
        n = Notification(user=user, kind=kind, message='<script>alert("x")</script> & co')
        body = render_to_string(f"email/{kind}.txt", {"n": n, "user": user})
        assert '<script>alert("x")</script> & co' in body  # plain text: not escaped, not HTML
        assert "What to do" in body, kind


def test_a_notification_to_act_on_is_e_mailed_after_commit(
    user_factory, django_capture_on_commit_callbacks
):
    user = user_factory(email="maya@brand.example")
    with django_capture_on_commit_callbacks(execute=True):
        notify([user], kind="bid_new", message="@ana bid on “Neon teaser”.")
        notify([user], kind="bid_withdrawn", message="in-app only")
        assert mail.outbox == []  # nothing before the commit
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["maya@brand.example"]
    assert sent.subject == "Reelmatch: A new bid on your brief"
    assert "@ana bid on “Neon teaser”." in sent.body
    assert "review the bid" in sent.body
    assert sent.alternatives == []  # text only
    assert Notification.objects.get(kind="bid_new").emailed_at is not None
    assert Notification.objects.get(kind="bid_withdrawn").emailed_at is None


def test_never_twice_for_one_notification(user_factory):
    user = user_factory()
    (n,) = notify([user], kind="invitation", message="You are invited.")
    assert emails.notification_emails_send(notification_ids=[n.pk]) == 1
    assert emails.notification_emails_send(notification_ids=[n.pk, n.pk]) == 0
    assert len(mail.outbox) == 1


def test_a_refused_send_gives_the_claim_back(user_factory, monkeypatch):
    user = user_factory()
    (n,) = notify([user], kind="invitation", message="You are invited.")

    def refuse(**kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(emails, "send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        emails.notification_emails_send(notification_ids=[n.pk])
    n.refresh_from_db()
    assert n.emailed_at is None
    monkeypatch.undo()
    assert emails.notification_emails_send(notification_ids=[n.pk]) == 1


@pytest.mark.parametrize("frequency", ["daily", "off"])
def test_no_immediate_e_mail_for_daily_or_off(user_factory, client_for, frequency):
    user = user_factory()
    client = client_for(user)
    assert client.get("/api/v1/notifications/email-preference/").json() == {
        "frequency": "immediate"
    }
    answer = client.patch(
        "/api/v1/notifications/email-preference/", {"frequency": frequency}, format="json"
    )
    assert answer.json() == {"frequency": frequency}
    (n,) = notify([user], kind="invitation", message="You are invited.")
    assert emails.notification_emails_send(notification_ids=[n.pk]) == 0
    assert mail.outbox == []


def test_a_bad_preference_names_the_field(user_factory, client_for, api):
    client = client_for(user_factory())
    answer = client.patch(
        "/api/v1/notifications/email-preference/", {"frequency": "hourly"}, format="json"
    )
    assert answer.status_code == 400
    assert "frequency" in answer.json()["error"]["fields"]
    assert api.get("/api/v1/notifications/email-preference/").status_code == 401


def test_the_daily_digest_with_a_frozen_clock(user_factory, monkeypatch):
    clock = {"now": datetime(2025, 7, 14, 6, 0, tzinfo=UTC)}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    daily = user_factory(email="daily@example.com")
    EmailPreference.objects.create(user=daily, frequency="daily")
    off = user_factory(email="off@example.com")
    EmailPreference.objects.create(user=off, frequency="off")
    for user in (daily, off):
        notify([user], kind="bid_new", message="@ana bid on “Neon teaser”.")
        notify([user], kind="contract_delivered", message="Contract #7: delivery 1 is ready.")
        notify([user], kind="bid_withdrawn", message="in-app only")
    Notification.objects.update(created_at=clock["now"] - timedelta(hours=1))

    assert emails.email_digests_send() == 1
    assert [m.to for m in mail.outbox] == [["daily@example.com"]]
    body = mail.outbox[0].body
    assert "@ana bid on “Neon teaser”." in body and "delivery 1 is ready" in body
    assert "in-app only" not in body
    # Safe to run twice: the same moment, and later the same day, send nothing more.
    assert emails.email_digests_send() == 0
    clock["now"] = datetime(2025, 7, 14, 23, 0, tzinfo=UTC)
    (late,) = notify(
        [daily], kind="revision_requested", message="Contract #7: a revision was requested."
    )
    Notification.objects.filter(pk=late.pk).update(created_at=clock["now"])
    assert emails.email_digests_send() == 0
    # The next day brings only what is new.
    clock["now"] = datetime(2025, 7, 15, 6, 0, tzinfo=UTC)
    assert emails.email_digests_send() == 1
    assert len(mail.outbox) == 2
    assert "a revision was requested" in mail.outbox[1].body
    assert "Neon teaser" not in mail.outbox[1].body
    assert emails.email_digests_send() == 0
    # The immediate task never re-sends what a digest carried.
    ids = list(Notification.objects.values_list("pk", flat=True))
    EmailPreference.objects.filter(user=daily).update(frequency="immediate")
    assert emails.notification_emails_send(notification_ids=ids) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_workers_send_each_e_mail_once(user_factory):
    users = [user_factory() for _ in range(3)]
    EmailPreference.objects.create(user=users[0], frequency="daily")
    ids = [n.pk for n in notify(users, kind="invitation", message="You are invited.")]
    # Outside a transaction the immediate e-mails went at once: take them back, then race.
    Notification.objects.update(emailed_at=None)
    mail.outbox.clear()
    run_at_once(8, lambda i: emails.notification_emails_send(notification_ids=ids))
    run_at_once(4, lambda i: emails.email_digests_send())
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
