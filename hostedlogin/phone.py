"""The phone's side of a ticket: scan, confirm, cancel (services behind /api/miniprogram/*).

WeChat is called outside any transaction; the ticket is then moved by a compare-and-swap, so
a lost race writes nothing. WeChat errors (connections.wechat.errors) propagate to the view,
which maps them to the contract's error codes.
"""
import secrets
from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Identity, LoginOutcome
from accounts.pipeline import BindRequired, LoginContext, Refused, resolve
from connections.wechat.client import client_for_connection
from connections.wechat.errors import WeChatError
from scanlogin.errors import NotFound, ServiceError
from scanlogin.hashing import sha256_hex
from scanlogin.queries import unique_row_where
from tenants.selectors import usable_key

from .models import LoginTicket, TicketStatus
from .tickets import (
    CONFIG_RELATIONS,
    exchange_window,
    expire_if_overdue,
    mask_nickname,
    state_error,
    ticket_event,
    ticket_lock,
    ticket_wechat_failure,
    transition,
    with_config,
)

SCAN_CONFIRM_WINDOW = 60  # a scan near the end of the code's life still leaves time to confirm
BIND_WINDOW = 300  # typing a password to bind an existing account takes longer than a click

REFUSAL_MESSAGES = {
    "login_only": _("This application only allows existing accounts to log in."),
    "user_blocked": _("This account has been blocked."),
    "phone_in_use": _(
        "This phone number already belongs to another account here. Log in the way you did before "
        "(with the WeChat account you used first), or ask the site to link this WeChat to your account."
    ),
}


def _not_found() -> NotFound:
    return NotFound("ticket_not_found", _("No such login request."))


def _live(ticket: LoginTicket | None, wanted: str) -> LoginTicket:
    if ticket is None:
        raise _not_found()
    expire_if_overdue(ticket)
    if ticket.status != wanted:
        raise state_error(ticket, wanted=wanted)
    return ticket


def _by_scan_token(scan_token: str) -> LoginTicket | None:
    if not usable_key(scan_token):
        return None
    ticket = unique_row_where(LoginTicket, '"scan_token_hash" = %s', [sha256_hex(scan_token)])
    return ticket and with_config(ticket, *CONFIG_RELATIONS)


def _scanned_profile(ticket: LoginTicket, app_id: str, openid: str) -> tuple[str, str]:
    """The masked nickname/avatar the PC page may show: from a known account, else WeChat's default."""
    identity = unique_row_where(Identity, '"pool_id" = %s AND "app_id" = %s AND "openid" = %s', [ticket.pool_id, app_id, openid],
                                related=("user",))
    if identity and identity.user.nickname:
        return mask_nickname(identity.user.nickname), identity.user.avatar
    return str(_("WeChat user")), ""


def ticket_scan(*, scene: str, code: str) -> tuple[LoginTicket, str]:
    """Exchange the wx.login code, mark the ticket scanned, return it with a new scan token."""
    found = unique_row_where(LoginTicket, '"scene" = %s', [scene]) if usable_key(scene) else None  # (no NUL for PostgreSQL)
    ticket = _live(found and with_config(found, *CONFIG_RELATIONS), TicketStatus.PENDING)
    if not ticket.connection.is_enabled_for(ticket.application):  # disabled since the code was drawn
        raise _not_found()
    with _failure_logged(ticket):
        session = client_for_connection(ticket.connection).code2session(code)
    app_id = ticket.connection.wechat_app_id
    nickname, avatar = _scanned_profile(ticket, app_id, session.openid)
    token = secrets.token_urlsafe(32)
    expires_at = max(ticket.expires_at, timezone.now() + timedelta(seconds=SCAN_CONFIRM_WINDOW))
    if not transition(ticket, old=TicketStatus.PENDING, new=TicketStatus.SCANNED, actor="phone",
                      wechat_app_id=app_id, openid=session.openid, unionid=session.unionid or "",
                      scan_token_hash=sha256_hex(token), scanned_nickname=nickname, scanned_avatar=avatar, expires_at=expires_at):
        ticket.refresh_from_db()
        expire_if_overdue(ticket)
        raise state_error(ticket, wanted=TicketStatus.PENDING)
    return ticket, token


def ticket_cancel(*, scan_token: str) -> LoginTicket:
    """The phone said no: scanned → cancelled."""
    ticket = _live(_by_scan_token(scan_token), TicketStatus.SCANNED)
    if not transition(ticket, old=TicketStatus.SCANNED, new=TicketStatus.CANCELLED, actor="phone", reason="user_cancelled"):
        ticket.refresh_from_db()
        raise state_error(ticket, wanted=TicketStatus.SCANNED)
    ticket_event(ticket, LoginOutcome.CANCELLED, reason="user_cancelled")
    return ticket


@contextmanager
def _failure_logged(ticket: LoginTicket):
    """A WeChat failure is a login outcome too: write it as a login event, then let it propagate."""
    try:
        yield
    except WeChatError as exc:
        ticket_wechat_failure(ticket, exc)
        raise


def phone_e164(info) -> str:
    """WeChat's phone answer as "+<country code><number>" (how EndUser.phone is stored)."""
    if info.country_code and info.pure_phone_number:
        return f"+{info.country_code.lstrip('+')}{info.pure_phone_number}"
    return info.phone_number


def ticket_confirm(*, scan_token: str, phone_code: str) -> LoginTicket:
    """Verify the phone with WeChat, resolve the identity, and confirm (or reject) the ticket.

    The ticket row is locked with its expected state first, so of two racing confirms exactly
    one runs the pipeline; the other finds the ticket no longer scanned and writes nothing.
    Raises ServiceError (403 login_only / user_blocked / phone_in_use after the ticket is rejected).
    """
    ticket = _live(_by_scan_token(scan_token), TicketStatus.SCANNED)
    with _failure_logged(ticket):
        phone = phone_e164(client_for_connection(ticket.connection).phone_number(phone_code))
    ctx = LoginContext(pool=ticket.pool, connection=ticket.connection, application=ticket.application,
                       app_id=ticket.wechat_app_id, openid=ticket.openid, unionid=ticket.unionid, phone=phone)
    refusal = None
    with transaction.atomic():
        if not ticket_lock(ticket, status=TicketStatus.SCANNED):
            ticket.refresh_from_db()
            expire_if_overdue(ticket)
            raise state_error(ticket, wanted=TicketStatus.SCANNED)
        refusal = _confirm_locked(ticket, ctx, phone)
    if refusal:
        raise ServiceError(refusal, 403, REFUSAL_MESSAGES.get(refusal, _("This login was refused.")))
    return ticket


def _confirm_locked(ticket: LoginTicket, ctx: LoginContext, phone: str) -> str | None:
    """Run the pipeline for a locked scanned ticket and move it; returns a refusal code or None."""
    now = timezone.now()
    try:
        res = resolve(ctx)
    except Refused as exc:
        transition(ticket, old=TicketStatus.SCANNED, new=TicketStatus.REJECTED, actor="phone", reason=exc.reason, phone=phone)
        ticket_event(ticket, LoginOutcome.REFUSED, reason=exc.reason)
        return exc.reason
    except BindRequired:
        transition(ticket, old=TicketStatus.SCANNED, new=TicketStatus.CONFIRMED, actor="phone", reason="bind_required",
                   phone=phone, bind_pending=True, outcome=LoginOutcome.BIND_REQUIRED, expires_at=now + timedelta(seconds=BIND_WINDOW))
        ticket_event(ticket, LoginOutcome.BIND_REQUIRED)
        return None
    transition(ticket, old=TicketStatus.SCANNED, new=TicketStatus.CONFIRMED, actor="phone", phone=phone,
               user=res.user, identity=res.identity, outcome=res.outcome, expires_at=now + timedelta(seconds=exchange_window()))
    ticket_event(ticket, res.outcome, user=res.user)
    return None
