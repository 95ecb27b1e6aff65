"""The browser's JSON API on a pool's hosted login: create a ticket, wait on it, draw it, exchange it."""
import asyncio
import weakref

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import connection as db_connection
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from connections.qrcode import render_login_code
from connections.wechat.errors import WeChatError
from scanlogin.errors import NotFound, ServiceError
from tenants.selectors import application_get, pool_get

from . import notify
from .browser import browser_hash, ensure_browser_secret, is_widget_request, own_ticket, set_browser_cookie
from .completion import login_complete
from .jsonio import error, error_response, read_json
from .miniprogram import wechat_error_response
from .models import LIVE_STATUSES, TicketStatus
from .redirects import safe_next
from .selectors import connection_for_login, connection_not_found
from .widget import WIDGET_FIELDS, csrf_unless_widget, widget_code_issue, widget_request
from .tickets import (
    expire_if_overdue,
    public_state,
    seconds_left,
    ticket_create,
    ticket_exchange,
    ticket_get_for_browser,
    with_expires_in,
)

POLL_INTERVAL = 0.2  # seconds between database reads when Redis is unavailable


def _ticket_not_found() -> JsonResponse:
    return error_response(NotFound("ticket_not_found", _("No such login request.")))


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _ticket_url(name: str, pool: str, key: str) -> str:
    return reverse(f"hostedlogin:{name}", kwargs={"pool": pool, "ticket": key})


TICKET_FIELDS = {"app_id": (str, 64, True), "connection": (str, 31, True), "try": (bool, 0, False), "next": (str, 2000, False)}


@csrf_unless_widget
@require_POST
def tickets_create(request, pool):
    """POST /u/<pool>/api/qr-tickets {"app_id", "connection", "try"?, "next"?} → 201 a pending ticket.

    From the embedded code (X-ScanLogin-Binding header) also {"redirect_uri", "code_challenge"?,
    "code_challenge_method"?, "scope"?, "nonce"?}: the ticket is bound to the header, not a cookie.
    """
    widget = is_widget_request(request)
    try:
        bhash = ensure_browser_secret(request)
        data = read_json(request, {**TICKET_FIELDS, **WIDGET_FIELDS} if widget else TICKET_FIELDS)
        the_pool = pool_get(slug=pool)
        app = application_get(pool=the_pool, client_id=data["app_id"])
        request.cors_application = app  # CORS answers this application's web origins (hostedlogin/cors.py)
        conn = connection_for_login(application=app, identifier=data["connection"])
        oidc_request = widget_request(application=app, data=data, origin=request.headers.get("Origin")) if widget else None
    except NotFound as exc:
        # An unknown pool answers like a connection that is not there (the contract's 404).
        return error_response(connection_not_found() if exc.code == "pool_not_found" else exc)
    except ServiceError as exc:
        return error_response(exc)
    ticket = ticket_create(
        pool=the_pool, application=app, connection=conn, browser_hash=bhash,
        ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""), try_mode=bool(data.get("try")) and not widget,
        next_url="" if widget else safe_next(pool_slug=pool, value=data.get("next")), widget_request=oidc_request,
    )
    body = with_expires_in(public_state(ticket))
    body["qrcode_url"] = _ticket_url("ticket_qrcode", pool, ticket.key)
    return set_browser_cookie(request, JsonResponse(body, status=201))


def _read_state(pool: str, key: str, bhash: str) -> dict | None:
    try:
        ticket = ticket_get_for_browser(pool_slug=pool, key=key, browser_hash=bhash)
        if ticket is None:
            return None
        expire_if_overdue(ticket)
        return public_state(ticket)
    finally:
        # A waiter must not hold a database connection for up to 30 s: hundreds wait at once.
        if not db_connection.in_atomic_block:
            db_connection.close()


_db_slots: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = weakref.WeakKeyDictionary()


async def _read(pool: str, key: str, bhash: str) -> dict | None:
    """_read_state off the event loop, at most LONGPOLL_DB_CONCURRENCY at a time per process.

    Hundreds of waiters must not open hundreds of database connections at once (they would
    exhaust the server's max_connections, above all in the no-Redis polling fallback).
    """
    loop = asyncio.get_running_loop()
    slots = _db_slots.get(loop)
    if slots is None:
        slots = _db_slots[loop] = asyncio.Semaphore(getattr(settings, "LONGPOLL_DB_CONCURRENCY", 16))
    async with slots:
        return await sync_to_async(_read_state)(pool, key, bhash)


def _wait_arg(request) -> float:
    raw = request.GET.get("wait") or "0"
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 30:
        raise ServiceError("invalid_field", 400, _("wait must be a whole number of seconds from 0 to 30."))
    return float(raw)


@require_GET
async def ticket_status(request, pool, ticket):
    """GET /u/<pool>/api/qr-tickets/<ticket>?since=<status>&wait=<0..30>: a long poll.

    Subscribes to the ticket's channel BEFORE reading it (no change can slip between the two),
    answers at once if the status differs from `since`, else on the first published change, at
    the ticket's expiry, or after `wait` seconds. One database read per request; none while
    waiting on Redis. Without Redis it polls the database every POLL_INTERVAL seconds.
    """
    try:
        wait = _wait_arg(request)
    except ServiceError as exc:
        return error_response(exc)
    since, bhash = request.GET.get("since", ""), browser_hash(request)
    async with notify.Subscription(ticket, enabled=wait > 0) as sub:
        state = await _read(pool, ticket, bhash)
        if state is None:
            return _ticket_not_found()
        if wait and state["status"] == since and state["status"] in LIVE_STATUSES:
            state = await _wait_for_change(sub, state, since, wait, pool, ticket, bhash)
    return JsonResponse(with_expires_in(state))


async def _wait_for_change(sub, state, since, wait, pool, key, bhash) -> dict:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while (remaining := deadline - loop.time()) > 0:
        until_expiry = seconds_left(state)
        if until_expiry <= 0:
            return await _read(pool, key, bhash) or state
        step = min(remaining, until_expiry + 0.05)
        if sub.ok:
            new = await sub.next_state(step)
        else:
            await asyncio.sleep(min(step, POLL_INTERVAL))
            new = await _read(pool, key, bhash)
        if new is not None:
            state = new
            if new["status"] != since:
                return new
    return state


@require_GET
def ticket_qrcode(request, pool, ticket):
    """GET .../qrcode.png: the code to scan, drawn once per ticket and cached for its lifetime."""
    t = own_ticket(request, pool, ticket)
    if t is None:
        return _ticket_not_found()
    if t.effective_status() not in LIVE_STATUSES:
        return error("ticket_expired", 410, _("This QR code has expired."))
    cache_key = f"hostedlogin:qrcode:{t.key}"
    png = cache.get(cache_key)
    if png is None:
        try:
            png = render_login_code(connection=t.connection, scene=t.scene)
        except WeChatError as exc:
            return wechat_error_response(exc)
        cache.set(cache_key, png, timeout=max(1, int(seconds_left(public_state(t)))) + 60)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


@csrf_unless_widget
@require_POST
def ticket_exchange_view(request, pool, ticket):
    """POST .../exchange: consume a confirmed ticket once → an end-user session and where to go
    (a widget's ticket: an authorization code for its redirect URI instead of a session)."""
    t = own_ticket(request, pool, ticket)
    if t is None:
        return _ticket_not_found()
    try:
        ticket_exchange(ticket=t)
    except ServiceError as exc:
        return error_response(exc)
    if t.status == TicketStatus.CONFIRMED and t.bind_pending:
        return JsonResponse({"status": "bind_required", "redirect_to": _ticket_url("bind", pool, t.key)})
    if t.widget_request is not None:
        return JsonResponse({"status": TicketStatus.CONSUMED, **widget_code_issue(ticket=t)})
    return JsonResponse({"status": TicketStatus.CONSUMED,
                         "redirect_to": login_complete(request, ticket=t, user=t.user, identity=t.identity)})
