"""Celery tasks of the campaigns: thin, idempotent wrappers around services."""

from celery import shared_task

from . import services
from .matching.refresh import matching_refresh_idf


@shared_task
def close_expired_briefs() -> int:
    """Close open briefs whose bid deadline has passed; a second run changes nothing."""
    return services.briefs_close_expired()


@shared_task
def refresh_matching_idf() -> int:
    """Recount matching's term statistics (idf); a second run finds the same numbers."""
    return matching_refresh_idf()
