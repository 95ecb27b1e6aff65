"""The per-browser binding secret: a random value in an HttpOnly cookie; tickets store its hash.

A ticket answers only to the browser holding the secret it was created with, so a stolen or
guessed ticket id is useless elsewhere (another browser gets 404). The cookie is read without
touching the database, which keeps the long-poll free of session queries.

The embedded code (ScanLogin.mountQrCode) cannot count on a cookie of ScanLogin in a website's
page (third-party cookies are blocked), so it sends its own secret as the X-ScanLogin-Binding
header instead; a request with that header is bound by it alone, never by the cookie.
"""
import secrets

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from scanlogin.errors import ServiceError
from scanlogin.hashing import sha256_hex

from .tickets import ticket_get_for_browser

COOKIE = "sl_browser"
MAX_AGE = 30 * 24 * 3600
HEADER = "HTTP_X_SCANLOGIN_BINDING"


def is_widget_request(request) -> bool:
    """Bound by the X-ScanLogin-Binding header (the embedded code), not by the cookie."""
    return HEADER in request.META


def _valid(value: str | None) -> bool:
    return bool(value) and 32 <= len(value) <= 64 and value.isascii() and value.replace("-", "").replace("_", "").isalnum()


def browser_hash(request) -> str:
    """SHA-256 of this browser's (or widget's) secret, or "" when it has none."""
    value = request.META[HEADER] if is_widget_request(request) else request.COOKIES.get(COOKIE)
    return sha256_hex(value) if _valid(value) else ""


def own_ticket(request, pool_slug: str, key: str, related: tuple = ()):
    """The ticket `key` of the pool if this browser created it, else None (the caller answers 404)."""
    return ticket_get_for_browser(pool_slug=pool_slug, key=key, browser_hash=browser_hash(request), related=related)


def ensure_browser_secret(request) -> str:
    """This browser's secret hash, creating a secret (remembered on the request) when missing."""
    current = browser_hash(request)
    if current:
        return current
    if is_widget_request(request):
        raise ServiceError("invalid_binding", 400, _("The X-ScanLogin-Binding header must be 32 to 64 URL-safe characters."))
    value = getattr(request, "_new_browser_secret", None) or secrets.token_urlsafe(32)
    request._new_browser_secret = value
    return sha256_hex(value)


def set_browser_cookie(request, response):
    """Send the secret created during this request (if any) as an HttpOnly, SameSite=Lax cookie."""
    value = getattr(request, "_new_browser_secret", None)
    if value:
        # Host-only; on a pool's own login domain the hosted paths start at "/".
        path = "/" if getattr(request, "pool_domain", None) else "/u/"
        response.set_cookie(COOKIE, value, max_age=MAX_AGE, path=path, httponly=True, samesite="Lax",
                            secure=not settings.DEBUG)
    return response
