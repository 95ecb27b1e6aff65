"""Pool-scoped reads of end users, identities and login events."""
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scanlogin.errors import NotFound

from .models import EndUser, Identity, LoginEvent, LoginOutcome


def end_users_for_pool(*, pool, phone: str | None = None, blocked: bool | None = None):
    users = EndUser.objects.filter(pool=pool)
    if phone:
        users = users.filter(phone=phone)
    if blocked is not None:
        users = users.filter(blocked=blocked)
    return users


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


# -- the pool dashboard (console/insights.py) ----------------------------------------------------
# Counted by PostgreSQL (or SQLite) with GROUP BY over one range of the pool's rows in the index
# (pool, created_at, outcome, connection, application): COUNT(*) needs no other column, so the
# daily counts are answered from the index alone, in one pass. bench/insights_bench.py shows the plans.


def login_counts_by_day(*, pool, since) -> list[dict]:
    """The pool's login events from `since` (an aware datetime) counted per local day, outcome,
    connection and application in one pass: [{"day", "outcome", "connection_id", "application_id",
    "n"}]. At most days × outcomes × connections × applications rows, whatever the volume."""
    events = LoginEvent.objects.filter(pool=pool, created_at__gte=since)
    return list(
        events.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "outcome", "connection_id", "application_id")
        .annotate(n=Count("*")).order_by()
    )


def refusal_counts(*, pool, since) -> list[dict]:
    """The pool's refused logins from `since` counted per reason, most frequent first: [{"reason", "n"}]."""
    refused = LoginEvent.objects.filter(pool=pool, created_at__gte=since, outcome=LoginOutcome.REFUSED)
    return list(refused.values("reason").annotate(n=Count("*")).order_by("-n", "reason"))
