"""Celery task for the OIDC provider: purge authorization codes and tokens that can no longer be used."""
from celery import shared_task

from scanlogin.celery import RETRY

from .services import oidc_purge_stale


@shared_task(ignore_result=True, **RETRY)
def purge_stale_grants() -> int:
    """Delete expired codes and ended or revoked tokens (idempotent)."""
    return oidc_purge_stale()
