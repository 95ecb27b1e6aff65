"""Where the browser goes after a login: ONE function decides.

Order: a `next` URL the OIDC authorize endpoint passed to the login page (validated when the
ticket was created) → the "Try login" success page → the connection's callback URL, carrying a
one-time authorization code for the application when that URL is one of its redirect URIs.
"""
import re
from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from django.urls import reverse
from django.utils import timezone

from oidc.services import callback_code_issue

_UNSAFE = re.compile(r"[\x00-\x20\\]|/\.\.?(/|$)|%2e|%2f|%5c", re.IGNORECASE)


def safe_next(*, pool_slug: str, value: str | None) -> str:
    """`value` if it is a relative path under the pool's OIDC prefix (an OIDC authorize round trip):
    /u/<pool>/oidc/, or /oidc/ on the pool's own login domain. Else ""."""
    if not value or len(value) > 2000:
        return ""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or _UNSAFE.search(parts.path):
        return ""
    oidc_prefix = reverse("oidc:discovery", kwargs={"pool": pool_slug}).split(".well-known/")[0]
    return value if parts.path.startswith(oidc_prefix) else ""


def after_login_redirect(*, request, ticket, user) -> str:
    """The URL the browser goes to once `user` is logged in through `ticket`."""
    if ticket.next_url:
        return ticket.next_url
    if ticket.try_mode:
        return reverse("hostedlogin:try_success", kwargs={"pool": ticket.pool.slug, "ticket": ticket.key})
    callback = ticket.connection.callback_url
    if callback and callback in ticket.application.redirect_uris:
        code = callback_code_issue(application=ticket.application, user=user, identity=ticket.identity,
                                   redirect_uri=callback, auth_time=int(timezone.now().timestamp()))
        return add_params_to_uri(callback, [("code", code)])
    return callback
