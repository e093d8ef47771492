"""E-mailing notifications: at once, as a daily digest, or never, as each user prefers.

Only the kinds a party must act on are e-mailed (`EMAIL_KINDS`); the rest stay in the app.
Every e-mail is plain text rendered from `templates/email/`, so nothing a user typed is ever
rendered as HTML. A notification is e-mailed at most once: whoever sends it first sets its
`emailed_at` in one conditional UPDATE (the immediate task) or under the user's preference row
lock (the digest), and gives the claim back if the mail server refuses.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from . import outbox
from .models import EmailFrequency, EmailPreference, Notification, User

logger = logging.getLogger(__name__)

SEND_TASK = "marketplace.tasks.send_notification_emails"

# kind -> subject. Each has a template `email/<kind>.txt` saying what to do.
EMAIL_KINDS: dict[str, str] = {
    # brands
    "bid_new": "A new bid on your brief",
    "brief_rejected": "Your brief needs changes",
    "contract_delivered": "A delivery is ready for your review",
    "payment_failed": "A payment for your contract failed",
    "brand_verification_rejected": "Your brand was not verified",
    # creators
    "invitation": "You are invited to a brief",
    "bid_accepted": "Your bid was accepted",
    "contract_funded": "Your contract is funded: start the work",
    "revision_requested": "A revision was requested",
    "payout_waiting": "Finish your payout set-up to get paid",
    # both parties
    "message_new": "New message",
    "contract_disputed": "A contract is disputed",
    "refund_requested": "A refund was requested",
    # staff
    "brief_submitted": "[staff] A brief waits for review",
    "reel_submitted": "[staff] A reel waits for moderation",
    "application_submitted": "[staff] A partner application waits",
    "dispute_opened": "[staff] A dispute was opened",
    "message_flagged": "[staff] A message was flagged",
    "refund_failed": "[staff] A refund failed",
    "transfer_failed": "[staff] A payout failed for good",
    "brand_verification_requested": "[staff] A brand asks to be verified",
}


def frequency_of(user: User) -> str:
    """The user's e-mail frequency; immediately when they never chose."""
    preference = getattr(user, "email_preference", None)
    return preference.frequency if preference is not None else EmailFrequency.IMMEDIATE


def email_preference_set(*, actor: User, frequency: str) -> EmailPreference:
    """The user chooses how notifications reach them by e-mail: immediate, daily or off."""
    preference, _ = EmailPreference.objects.update_or_create(
        user=actor, defaults={"frequency": frequency}
    )
    return preference


def email_notifications_after_commit(notifications: Iterable[Notification]) -> None:
    """Queue the immediate e-mail of those notifications that have one, after commit (in the
    caller's transaction, through the outbox)."""
    ids = [n.pk for n in notifications if n.kind in EMAIL_KINDS and n.pk is not None]
    if ids:
        # Through the outbox: mail never breaks the request that notified, and a broker
        # outage only delays it (the sweep sends it later).
        outbox.enqueue(SEND_TASK, ids)


def _render(template: str, context: dict) -> str:
    return render_to_string(template, {"frontend_url": settings.FRONTEND_URL, **context})


def _send(user: User, subject: str, body: str) -> None:
    send_mail(
        subject=f"Reelmatch: {subject}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def notification_emails_send(*, notification_ids: Iterable[int]) -> int:
    """E-mail each notification at once to a user who wants immediate e-mail; safe to run
    twice: a notification already e-mailed (or claimed by another worker) is skipped."""
    rows = (
        Notification.objects.filter(
            pk__in=list(notification_ids), emailed_at__isnull=True, kind__in=list(EMAIL_KINDS)
        )
        .select_related("user", "user__email_preference")
        .order_by("pk")
    )
    wanted = [
        n for n in rows if n.user.is_active and frequency_of(n.user) == EmailFrequency.IMMEDIATE
    ]
    mine = _claim(wanted)
    for sent, notification in enumerate(mine):
        body = _render(
            f"email/{notification.kind}.txt", {"n": notification, "user": notification.user}
        )
        try:
            _send(notification.user, EMAIL_KINDS[notification.kind], body)
        except Exception:
            _unclaim(mine[sent:])
            raise
    return len(mine)


def _claim(notifications: list[Notification]) -> list[Notification]:
    """Claim the notifications not yet e-mailed in one conditional UPDATE stamped with this
    call's time; when another worker got some first, only the rows carrying the stamp are
    this call's."""
    if not notifications:
        return []
    stamp = timezone.now()
    pks = [n.pk for n in notifications]
    claimed = Notification.objects.filter(pk__in=pks, emailed_at__isnull=True).update(
        emailed_at=stamp
    )
    if claimed < len(pks):
        ours = set(
            Notification.objects.filter(pk__in=pks, emailed_at=stamp).values_list("pk", flat=True)
        )
        notifications = [n for n in notifications if n.pk in ours]
    for notification in notifications:
        notification.emailed_at = stamp
    return notifications


def _unclaim(notifications: list[Notification]) -> None:
    """Give back the claims of notifications not sent (the mail server refused)."""
    stamps = {n.emailed_at for n in notifications}
    Notification.objects.filter(pk__in=[n.pk for n in notifications], emailed_at__in=stamps).update(
        emailed_at=None
    )


def email_digests_send(*, now: datetime | None = None) -> int:
    """Send each daily-digest user one e-mail with their notifications not yet e-mailed.

    At most one digest per user and day (`last_digest_on`), and each notification in one
    digest at most, so a second run the same day sends nothing. Returns the digests sent.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = EmailPreference.objects.filter(frequency=EmailFrequency.DAILY).exclude(
        last_digest_on__gte=today
    )
    sent = 0
    for preference_id in due.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            preference = (
                EmailPreference.objects.select_for_update(of=("self",))
                .select_related("user")
                .get(pk=preference_id)
            )
            if preference.frequency != EmailFrequency.DAILY or (
                preference.last_digest_on is not None and preference.last_digest_on >= today
            ):
                continue
            items = list(
                Notification.objects.filter(
                    user_id=preference.user_id,
                    emailed_at__isnull=True,
                    kind__in=list(EMAIL_KINDS),
                    created_at__lte=now,
                ).order_by("pk")
            )
            if not items or not preference.user.is_active:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
            previous = preference.last_digest_on
            preference.last_digest_on = today
            preference.save(update_fields=["last_digest_on", "updated_at"])
        body = _render("email/digest.txt", {"items": items, "user": preference.user})
        try:
            _send(preference.user, f"your daily digest ({len(items)})", body)
        except Exception:
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=None)
            EmailPreference.objects.filter(pk=preference.pk).update(last_digest_on=previous)
            raise
        sent += 1
    return sent
