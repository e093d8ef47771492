"""Celery tasks of the campaigns: thin, idempotent wrappers around services."""

from celery import shared_task

from . import services


@shared_task
def close_expired_briefs() -> int:
    """Close open briefs whose bid deadline has passed; a second run changes nothing."""
    return services.briefs_close_expired()
