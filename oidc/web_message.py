"""Popup mode: the OAuth 2.0 Web Message Response Mode (response_mode=web_message).

Authlib builds the authorization response as a redirect to the client's (registered, exactly
matched) redirect URI. In this mode the browser is not sent there: a small page posts
`{type: "authorization_response", response: {code, state}}` (or `{error, error_description,
state}`) to `window.opener` with the redirect URI's origin as the target origin — never `*` —
and closes. The page carrying a code is never cached.
"""
from functools import wraps
from urllib.parse import parse_qsl, urlsplit

from django.shortcuts import render

from tenants.origins import origin_of

WEB_MESSAGE = "web_message"
RESPONSE_MODES = ["query", WEB_MESSAGE]
RESPONSE_KEYS = ("code", "state", "error", "error_description", "error_uri", "iss")


def keeps_opener(view):
    """For the pages a login popup of another site passes through (the authorization endpoint's
    answers, the hosted login, the bind step): Django's default `Cross-Origin-Opener-Policy:
    same-origin` would cut the popup off from the website that opened it, and the answer could
    never be posted back. These pages say `unsafe-none` instead; the rest of ScanLogin keeps it."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.setdefault("Cross-Origin-Opener-Policy", "unsafe-none")
        return response
    return wrapper


def as_web_message(request, response):
    """The page that posts Authlib's redirect response to the opener; other responses unchanged."""
    location = response.get("Location") if response.status_code in (302, 303) else None
    target = origin_of(location or "")
    if not target:
        return response
    params = dict(parse_qsl(urlsplit(location).query, keep_blank_values=True))
    answer = {k: params[k] for k in RESPONSE_KEYS if k in params}
    page = render(request, "oidc/web_message.html", {"message": {"target_origin": target, "response": answer}, "error": "error" in answer})
    page["Cache-Control"] = "no-store"
    page["Pragma"] = "no-cache"
    page["Referrer-Policy"] = "no-referrer"
    return page
