"""The periodic jobs, callable in process when no Celery beat runs."""

import importlib
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def run_periodic_jobs() -> None:
    """Run every task of the beat schedule once, in this process."""
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        module_name, _, func_name = entry["task"].rpartition(".")
        try:
            task = getattr(importlib.import_module(module_name), func_name)
        except (ImportError, AttributeError):
            logger.warning("periodic job %s is not available", entry["task"])
            continue
        task()
