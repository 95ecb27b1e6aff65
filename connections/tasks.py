"""Celery task for connections: remove logo files that nothing references any more."""
from celery import shared_task

from scanlogin.celery import RETRY

from .logo_cleanup import logo_files_purge_orphans


@shared_task(ignore_result=True, **RETRY)
def purge_orphan_logos() -> int:
    """Delete unreferenced logo files older than an hour (idempotent)."""
    return logo_files_purge_orphans()
