"""The ticket state machine: create, read, and every transition as one compare-and-swap.

Each transition is a single conditional UPDATE (`filter(pk, status=old, expires_at > now)`);
zero rows means the race was lost, so concurrent scans, confirms and exchanges leave exactly
one winner. Each successful transition writes a TicketTransition row and, after commit,
publishes the ticket's public state (hostedlogin/notify.py).
"""
import math
from contextlib import nullcontext
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import LoginOutcome
from accounts.services import login_event_record, login_events_record_many
from connections.selectors import connection_by_id
from scanlogin.errors import NotFound, ServiceError
from scanlogin.queries import insert_row, insert_sql, saved, unique_row_where, update_sql, where_sql
from tenants.selectors import application_by_id, pool_by_id, pool_get

from . import notify
from .counters import stage_count_sql, stage_reached, wechat_failure_seen
from .models import FINISHED_STATUSES, LIVE_STATUSES, LoginTicket, TicketStatus, TicketTransition


def ttl() -> int:
    return settings.QR_TICKET_TTL


def exchange_window() -> int:
    return getattr(settings, "QR_TICKET_EXCHANGE_WINDOW", 60)


def ticket_create(*, pool, application, connection, browser_hash: str, ip: str | None = None,
                  user_agent: str = "", try_mode: bool = False, next_url: str = "", state: str = "",
                  widget_request: dict | None = None) -> LoginTicket:
    """A fresh pending ticket bound to one browser (or one embedded widget), living QR_TICKET_TTL seconds."""
    now = timezone.now()
    ticket = LoginTicket(
        pool=pool, application=application, connection=connection, browser_hash=browser_hash,
        ip=ip, user_agent=(user_agent or "")[:300], try_mode=try_mode, next_url=next_url, state=state,
        widget_request=widget_request,
        created_at=now, updated_at=now, expires_at=now + timedelta(seconds=ttl()),
    )
    db = connections[LoginTicket.objects.db]
    if db.vendor != "postgresql":
        with transaction.atomic():
            ticket.save(force_insert=True)
            stage_reached(pool_id=ticket.pool_id, stage=TicketStatus.PENDING, now=now)
        return ticket
    # One statement, its own transaction: the INSERT and its funnel count (which takes its row from
    # the INSERT's RETURNING), as a transition writes its audit row and count (_moved).
    insert, params = insert_sql(ticket, connection=db)
    counted, count_params = stage_count_sql(pool_id=ticket.pool_id, stage=TicketStatus.PENDING, now=now, source="FROM created")
    with db.cursor() as cursor:
        cursor.execute(f"WITH created AS ({insert} RETURNING {db.ops.quote_name('id')}), counted AS ({counted}) "
                       f"SELECT {db.ops.quote_name('id')} FROM created", [*params, *count_params])
        ticket.pk = cursor.fetchone()[0]
    return saved(ticket, db)


def ticket_get_for_browser(*, pool_slug: str, key: str, browser_hash: str, related: tuple = ()) -> LoginTicket | None:
    """The ticket if it exists in this pool and this browser created it (else None → 404).

    `related` names the foreign keys the caller will use: the configuration rows (pool, application,
    connection) from this process's copy, the others in the same query.
    """
    if not browser_hash or not key or len(key) > 64:
        return None
    try:
        pool = pool_get(slug=pool_slug)
    except NotFound:
        return None
    config = [name for name in related if name in CONFIG_RELATIONS and name != "pool"]  # (the pool: at hand)
    joined = [name for name in related if name not in CONFIG_RELATIONS]
    # (the exchange: its user and identity in the same query)
    ticket = unique_row_where(LoginTicket, '"key" = %s AND "pool_id" = %s AND "browser_hash" = %s', [key, pool.pk, browser_hash],
                              related=tuple(joined))
    if ticket is not None:
        ticket.pool = pool
        with_config(ticket, *config)
    return ticket


CONFIG_RELATIONS = ("pool", "application", "connection")


def with_config(ticket: LoginTicket, *names: str) -> LoginTicket:
    """Attach the ticket's configuration rows (pool, application, connection) from this process's
    copy (scanlogin/config_cache.py) instead of joining them into every ticket read."""
    for name in names:
        setattr(ticket, name, _CONFIG_LOADERS[name](getattr(ticket, f"{name}_id")))
    return ticket


_CONFIG_LOADERS = {"pool": pool_by_id, "application": application_by_id, "connection": connection_by_id}


def mask_nickname(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return ""
    if len(name) <= 3:
        return name[0] + "*" * max(1, len(name) - 1)
    return name[0] + "*" * min(len(name) - 2, 3) + name[-1]


def public_state(ticket: LoginTicket, now=None) -> dict:
    """What the browser may know: status, expiry, masked nickname/avatar, refusal reason.

    The avatar of the account that scanned is shown only once the login is confirmed, when this
    browser receives that login anyway. While merely scanned, the person holding the phone may be
    someone a relayed (phished) code reached, who may still cancel: the asking browser then sees a
    masked nickname and never their picture.
    """
    status = ticket.effective_status(now)
    state = {"ticket": ticket.key, "status": status, "expires_at": ticket.expires_at.isoformat()}
    if ticket.openid and status in (TicketStatus.SCANNED, TicketStatus.CONFIRMED):
        avatar = ticket.scanned_avatar if status == TicketStatus.CONFIRMED else ""
        state["scanned_by"] = {"nickname": ticket.scanned_nickname, "avatar": avatar}
    if status == TicketStatus.REJECTED:
        state["reason"] = ticket.reason
    return state


def seconds_left(state: dict, now=None) -> float:
    """Seconds until the ticket of a public state (as answered or published) expires; negative once overdue."""
    return (datetime.fromisoformat(state["expires_at"]) - (now or timezone.now())).total_seconds()


def with_expires_in(state: dict, now=None) -> dict:
    """Add the seconds left (0 once finished) to a public state, at answer time."""
    left = math.ceil(seconds_left(state, now)) if state["status"] in LIVE_STATUSES else 0
    return {**state, "expires_in": max(0, left)}


def _after_commit_publish(states: list[dict]) -> None:
    transaction.on_commit(lambda: notify.publish_many(states))


def transition(ticket: LoginTicket, *, old: str, new: str, actor: str, reason: str = "",
               where: dict | None = None, **fields) -> bool:
    """Move ticket from `old` to `new` if it is still `old` and not overdue; False if the race was lost.

    `fields` are written in the same UPDATE; `where` adds conditions (e.g. bind_pending=False).
    """
    now = timezone.now()
    values = {"status": new, "reason": reason, "updated_at": now, **fields}
    db = connections[LoginTicket.objects.db]
    # One statement on PostgreSQL is a transaction of its own (no BEGIN/COMMIT round trips); elsewhere
    # three. No savepoint inside a caller's transaction (the confirm): an error fails it whole anyway.
    with nullcontext() if db.vendor == "postgresql" else transaction.atomic(savepoint=False):
        audit = TicketTransition(ticket_id=ticket.pk, old=old, new=new, reason=reason, actor=actor, at=now)
        if not _moved(db, ticket, audit, where={"id": ticket.pk, "status": old, "expires_at__gt": now, **(where or {})},
                      values=values):
            return False
        for name, value in values.items():
            setattr(ticket, name, value)
        _after_commit_publish([public_state(ticket, now)])
    return True


def _moved(db, ticket: LoginTicket, audit: TicketTransition, *, where: dict, values: dict) -> bool:
    """Write a transition: the conditional UPDATE, its audit row and its funnel count; False if no row matched.

    On PostgreSQL the three are one statement (the audit row and the count take their row from the
    UPDATE's RETURNING, so they exist exactly when it matched): a login's transitions are its most
    frequent writes, and each statement costs a round trip and the ORM's compiling more than
    PostgreSQL's work. Elsewhere (SQLite, the embedded default) they run one after another.
    """
    update, params = update_sql(LoginTicket, values, where, connection=db)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            logged, audit_params = insert_sql(audit, connection=db, source="FROM moved")
            counted = stage_count_sql(pool_id=ticket.pool_id, stage=audit.new, now=audit.at, source="FROM moved")
            sql = (f"WITH moved AS ({update} RETURNING {db.ops.quote_name('id')}), audit AS ({logged})"
                   + (f", counted AS ({counted[0]})" if counted else "") + " SELECT count(*) FROM moved")
            cursor.execute(sql, [*params, *audit_params, *(counted[1] if counted else [])])
            return bool(cursor.fetchone()[0])
        cursor.execute(update, params)
        if not cursor.rowcount:
            return False
    insert_row(audit)
    stage_reached(pool_id=ticket.pool_id, stage=audit.new, now=audit.at)
    return True


def ticket_lock(ticket: LoginTicket, **where) -> bool:
    """Lock the ticket row (in the caller's transaction) if it is still as expected and not overdue;
    False if the race is lost. Used where a transition needs work in between (running the pipeline)."""
    db = connections[LoginTicket.objects.db]
    matched, params = where_sql(LoginTicket, {"id": ticket.pk, "expires_at__gt": timezone.now(), **where}, connection=db)
    locking = " FOR UPDATE" if db.features.has_select_for_update else ""  # (SQLite locks the whole file on write)
    with db.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {db.ops.quote_name(LoginTicket._meta.db_table)} WHERE {matched}{locking}", params)
        return cursor.fetchone() is not None


def ticket_event(ticket: LoginTicket, outcome: str, *, user=None, reason: str = ""):
    """Write the login event of an outcome reached through this ticket (who, where from, which app)."""
    return login_event_record(pool=ticket.pool, connection=ticket.connection, application=ticket.application, user=user,
                              outcome=outcome, reason=reason, ip=ticket.ip, user_agent=ticket.user_agent)


def ticket_wechat_failure(ticket: LoginTicket, exc: Exception) -> None:
    """A WeChat failure is a login outcome too: its login event (a spent budget names itself and the call)."""
    reason = getattr(exc, "event_reason", "") or f"{type(exc).__name__}:{getattr(exc, 'errcode', '')}"
    with transaction.atomic():
        ticket_event(ticket, LoginOutcome.FAILED, reason=reason[:64])
        wechat_failure_seen(pool_id=ticket.pool_id, connection=ticket.connection.identifier,
                            api=getattr(exc, "api", ""), errcode=getattr(exc, "errcode", -1))


def expire_if_overdue(ticket: LoginTicket, *, actor: str = "reader") -> bool:
    """Mark one overdue live ticket expired now (a read must never show it live); reloads it."""
    if not ticket.is_overdue():
        return False
    expired = _expire_batch(LoginTicket.objects.filter(pk=ticket.pk), batch_size=1, actor=actor)
    ticket.refresh_from_db()
    return bool(expired)


def tickets_expire_overdue(*, batch_size: int = 500, actor: str = "sweeper") -> int:
    """Expire every overdue live ticket, a batch at a time; returns how many expired."""
    total = 0
    while expired := _expire_batch(LoginTicket.objects.all(), batch_size=batch_size, actor=actor):
        total += expired
        if expired < batch_size:
            break
    return total


def _expire_batch(tickets, *, batch_size: int, actor: str) -> int:
    """Expire up to batch_size overdue live tickets of the queryset; the one place expiry is written.

    One locking SELECT (skipping rows another transaction holds, e.g. a confirm in progress),
    ONE UPDATE for the whole batch, one INSERT of the audit rows, one INSERT of login events,
    and the new states published after commit; no per-row loop.
    """
    now = timezone.now()
    with transaction.atomic():
        batch = list(
            tickets.select_for_update(skip_locked=True)
            .filter(status__in=LIVE_STATUSES, expires_at__lte=now)
            .only("pk", "key", "status", "pool_id", "connection_id", "application_id", "user_id", "ip", "user_agent", "expires_at")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return 0
        LoginTicket.objects.filter(pk__in=[t.pk for t in batch]).update(status=TicketStatus.EXPIRED, updated_at=now)
        TicketTransition.objects.bulk_create(
            [TicketTransition(ticket_id=t.pk, old=t.status, new=TicketStatus.EXPIRED, actor=actor, at=now) for t in batch]
        )
        _expired_events(batch, now)
        _after_commit_publish([{"ticket": t.key, "status": TicketStatus.EXPIRED, "expires_at": t.expires_at.isoformat()} for t in batch])
    return len(batch)


def _expired_events(tickets, now) -> None:
    """A login event for each expired ticket someone had scanned (untouched codes are just noise)."""
    login_events_record_many([
        dict(pool_id=t.pool_id, user_id=t.user_id, connection_id=t.connection_id, application_id=t.application_id,
             outcome=LoginOutcome.EXPIRED, reason="ticket_expired", ip=t.ip, user_agent=t.user_agent, created_at=now)
        for t in tickets if t.status in (TicketStatus.SCANNED, TicketStatus.CONFIRMED)
    ])


def tickets_purge_finished(*, retention_seconds: int | None = None, batch_size: int = 1000) -> int:
    """Delete finished tickets (and their audit rows) older than the retention period, in batches."""
    if retention_seconds is None:
        retention_seconds = getattr(settings, "QR_TICKET_RETENTION", 7 * 24 * 3600)
    cutoff = timezone.now() - timedelta(seconds=retention_seconds)
    total = 0
    while True:
        ids = list(
            LoginTicket.objects.filter(status__in=FINISHED_STATUSES, updated_at__lt=cutoff).values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return total
        with transaction.atomic():
            TicketTransition.objects.filter(ticket_id__in=ids).delete()
            LoginTicket.objects.filter(pk__in=ids).delete()
        total += len(ids)


def state_error(ticket: LoginTicket, *, wanted: str) -> ServiceError:
    """The documented error for a ticket that is not in the `wanted` state (read fresh).

    wanted=pending (scan): 410 ticket_expired | 409 ticket_already_scanned.
    wanted=scanned (confirm, cancel): 410 ticket_expired | 409 ticket_cancelled / ticket_rejected /
    ticket_already_confirmed. wanted=confirmed (exchange, bind): 410 ticket_expired | 409
    ticket_already_used / ticket_not_confirmed.
    """
    status = ticket.effective_status()
    if status == TicketStatus.EXPIRED:
        return ServiceError("ticket_expired", 410, _("This QR code has expired."))
    if wanted == TicketStatus.PENDING:
        return ServiceError("ticket_already_scanned", 409, _("This QR code has already been scanned."))
    if status == TicketStatus.CONSUMED:
        return ServiceError("ticket_already_used", 409, _("This login has already been used."))
    if wanted == TicketStatus.CONFIRMED:
        return ServiceError("ticket_not_confirmed", 409, _("This login has not been confirmed on the phone."))
    if status == TicketStatus.CANCELLED:
        return ServiceError("ticket_cancelled", 409, _("This login was cancelled."))
    if status == TicketStatus.REJECTED:
        return ServiceError("ticket_rejected", 409, _("This login was refused."))
    return ServiceError("ticket_already_confirmed", 409, _("This login has already been confirmed."))


def ticket_exchange(*, ticket: LoginTicket) -> LoginTicket:
    """Consume a confirmed ticket once. Raises ServiceError; returns the ticket (bind_pending: not consumed)."""
    if ticket.status == TicketStatus.CONFIRMED and ticket.bind_pending and not ticket.is_overdue():
        return ticket
    if transition(ticket, old=TicketStatus.CONFIRMED, new=TicketStatus.CONSUMED, actor="browser",
                  where={"bind_pending": False, "user__isnull": False}):
        return ticket
    ticket.refresh_from_db()
    expire_if_overdue(ticket)
    raise state_error(ticket, wanted=TicketStatus.CONFIRMED)
