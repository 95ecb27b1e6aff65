"""Which web origins may call the ticket API and the token endpoint from a browser (CORS).

Only the `web_origins` of applications: for a ticket call, those of the application the request
names (the ticket's, or the `app_id` of a new ticket); for the token endpoint and for preflights
(which name nothing yet), those of any application of the pool. Any other origin gets no CORS
headers at all, so the browser keeps the answer from the page. django-cors-headers asks this
through its `check_request_enabled` signal (connected in hostedlogin/apps.py).
"""
import re

from hostedlogin.models import LoginTicket
from scanlogin.config_cache import config_cache
from scanlogin.cors import same_origin
from tenants.models import Application

_PATH = re.compile(
    r"^(?:/u/(?P<pool>[a-z0-9-]{1,50}))?/(?:api/qr-tickets(?:/(?P<ticket>[^/]{1,64})(?:/(?:qrcode\.png|exchange))?)?/?|(?P<token>oidc/token/?))$"
)


def _pool_origins(slug: str) -> frozenset[str]:
    """Every web origin of the pool's applications (kept per process: scanlogin/config_cache.py)."""
    def load():
        origins = set()
        for values in Application.objects.filter(pool__slug=slug).values_list("web_origins", flat=True):
            origins.update(values or [])
        return frozenset(origins)

    return config_cache.get(("pool-origins", slug), load)


def _ticket_origins(slug: str, key: str) -> set[str] | None:
    row = LoginTicket.objects.filter(key=key, pool__slug=slug).values_list("application__web_origins", flat=True).first()
    return None if row is None else set(row or [])


def allowed_origins(request, slug: str, match) -> set[str]:
    app = getattr(request, "cors_application", None)
    if app is not None:  # the view found the application the request names
        return set(app.web_origins or [])
    # django-cors-headers asks twice per request (before and after the view): look up once.
    memo = request.__dict__.setdefault("_scanlogin_cors", {})
    if match["ticket"] and request.method != "OPTIONS":
        if "ticket" not in memo:
            memo["ticket"] = _ticket_origins(slug, match["ticket"])
        if memo["ticket"] is not None:
            return memo["ticket"]
    if "pool" not in memo:
        memo["pool"] = _pool_origins(slug)
    return memo["pool"]


def cors_allowed(sender=None, request=None, **kwargs) -> bool:
    """The `check_request_enabled` receiver: True when this request's Origin may read the answer."""
    origin = request.headers.get("origin") if request is not None else None
    if not origin:
        return False
    match = _PATH.match(request.path_info)
    if match is None or same_origin(request):
        return False  # not a CORS route, or the hosted login's own page (same origin: nothing to allow)
    on_domain = getattr(request, "pool_domain", None)
    slug = match["pool"] or on_domain
    if not slug or (match["pool"] and on_domain):
        return False
    return origin in allowed_origins(request, slug, match)
