"""The database-side statistics of a money chaos run (bench/money_chaos.py): run with
`manage.py shell -c` inside the deployment, so they come from the rows' own timestamps."""

STATS_SQL = """
import json
from datetime import datetime
from campaigns.models import Milestone
from payments.models import Payment, Refund, StripeEvent

window = json.loads(WINDOW)
def pct(values):
    values = sorted(values)
    if not values:
        return {}
    pick = lambda q: round(values[min(len(values) - 1, int(q * len(values)))], 1)
    return {"n": len(values), "p50": pick(0.5), "p90": pick(0.9), "p99": pick(0.99),
            "max": round(values[-1], 1)}
paid = Milestone.objects.filter(paid_at__isnull=False, approved_at__isnull=False)
rows = list(paid.values_list("pk", "approved_at", "paid_at"))
seconds = {pk: (p - a).total_seconds() for pk, a, p in rows}
# From when the payout could be made: approved, and the creator's account able to receive it
# (a quarter of the journeys onboard only after their approvals).
ready_rows = paid.values_list(
    "pk", "approved_at", "paid_at", "contract__creator__payout_account__flags_as_of"
)
ready = {
    pk: (p - max(a, f or a)).total_seconds() for pk, a, p, f in ready_rows
}
off, on = window.get("off"), window.get("on")
dead = []
if off:
    off = datetime.fromisoformat(off)
    on = datetime.fromisoformat(on) if on else None
    dead = [ready[pk] for pk, a, p in rows if a >= off and (on is None or a <= on)]
# (start, end) pairs -> seconds, over the whole run and for work started while beat was dead.
def waits(rows):
    rows = [(s, e) for s, e in rows if s and e]
    dead_rows = [(s, e) for s, e in rows if off and s >= off and (on is None or s <= on)]
    return tuple(pct([(e - s).total_seconds() for s, e in r]) for r in (rows, dead_rows))
refund_all, refund_dead = waits(Refund.objects.values_list("created_at", "succeeded_at"))
event_all, event_dead = waits(
    StripeEvent.objects.filter(status="processed").values_list("received_at", "processed_at")
)
print(json.dumps({
    "approval_to_paid_s": pct(list(seconds.values())),
    "payable_to_paid_s": pct(list(ready.values())),
    "payable_to_paid_while_beat_dead_s": pct(dead),
    "refund_requested_to_made_s": refund_all,
    "refund_requested_to_made_while_beat_dead_s": refund_dead,
    "event_received_to_processed_s": event_all,
    "event_received_to_processed_while_beat_dead_s": event_dead,
    "events_not_processed": StripeEvent.objects.exclude(
        status__in=["processed", "ignored"]
    ).count(),
    "refunds_pending": Refund.objects.filter(status="pending").count(),
    "refunds_unbookable_or_late": Refund.objects.filter(status="succeeded").count(),
    "payments_not_succeeded": Payment.objects.exclude(status="succeeded").count(),
    "milestones_by_status": {s: Milestone.objects.filter(status=s).count()
                             for s in ("paid", "cancelled", "approved", "funded")},
}))
"""
