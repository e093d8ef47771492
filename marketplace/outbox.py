"""Work started after a commit, never lost and never a 500: a transactional outbox.

`enqueue(name, *args)` writes an `OutboxTask` row in the caller's transaction and sends task
`name` to Celery once that transaction commits (at once outside one). Sending never raises: if
the broker is down, the row stays and `sweep()` (a beat job, every minute) sends it when the
broker is back. A rollback takes the row with it, so nothing starts for work that did not
happen. Without a broker (tests, `make run`) Celery runs the task in this process, as
`.delay()` does; a task failing there is logged and left for the sweep too.

The consumers are idempotent (every task is safe to run twice), which is what makes "at least
once" enough: a row sent whose delete was lost is sent again by the sweep, harmlessly.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import request_id
from .models import OutboxTask

logger = logging.getLogger(__name__)


def send(name: str, *args: object) -> None:
    """Start task `name` now: eagerly in process without a broker, else on the queue."""
    task = current_app.tasks.get(name)
    if task is None:
        # Not registered in this process: only a worker can run it.
        current_app.send_task(name, args=args)
    else:
        task.delay(*args)


def _dispatch(row_id: int, name: str, args: list) -> bool:
    """Send one outbox row and delete it; on failure record why and keep it for the sweep."""
    try:
        send(name, *args)
    except Exception as exc:  # noqa: BLE001 - the sweep retries; the request committed
        logger.warning(
            "task %s%r not started (%s: %s); the outbox sweep will send it",
            name,
            tuple(args),
            type(exc).__name__,
            exc,
        )
        OutboxTask.objects.filter(pk=row_id).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        return False
    OutboxTask.objects.filter(pk=row_id).delete()
    return True


def _after_commit(row_id: int, name: str, args: list) -> None:
    try:
        _dispatch(row_id, name, args)
    except Exception:  # noqa: BLE001 - e.g. the database went away after the commit
        logger.exception("outbox row %s (%s) left for the sweep", row_id, name)


def enqueue(name: str, *args: object) -> None:
    """Start task `name` with `args` once the current transaction commits: the row is written
    now, in that transaction; sending it after commit never raises (the sweep retries)."""
    row = OutboxTask.objects.create(name=name, args=list(args), request_id=request_id.get())
    transaction.on_commit(lambda: _after_commit(row.pk, name, list(args)))


def sweep(*, older_than: timedelta | None = None, limit: int = 500) -> tuple[int, int]:
    """Send the outbox rows left behind (the broker was down at commit); returns (sent,
    failed). Rows younger than `older_than` are left to their own after-commit send. Stops at
    the first failure: the broker is down again, the next sweep goes on."""
    age = older_than if older_than is not None else timedelta(seconds=settings.OUTBOX_SWEEP_AGE)
    rows = list(
        OutboxTask.objects.filter(created_at__lte=timezone.now() - age)
        .order_by("pk")
        .values_list("pk", "name", "args", "request_id")[:limit]
    )
    sent = failed = 0
    for pk, name, args, rid in rows:
        request_id.set_current(rid or request_id.new())
        if _dispatch(pk, name, args):
            sent += 1
        else:
            failed += 1
            break
    if rows:
        logger.info("outbox sweep: %d sent, %d failed, %d waiting", sent, failed, len(rows) - sent)
    return sent, failed
