"""Finishing a paused login: the user binds an existing account, or creates a new one.

The confirm step left the ticket `confirmed` with `bind_pending`; only the browser that created
it reaches these services (the views check the binding). Success consumes the ticket in the same
transaction that links the identity, so a bind happens once.
"""
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from accounts.models import LoginOutcome
from accounts.pipeline import BindRefused, LoginContext, Refused, Resolution, resume_bind, resume_create
from accounts.services import end_user_authenticate
from scanlogin.errors import NotFound

from .models import LoginTicket, TicketStatus
from .tickets import expire_if_overdue, state_error, ticket_event, ticket_lock, transition

MAX_BIND_ATTEMPTS = 5

BIND_MESSAGES = {
    "invalid_credentials": _("The account or password is wrong."),
    "account_already_bound": _("That account is already bound to another WeChat account."),
    "login_only": _("This application only allows existing accounts to log in."),
    "user_blocked": _("This account has been blocked."),
    "too_many_attempts": _("Too many wrong passwords. Start again by scanning a new code."),
}


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


def ticket_bind_existing(*, ticket: LoginTicket, login: str, password: str) -> Resolution:
    """Bind the scanned WeChat identity to the account the user just proved with its password."""
    bind_pending_ticket(ticket)
    user = end_user_authenticate(pool=ticket.pool, login=login, password=password)
    if user is None:
        _wrong_password(ticket)
    return _finish(ticket, lambda ctx: resume_bind(ctx, user))


def ticket_bind_create(*, ticket: LoginTicket) -> Resolution:
    """Create a new account for the scanned identity instead (refused on login-only connections)."""
    bind_pending_ticket(ticket)
    return _finish(ticket, resume_create)
