"""Writing the audit trail and notifications; called by services inside their transaction."""

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce

from .emails import email_notifications_after_commit
from .models import AuditLog, Notification, User
from .transitions import transition_field, transition_target


def audit_record(
    *,
    actor: User | None,
    verb: str,
    obj: models.Model,
    before: str = "",
    after: str = "",
    data: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one audit row for `obj`; the caller's transaction makes it atomic with the change."""
    return AuditLog.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        data=data or {},
    )


def transition(
    obj: models.Model,
    verb: str,
    *,
    actor: User | None,
    fields: Iterable[str] = (),
    data: dict[str, Any] | None = None,
) -> models.Model:
    """Apply the named move `verb` of the model's TRANSITIONS table: check the current state,
    save the new one (with `fields` the caller changed) and write the audit row whose verb is
    that name. An illegal move raises InvalidTransition (409) and changes nothing."""
    to = transition_target(obj, verb)
    field = transition_field(obj)
    current = getattr(obj, field)
    setattr(obj, field, to)
    update_fields = [field, *fields]
    if hasattr(obj, "updated_at"):
        update_fields.append("updated_at")
    obj.save(update_fields=update_fields)
    audit_record(actor=actor, verb=verb, obj=obj, before=current, after=to, data=data)
    return obj


def notify(
    users: Iterable[User], *, kind: str, message: str, obj: models.Model | None = None
) -> list[Notification]:
    """Write one notification per user (deduplicated) about `obj`; those of a kind a party
    must act on are e-mailed after commit to users who want them at once
    (`marketplace.emails`)."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                user=user,
                kind=kind,
                message=message[:300],
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
            )
        )
    created = Notification.objects.bulk_create(rows)
    email_notifications_after_commit(created)
    return created


def staff_users() -> "models.QuerySet[User]":
    """Active staff users: who hears about work waiting in the admin."""
    return User.objects.filter(is_staff=True, is_active=True)


def notify_staff(*, kind: str, message: str, obj: models.Model | None = None) -> None:
    """Tell every active staff user that something waits for them (a brief to review, a
    dispute, a flagged message, a payment that failed for good)."""
    notify(staff_users(), kind=kind, message=message, obj=obj)


def entered_state_at(model: type[models.Model], state: str, *, fallback: str) -> Coalesce:
    """An expression for when each row last moved into `state` (its latest audit row moving
    there), or its `fallback` field where no audit row says so (a row created in that state).
    Queues measure waits from it: an edit does not restart the clock, a resubmission does."""
    moved = (
        AuditLog.objects.filter(
            object_type=model._meta.label_lower,
            object_id=Cast(OuterRef("pk"), output_field=models.CharField()),
            after=state,
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return Coalesce(Subquery(moved), F(fallback), output_field=models.DateTimeField())


def contacts_masked_record(
    *, actor: User | None, obj: models.Model, originals: dict[str, tuple[str, list[str]]]
) -> None:
    """Keep for staff the originals of texts whose contact details were hidden before a
    contract (`marketplace.contacts`): one audit row `mask` holding every original by field
    (each version of an edited text gets its own row), and one notice to staff. `originals`
    maps a field to (original text, kinds found); nothing happens when it is empty."""
    if not originals:
        return
    kinds = sorted({kind for _, found in originals.values() for kind in found})
    audit_record(
        actor=actor,
        verb="mask",
        obj=obj,
        after="masked",
        data={
            "kinds": kinds,
            "originals": {field: text for field, (text, _) in originals.items()},
        },
    )
    notify_staff(
        kind="contact_masked",
        message=f"Contact details ({', '.join(kinds)}) hidden in "
        f"{obj._meta.verbose_name} #{obj.pk}: {', '.join(sorted(originals))}.",
        obj=obj,
    )
