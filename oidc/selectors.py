"""Reads for the console about a pool's OIDC provider: its URLs and callback-URL gaps."""
from connections.models import Connection
from tenants.domains import pool_login_base

from .server import issuer_for


def oidc_urls(request, pool) -> dict:
    issuer = issuer_for(request, pool)
    return {"issuer": issuer, "discovery": f"{issuer}/.well-known/openid-configuration",
            "authorization": f"{issuer}/authorize", "token": f"{issuer}/token",
            "userinfo": f"{issuer}/userinfo", "jwks": f"{issuer}/jwks.json", "end_session": f"{issuer}/end-session"}


def pool_login_urls(request, pool) -> dict:
    """The issuer on ScanLogin's host, and on the pool's own login domain (or None without one)."""
    base = pool_login_base(pool)  # pool login domains are served over TLS
    return {"issuer": issuer_for(request, pool), "login_domain_issuer": f"{base}/oidc" if base else None,
            "sdk": f"{base or request.build_absolute_uri('/').rstrip('/')}/sdk/scanlogin.js"}


def callback_gaps_for_application(application) -> list[Connection]:
    """Connections enabled for the application whose callback URL is not one of its redirect URIs:
    a login they start outside OIDC reaches the callback URL without an authorization code."""
    conns = Connection.objects.filter(pool_id=application.pool_id, links__application=application).order_by("display_name")
    return [c for c in conns if c.callback_url and c.callback_url not in application.redirect_uris]


def callback_gaps_for_connection(connection) -> list:
    """Applications the connection is enabled for that do not list its callback URL as a redirect URI."""
    apps = connection.applications.filter(pool_id=connection.pool_id).order_by("name")
    return [a for a in apps if connection.callback_url and connection.callback_url not in a.redirect_uris]
