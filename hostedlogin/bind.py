"""Finishing a paused login: the user binds an existing account, or creates a new one.

The confirm step left the ticket `confirmed` with `bind_pending`; only the browser that created
it reaches these services (the views check the binding). Success consumes the ticket in the same
transaction that links the identity, so a bind happens once.
"""
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.models import LoginOutcome
from accounts.pipeline import BindRefused, LoginContext, Refused, Resolution, phone_owner, resume_bind, resume_create
from accounts.services import end_user_authenticate
from scanlogin.errors import NotFound
from scanlogin.ratelimit import RateLimited, failure_add, failures_clear, failures_locked

from .models import LoginTicket, TicketStatus
from .tickets import expire_if_overdue, state_error, ticket_event, ticket_lock, transition

MAX_BIND_ATTEMPTS = 5

BIND_MESSAGES = {
    "invalid_credentials": _("The account or password is wrong."),
    "account_already_bound": _("That account is already bound to another WeChat account."),
    "login_only": _("This application only allows existing accounts to log in."),
    "user_blocked": _("This account has been blocked."),
    "phone_in_use": _("This phone number already has an account. Sign in to that account above to link this WeChat to it."),
    "too_many_attempts": _("Too many wrong passwords. Start again by scanning a new code."),
}
BIND_LOCKED_MESSAGE = ngettext_lazy("Too many wrong attempts. Wait %(minutes)s minute and try again.",
                                     "Too many wrong attempts. Wait %(minutes)s minutes and try again.", "minutes")


def bind_pending_ticket(ticket: LoginTicket | None) -> LoginTicket:
    """The ticket if a bind step may run on it now; else the documented ServiceError."""
    if ticket is None:
        raise NotFound("ticket_not_found", _("No such login request."))
    expire_if_overdue(ticket)
    if ticket.status != TicketStatus.CONFIRMED or not ticket.bind_pending:
        raise state_error(ticket, wanted=TicketStatus.CONFIRMED)
    return ticket


def _context(ticket: LoginTicket) -> LoginContext:
    return LoginContext(pool=ticket.pool, connection=ticket.connection, application=ticket.application,
                        app_id=ticket.wechat_app_id, openid=ticket.openid, unionid=ticket.unionid, phone=ticket.phone)


def bind_phone_in_use(ticket: LoginTicket) -> bool:
    """The scanned phone already has an account: binding (to it) is the only way on, no sign-up."""
    return phone_owner(_context(ticket)) is not None


def _finish(ticket: LoginTicket, run) -> Resolution:
    """Lock the paused ticket, run the resume step, consume the ticket; refusals reject it."""
    with transaction.atomic():
        if not ticket_lock(ticket, status=TicketStatus.CONFIRMED, bind_pending=True):
            ticket.refresh_from_db()
            raise state_error(ticket, wanted=TicketStatus.CONFIRMED)
        try:
            res = run(_context(ticket))
        except Refused as exc:
            transition(ticket, old=TicketStatus.CONFIRMED, new=TicketStatus.REJECTED, actor="browser", reason=exc.reason)
            ticket_event(ticket, LoginOutcome.REFUSED, reason=exc.reason)
            refusal = exc.reason
        else:
            transition(ticket, old=TicketStatus.CONFIRMED, new=TicketStatus.CONSUMED, actor="browser", where={"bind_pending": True},
                       bind_pending=False, user=res.user, identity=res.identity, outcome=res.outcome)
            ticket_event(ticket, res.outcome, user=res.user)
            return res
    raise BindRefused(refusal)


def _wrong_password(ticket: LoginTicket) -> None:
    LoginTicket.objects.filter(pk=ticket.pk).update(bind_attempts=F("bind_attempts") + 1)
    ticket.refresh_from_db(fields=["bind_attempts"])
    if ticket.bind_attempts >= MAX_BIND_ATTEMPTS:
        transition(ticket, old=TicketStatus.CONFIRMED, new=TicketStatus.REJECTED, actor="browser", reason="too_many_attempts")
        ticket_event(ticket, LoginOutcome.REFUSED, reason="too_many_attempts")
        raise BindRefused("too_many_attempts")
    raise BindRefused("invalid_credentials")


def _account_key(ticket: LoginTicket, login: str) -> str:
    """What a lockout counts failures of: the login name as typed (normalised) in the pool, whether
    or not an account answers to it, so a lock says nothing about which accounts exist."""
    return f"{ticket.pool_id}:{(login or '').strip().casefold()}"


def _locked_out(ticket: LoginTicket, account: str, ip: str | None) -> None:
    """Refuse (429) while the login name or the IP is locked out after too many wrong passwords."""
    wait = failures_locked("bind_failures_per_account", account) or failures_locked("bind_failures_per_ip", ip)
    if wait:
        ticket_event(ticket, LoginOutcome.REFUSED, reason="bind_locked")
        raise RateLimited(wait, BIND_LOCKED_MESSAGE % {"minutes": max(1, -(-wait // 60))}, code="bind_locked")


def _failure_counted(ticket: LoginTicket, account: str, ip: str | None) -> None:
    """A wrong password is a login event; the one that reaches a lockout limit is one more."""
    ticket_event(ticket, LoginOutcome.FAILED, reason="bind_invalid_credentials")
    if failure_add("bind_failures_per_account", account):
        ticket_event(ticket, LoginOutcome.REFUSED, reason="bind_account_locked")
    if failure_add("bind_failures_per_ip", ip):
        ticket_event(ticket, LoginOutcome.REFUSED, reason="bind_ip_locked")


def ticket_bind_existing(*, ticket: LoginTicket, login: str, password: str, ip: str | None = None) -> Resolution:
    """Bind the scanned WeChat identity to the account the user just proved with its password.

    Wrong passwords are counted per ticket (MAX_BIND_ATTEMPTS ends it), per login name across all
    tickets and per IP (RATE_LIMITS bind_failures_per_account / _per_ip lock them out for a while).
    Raises BindRefused, or RateLimited (429 bind_locked) while locked out.
    """
    bind_pending_ticket(ticket)
    account = _account_key(ticket, login)
    _locked_out(ticket, account, ip)
    user = end_user_authenticate(pool=ticket.pool, login=login, password=password)
    if user is None:
        _failure_counted(ticket, account, ip)
        _wrong_password(ticket)
    failures_clear("bind_failures_per_account", account)
    return _finish(ticket, lambda ctx: resume_bind(ctx, user))


def ticket_bind_create(*, ticket: LoginTicket) -> Resolution:
    """Create a new account for the scanned identity instead (refused on login-only connections)."""
    bind_pending_ticket(ticket)
    return _finish(ticket, resume_create)
