"""The embedded code (ScanLogin.mountQrCode): tickets a website's page creates from its own origin.

Such a ticket is bound to the widget by a random secret the widget keeps in memory and sends as
the `X-ScanLogin-Binding` header (only its SHA-256 is stored, as for the cookie binding), so it
works where third-party cookies are blocked. It names one of the application's redirect URIs
(and a PKCE challenge, required for public clients); its exchange answers a one-time
authorization code for that redirect URI instead of starting a session on the hosted login.
"""
import re
from functools import wraps

from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from accounts.services import end_user_mark_login
from oidc.clients import SCOPES_SUPPORTED
from oidc.services import authorization_code_store
from scanlogin.errors import ServiceError

from .browser import is_widget_request

WIDGET_FIELDS = {
    "redirect_uri": (str, 2000, True), "code_challenge": (str, 128, False), "code_challenge_method": (str, 10, False),
    "scope": (str, 200, False), "nonce": (str, 500, False),
}
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43,128}$")
DEFAULT_SCOPE = "openid profile phone"


def csrf_unless_widget(view):
    """Django's CSRF check for cookie-bound calls; none for widget calls, which carry no cookie a
    forged cross-site request could ride on (their binding is a header only script can send, and
    only from origins CORS lets through)."""
    checker = CsrfViewMiddleware(lambda request: None)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_widget_request(request):
            refused = checker.process_view(request, None, (), {})
            if refused is not None:
                return refused
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def widget_request(*, application, data: dict, origin: str | None) -> dict:
    """The OIDC side of a widget ticket, checked: {redirect_uri, scope, nonce, code_challenge, code_challenge_method}.

    Raises ServiceError: 403 origin_not_allowed (an Origin that is not one of the application's web
    origins), 400 invalid_redirect_uri, 400 pkce_required / invalid_field.
    """
    if origin and origin not in (application.web_origins or []):
        raise ServiceError("origin_not_allowed", 403, _("This web origin is not allowed for the application."))
    if data.get("redirect_uri") not in application.redirect_uris:
        raise ServiceError("invalid_redirect_uri", 400, _("redirect_uri is not one of the application's redirect URIs."))
    challenge, method = data.get("code_challenge") or "", data.get("code_challenge_method") or ""
    if application.is_public_client and not challenge:
        raise ServiceError("pkce_required", 400, _("Public clients must send a PKCE code_challenge (S256)."))
    if challenge and (method != "S256" or not _CHALLENGE.match(challenge)):
        raise ServiceError("invalid_field", 400, _("The field “%(f)s” is not valid.") % {"f": "code_challenge"})
    scope = " ".join(s for s in (data.get("scope") or DEFAULT_SCOPE).split() if s in SCOPES_SUPPORTED)
    return {"redirect_uri": data["redirect_uri"], "scope": scope or "openid", "nonce": data.get("nonce") or "",
            "code_challenge": challenge, "code_challenge_method": method if challenge else ""}


def widget_code_issue(*, ticket) -> dict:
    """The end of a widget ticket's exchange: a one-time code for its redirect URI (PKCE-bound);
    no session on the hosted login (the website's backend redeems the code)."""
    end_user_mark_login(ticket.user)
    req = ticket.widget_request
    code = generate_token(48)
    authorization_code_store(
        code=code, application=ticket.application, user=ticket.user, identity_id=ticket.identity_id,
        redirect_uri=req["redirect_uri"], scope=req["scope"], auth_time=int(timezone.now().timestamp()),
        nonce=req["nonce"], code_challenge=req["code_challenge"], code_challenge_method=req["code_challenge_method"],
    )
    return {"code": code, "redirect_uri": req["redirect_uri"], "expires_in": settings.OIDC_CODE_TTL,
            "redirect_to": add_params_to_uri(req["redirect_uri"], [("code", code)])}
