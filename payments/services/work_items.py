"""Staff work items for money: what Stripe did that we did not ask for (a transfer reversed or
a charge refunded in the dashboard, a dispute) and money work a sweep found waiting too long.
Each is a row staff see in the admin (and its queue on the index) plus a notification."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.audit import audit_record, notify_staff, transition
from marketplace.guards import require_staff
from marketplace.locks import lock_one
from marketplace.models import User

from ..models import MoneyWorkItem


def work_item_open(
    *,
    key: str,
    kind: str,
    message: str,
    amount: int = 0,
    currency: str = "",
    stripe_object: str = "",
    stripe_event: str = "",
    contract_id: int | None = None,
    milestone_id: int | None = None,
    payment_id: int | None = None,
    transfer_id: int | None = None,
) -> tuple[MoneyWorkItem, bool]:
    """Open the work item `key` once (a second call with the same key returns the first and
    tells nobody again); a new one writes an audit row and notifies every active staff user.
    Runs in the caller's transaction (or its own)."""
    existing = MoneyWorkItem.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            item = MoneyWorkItem.objects.create(
                key=key[:160],
                kind=kind,
                message=message[:500],
                amount=amount,
                currency=currency.upper(),
                stripe_object=stripe_object,
                stripe_event=stripe_event,
                contract_id=contract_id,
                milestone_id=milestone_id,
                payment_id=payment_id,
                transfer_id=transfer_id,
            )
            audit_record(actor=None, verb="work_item_open", obj=item, after=item.status)
    except IntegrityError:
        return MoneyWorkItem.objects.get(key=key[:160]), False
    notify_staff(kind=f"money_{kind}", message=message, obj=item)
    return item, True


@transaction.atomic
def work_item_resolve(*, actor: User, item_id: int, note: str) -> MoneyWorkItem:
    """Staff close a work item with what they did (a note is required); audit row."""
    require_staff(actor, what="resolve money work items")
    item = lock_one(MoneyWorkItem.objects.all(), item_id)
    item.resolution_note = note[:500]
    item.resolved_by = actor
    item.resolved_at = timezone.now()
    transition(
        item,
        "work_item_resolve",
        actor=actor,
        fields=["resolution_note", "resolved_by", "resolved_at"],
        data={"note": note[:500]},
    )
    return item
