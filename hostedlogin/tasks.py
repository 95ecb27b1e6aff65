"""Celery tasks for tickets: thin wrappers over the services in hostedlogin/tickets.py.

Both are idempotent (they act on whatever is overdue or old at run time), so a retry after a
lost database connection is safe.
"""
from celery import shared_task
from django.db import DatabaseError

from connections.logo_cleanup import logo_files_purge_orphans

from .oidc.services import oidc_purge_stale
from .tickets import tickets_expire_overdue, tickets_purge_finished

RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "retry_backoff_max": 60, "max_retries": 5}


@shared_task(ignore_result=True, **RETRY)
def expire_overdue_tickets() -> int:
    """Mark overdue live tickets expired (in batches) and publish the change."""
    return tickets_expire_overdue()


@shared_task(ignore_result=True, **RETRY)
def purge_finished_tickets() -> int:
    """Delete finished tickets older than QR_TICKET_RETENTION seconds, stale OIDC codes and tokens,
    and logo files nothing references any more."""
    return tickets_purge_finished() + oidc_purge_stale() + logo_files_purge_orphans()
