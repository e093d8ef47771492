"""Celery beat's scheduler with a heartbeat: each turn of its loop records the time in the
shared cache (what /readyz/ reports and the beat container's health check reads), and the
`heartbeat` entry it schedules has a worker record one too."""

from typing import Any

from celery.beat import PersistentScheduler

from . import health


class HeartbeatScheduler(PersistentScheduler):
    """The default file-backed scheduler, recording beat's heartbeat on every tick."""

    def tick(self, *args: Any, **kwargs: Any) -> float:
        interval = super().tick(*args, **kwargs)
        try:
            health.heartbeat("beat")
        except Exception:  # noqa: BLE001 - a cache outage must not stop the schedule
            pass
        return interval
