"""Celery tasks for tickets: thin wrappers over the services in hostedlogin/tickets.py.

Both are idempotent (they act on whatever is overdue or old at run time), so a retry after a
lost database connection is safe.
"""
from celery import shared_task

from scanlogin.celery import RETRY

from .tickets import tickets_expire_overdue, tickets_purge_finished
from .trylogin import try_grants_purge


@shared_task(ignore_result=True, **RETRY)
def expire_overdue_tickets() -> int:
    """Mark overdue live tickets expired (in batches) and publish the change."""
    return tickets_expire_overdue()


@shared_task(ignore_result=True, **RETRY)
def purge_finished_tickets() -> int:
    """Delete finished tickets (and their audit rows) older than QR_TICKET_RETENTION seconds."""
    return tickets_purge_finished()


@shared_task(ignore_result=True, **RETRY)
def purge_try_grants() -> int:
    """Delete Try-login grants that expired more than a day ago."""
    return try_grants_purge()
