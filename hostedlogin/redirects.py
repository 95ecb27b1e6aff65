"""Where the browser goes after a login: ONE function decides.

Order: a `next` URL the OIDC authorize endpoint passed to the login page (validated when the
ticket was created: an authorization request of the ticket's own application) → the "Try login"
success page → the connection's callback URL, carrying a one-time authorization code and the
link's `state` when the link had a state and that URL is one of the application's redirect URIs.
"""
import re
from urllib.parse import parse_qs, urlsplit

from authlib.common.urls import add_params_to_uri
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oidc.services import callback_code_issue
from scanlogin.errors import ServiceError

MAX_STATE = 500  # the hosted login link's `state`, returned with a callback-URL code
_UNSAFE = re.compile(r"[\x00-\x20\\]|/\.\.?(/|$)|%2e|%2f|%5c", re.IGNORECASE)


def safe_next(*, pool_slug: str, value: str | None, client_id: str) -> str:
    """`value` if it is a relative URL of the pool's OIDC authorization endpoint naming exactly
    `client_id` (the application the login page shows and the phone names), else ""."""
    if not value or len(value) > 2000:
        return ""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.fragment or _UNSAFE.search(parts.path):
        return ""
    if parts.path != reverse("oidc:authorize", kwargs={"pool": pool_slug}):
        return ""
    return value if parse_qs(parts.query, keep_blank_values=True).get("client_id") == [client_id] else ""


def next_for_login(*, pool_slug: str, application, value: str | None) -> str:
    """The `next` a login page or ticket may carry: "" when none is given, the authorization request
    of this very application, or a clear refusal (never silently another application's)."""
    if not value:
        return ""
    if safe := safe_next(pool_slug=pool_slug, value=value, client_id=application.client_id):
        return safe
    raise ServiceError("invalid_next", 400, _("This sign-in link would continue to another application than the one "
                                               "shown. Start again from the website you came from."))


def after_login_redirect(*, request, ticket, user) -> str:
    """The URL the browser goes to once `user` is logged in through `ticket`."""
    if ticket.next_url:
        return ticket.next_url
    if ticket.try_mode:
        return reverse("hostedlogin:try_success", kwargs={"pool": ticket.pool.slug, "ticket": ticket.key})
    callback = ticket.connection.callback_url
    # A code goes to the callback URL only with the link's `state`: a code the website cannot tie to
    # the browser that started the login could be forwarded into a victim's browser (login CSRF).
    if callback and ticket.state and callback in ticket.application.redirect_uris:
        code = callback_code_issue(application=ticket.application, user=user, identity=ticket.identity,
                                   redirect_uri=callback, auth_time=int(timezone.now().timestamp()))
        return add_params_to_uri(callback, [("code", code), ("state", ticket.state)])
    return callback
