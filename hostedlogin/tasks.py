"""Celery tasks for tickets: thin wrappers over the services in hostedlogin/tickets.py."""
from celery import shared_task

from .tickets import tickets_expire_overdue, tickets_purge_finished


@shared_task(ignore_result=True)
def expire_overdue_tickets() -> int:
    """Mark overdue live tickets expired (in batches) and publish the change."""
    return tickets_expire_overdue()


@shared_task(ignore_result=True)
def purge_finished_tickets() -> int:
    """Delete finished tickets older than QR_TICKET_RETENTION seconds."""
    return tickets_purge_finished()
