"""Writes on a pool's end users done by staff (console or management API): block, unblock, unlink."""
from django.db import transaction
from django.utils import timezone

from .models import EndUser, Identity


def end_user_set_blocked(*, user: EndUser, blocked: bool) -> bool:
    """Block or unblock an end user (idempotent). True if the flag changed.

    A blocked user's next scan is rejected (`user_blocked`); existing sessions are the hosted
    login's concern.
    """
    changed = EndUser.objects.filter(pk=user.pk, blocked=not blocked).update(blocked=blocked, updated_at=timezone.now())
    user.blocked = blocked
    return changed == 1


@transaction.atomic
def identity_unlink(*, identity: Identity) -> None:
    """Remove a WeChat identity from its user: the next scan with it resolves afresh."""
    identity.delete()
