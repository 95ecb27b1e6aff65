"""Reads for the hosted login: the connections an application's login page offers."""
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from connections.selectors import connection_get_enabled_for, enabled_connections
from scanlogin.errors import NotFound
from tenants.models import Application
from tenants.selectors import usable_key

from .models import FUNNEL_STAGES, TicketStageDay, WeChatFailureDay


def login_connections(application: Application):
    return enabled_connections(application)


def connection_not_found() -> NotFound:
    return NotFound("connection_not_found", _("This login method is not available for this application."))


def connection_for_login(*, application: Application, identifier):
    """An enabled connection of the application's pool that is enabled for it; else NotFound."""
    conn = connection_get_enabled_for(application=application, identifier=identifier) if usable_key(identifier) else None
    if conn is None:
        raise connection_not_found()
    return conn


def ticket_funnel(*, pool, since) -> dict[str, int]:
    """How many of the pool's tickets reached each funnel stage from the day `since` (a date) on:
    {"pending": created, "scanned", "confirmed", "consumed"}, summed by the database."""
    rows = TicketStageDay.objects.filter(pool=pool, day__gte=since).values("stage").annotate(n=Sum("count"))
    found = {row["stage"]: row["n"] for row in rows}
    return {stage: found.get(stage, 0) for stage in FUNNEL_STAGES}


def wechat_failure_counts(*, pool, since) -> list[dict]:
    """The pool's failed WeChat calls from the day `since` on, per connection, call and errcode,
    most frequent first: [{"connection", "api", "errcode", "n"}]."""
    rows = WeChatFailureDay.objects.filter(pool=pool, day__gte=since).values("connection", "api", "errcode")
    return list(rows.annotate(n=Sum("count")).order_by("-n", "api", "errcode"))
