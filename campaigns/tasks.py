"""Celery tasks of the campaigns: thin, idempotent wrappers around services."""

from celery import shared_task

from . import services
from .matching.refresh import matching_refresh_idf


@shared_task
def close_expired_briefs() -> int:
    """Close open briefs whose bid deadline has passed; a second run changes nothing."""
    return services.briefs_close_expired()


@shared_task
def send_rights_notices() -> int:
    """Tell both parties 30 and 7 days before a usage window ends and at its end; once each."""
    return services.rights_notices_send()


@shared_task
def close_briefs_ip_ended() -> int:
    """Close open briefs whose IP licence or likeness consent has ended; idempotent."""
    return services.briefs_close_ip_ended()


@shared_task
def refresh_matching_idf() -> int:
    """Recount matching's term statistics (idf); a second run finds the same numbers."""
    return matching_refresh_idf()
