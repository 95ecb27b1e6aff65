"""Pool-scoped reads of end users, identities and login events."""
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from scanlogin.errors import NotFound

from .models import EndUser, Identity, LoginEvent


def end_users_for_pool(*, pool, phone: str | None = None, blocked: bool | None = None):
    users = EndUser.objects.filter(pool=pool)
    if phone:
        users = users.filter(phone=phone)
    if blocked is not None:
        users = users.filter(blocked=blocked)
    return users


def end_users_sharing_a_phone(*, pool):
    """The pool's accounts (not merged away) whose phone, verified or not, is on another of them too:
    the candidates for a merge."""
    live = EndUser.objects.filter(pool=pool, merged_into__isnull=True).exclude(phone="")
    shared = live.values("phone").annotate(n=Count("id")).filter(n__gt=1).values("phone")
    return live.filter(phone__in=shared)


def end_user_get(*, pool, sub) -> EndUser:
    user = EndUser.objects.filter(pool=pool, sub=sub).first()
    if user is None:
        raise NotFound("user_not_found", _("No such user."))
    return user


def identity_get(*, user: EndUser, identity_id: int) -> Identity:
    identity = Identity.objects.filter(pool_id=user.pool_id, user=user, pk=identity_id).first()
    if identity is None:
        raise NotFound("identity_not_found", _("No such identity."))
    return identity


def login_events_for_pool(*, pool, user_sub=None, connection=None, client_id=None, outcome=None, since=None, until=None):
    """The pool's login events, filtered by user sub, connection identifier, client_id, outcome, time range."""
    lookups = {
        "user__sub": user_sub, "connection__identifier": connection, "application__client_id": client_id,
        "outcome": outcome, "created_at__gte": since, "created_at__lt": until,
    }
    return LoginEvent.objects.filter(pool=pool, **{k: v for k, v in lookups.items() if v is not None}).select_related(
        "user", "connection", "application"
    )
