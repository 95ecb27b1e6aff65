"""The browser's JSON API on a pool's hosted login: create a ticket, wait on it, draw it, exchange it."""
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from connections.wechat.errors import WeChatError
from scanlogin.errors import NotFound, ServiceError
from scanlogin.proxies import client_ip
from scanlogin.ratelimit import from_ip, limit_requests
from tenants.selectors import application_get, pool_get

from . import longpoll
from .browser import browser_hash, ensure_browser_secret, is_widget_request, own_ticket, set_browser_cookie
from .codes import ticket_code_png
from .completion import login_complete
from .jsonio import error, error_response, read_json
from .miniprogram import wechat_error_response
from .models import LIVE_STATUSES, TicketStatus
from .redirects import MAX_STATE, next_for_login
from .selectors import connection_for_login, connection_not_found
from .widget import WIDGET_FIELDS, csrf_unless_widget, widget_code_issue, widget_request
from .tickets import (
    expire_if_overdue,
    public_state,
    ticket_create,
    ticket_exchange,
    ticket_get_for_browser,
    with_expires_in,
)
from .trylogin import try_allowed, try_login_detail

EXCHANGE_RELATED = ("user", "identity", "pool", "application", "connection")  # all the exchange reads, in one query


def _ticket_not_found() -> JsonResponse:
    return error_response(NotFound("ticket_not_found", _("No such login request.")))


def _browser(request, **_kwargs) -> str:
    return browser_hash(request)


def _new_or_known_browser(request, **_kwargs) -> str:
    """The browser a new ticket will be bound to (its binding is made now if it has none yet)."""
    try:
        return ensure_browser_secret(request)
    except ServiceError:
        return ""  # an unusable binding: the view answers that, uncounted per browser


def _pool(request, *, pool, **_kwargs) -> str:
    return pool


def _ticket_url(name: str, pool: str, key: str) -> str:
    return reverse(f"hostedlogin:{name}", kwargs={"pool": pool, "ticket": key})


TICKET_FIELDS = {"app_id": (str, 64, True), "connection": (str, 31, True), "try": (bool, 0, False),
                 "next": (str, 2000, False), "state": (str, MAX_STATE, False)}


@csrf_unless_widget
@require_POST
@limit_requests(("tickets_per_ip", from_ip), ("tickets_per_browser", _new_or_known_browser), ("tickets_per_pool", _pool))
def tickets_create(request, pool):
    """POST /u/<pool>/api/qr-tickets {"app_id", "connection", "try"?, "next"?, "state"?} → 201 a pending ticket.
    `try` counts only in a browser that redeemed the console's Try-login grant; `next` must be this
    application's authorization request; `state` goes back with a callback-URL code.

    From the embedded code (X-ScanLogin-Binding header) also {"redirect_uri", "code_challenge"?,
    "code_challenge_method"?, "scope"?, "nonce"?}: the ticket is bound to the header, not a cookie
    (no `try`, no `next`: it ends with an authorization code for its redirect URI)."""
    widget = is_widget_request(request)
    try:
        bhash = ensure_browser_secret(request)
        data = read_json(request, {**TICKET_FIELDS, **WIDGET_FIELDS} if widget else TICKET_FIELDS)
        the_pool = pool_get(slug=pool)
        app = application_get(pool=the_pool, client_id=data["app_id"])
        request.cors_application = app  # CORS answers this application's web origins (hostedlogin/cors.py)
        conn = connection_for_login(application=app, identifier=data["connection"])
        next_url = "" if widget else next_for_login(pool_slug=pool, application=app, value=data.get("next"))
        oidc_request = widget_request(application=app, data=data, origin=request.headers.get("Origin")) if widget else None
    except NotFound as exc:
        # An unknown pool answers like a connection that is not there (the contract's 404).
        return error_response(connection_not_found() if exc.code == "pool_not_found" else exc)
    except ServiceError as exc:
        return error_response(exc)
    ticket = ticket_create(
        pool=the_pool, application=app, connection=conn, browser_hash=bhash,
        ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""),
        try_mode=bool(data.get("try")) and not widget and try_allowed(request, application=app), state=data.get("state") or "",
        next_url=next_url, widget_request=oidc_request,
    )
    body = with_expires_in(public_state(ticket))
    body["qrcode_url"] = _ticket_url("ticket_qrcode", pool, ticket.key)
    return set_browser_cookie(request, JsonResponse(body, status=201))


def _read_state(pool: str, key: str, bhash: str) -> dict | None:
    """The browser's ticket as the browser may see it (an overdue one is marked expired), or None."""
    ticket = ticket_get_for_browser(pool_slug=pool, key=key, browser_hash=bhash)
    if ticket is None:
        return None
    expire_if_overdue(ticket)
    return public_state(ticket)


def _wait_arg(request) -> float:
    raw = request.GET.get("wait") or "0"
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 30:
        raise ServiceError("invalid_field", 400, _("wait must be a whole number of seconds from 0 to 30."))
    return float(raw)


@require_GET
async def ticket_status(request, pool, ticket):
    """GET /u/<pool>/api/qr-tickets/<ticket>?since=<status>&wait=<0..30>: a long poll.

    Registers with this process's notification hub BEFORE reading the ticket (no change can slip
    between the two), answers at once if the status differs from `since`, else on the first
    change pushed (or, while Redis is down, found by the process's one poller), at the ticket's
    expiry, or after `wait` seconds. At most one database read per request, on the long-poll's
    own threads; none for a re-poll the subscription has kept current (hostedlogin/longpoll.py).
    """
    try:
        wait = _wait_arg(request)
    except ServiceError as exc:
        return error_response(exc)
    since, bhash = request.GET.get("since", ""), browser_hash(request)
    with longpoll.watch(ticket, passive=not wait) as watch:
        state = await watch.load(pool, bhash, _read_state, pool, ticket, bhash, waits_since=since)
        if state is None:
            return _ticket_not_found()
        if wait and state["status"] == since and state["status"] in LIVE_STATUSES:
            state = await watch.wait_for_change(state, since, wait, lambda: longpoll.read(_read_state, pool, ticket, bhash))
    return JsonResponse(with_expires_in(state))


@require_GET
@limit_requests(("qrcode_per_ip", from_ip), ("qrcode_per_browser", _browser))
def ticket_qrcode(request, pool, ticket):
    """GET .../qrcode.png: the code to scan, drawn once per ticket and cached for its lifetime."""
    t = own_ticket(request, pool, ticket, related=("connection",))
    if t is None:
        return _ticket_not_found()
    if t.effective_status() not in LIVE_STATUSES:
        return error("ticket_expired", 410, _("This QR code has expired."))
    try:
        png = ticket_code_png(t)
    except WeChatError as exc:
        # Try login exists to test a configuration: its staff are told what WeChat said and what to fix.
        return wechat_error_response(exc, detail=try_login_detail(t, exc) if t.try_mode else None)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


@csrf_unless_widget
@require_POST
def ticket_exchange_view(request, pool, ticket):
    """POST .../exchange: consume a confirmed ticket once → an end-user session and where to go
    (a widget's ticket: an authorization code for its redirect URI instead of a session)."""
    t = own_ticket(request, pool, ticket, related=EXCHANGE_RELATED)
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
