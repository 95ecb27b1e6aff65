"""A login domain per pool: <pool>.<HOSTED_LOGIN_DOMAIN> and custom domains serve that pool only."""
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from hostedlogin.models import LoginTicket
from tenants.services import pool_custom_domain_set
from tests.fixtures.oidc import REDIRECT_URI, OidcLogin, query_of
from tests.fixtures.scanflow import Browser, off_loop

pytestmark = pytest.mark.django_db
DOMAIN = "login.example.com"


@pytest.fixture(autouse=True)
def login_domain(settings):
    settings.HOSTED_LOGIN_DOMAIN = DOMAIN
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, f".{DOMAIN}", "id.acme-shop.test", "id.globex.test"]


def on(host):
    return Client(HTTP_HOST=host)


def test_the_pool_subdomain_serves_the_hosted_login_without_the_prefix(pool, login_app):
    page = on(f"acme.{DOMAIN}").get(f"/login?app_id={login_app.client_id}")
    assert page.status_code == 200
    assert b'"tickets_url": "/api/qr-tickets"' in page.content  # its own paths, no /u/acme
    assert on(f"acme.{DOMAIN}").get(f"/u/acme/login?app_id={login_app.client_id}").status_code == 404
    assert Client().get(f"/u/acme/login?app_id={login_app.client_id}").status_code == 200  # the old address still works


def test_the_issuer_on_the_pool_domain_is_the_domain(pool):
    doc = on(f"acme.{DOMAIN}").get("/oidc/.well-known/openid-configuration").json()
    assert doc["issuer"] == f"http://acme.{DOMAIN}/oidc"
    assert doc["authorization_endpoint"] == f"http://acme.{DOMAIN}/oidc/authorize"
    assert doc["token_endpoint"] == f"http://acme.{DOMAIN}/oidc/token"
    assert Client().get("/u/acme/oidc/.well-known/openid-configuration").json()["issuer"] == "http://testserver/u/acme/oidc"


def test_an_oidc_login_runs_entirely_on_the_pool_domain(pool, oidc_app, phone, wx_user):
    rp = OidcLogin(pool, oidc_app, phone, client=on(f"acme.{DOMAIN}"))
    rp.authorize_url = lambda **params: OidcLogin.authorize_url(rp, **params).replace("/u/acme/oidc/", "/oidc/")
    first = rp.authorize()
    assert first.status_code == 302 and first["Location"].startswith("/login?")
    assert query_of(first["Location"])["next"].startswith("/oidc/authorize?")
    page = rp.client.get(first["Location"])
    assert page.status_code == 200
    assert page.cookies["sl_browser"]["path"] == "/" and page.cookies["sl_browser"]["domain"] == ""  # host-only
    created = rp.client.post("/api/qr-tickets", json.dumps({"app_id": oidc_app.client_id, "connection": "wechat-pc",
                                                            "next": query_of(first["Location"])["next"]}), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["qrcode_url"].startswith("/api/qr-tickets/")
    ticket = LoginTicket.objects.get(key=created.json()["ticket"])
    assert phone.scan_and_confirm(ticket, wx_user).status_code == 200
    exchanged = rp.client.post(f"/api/qr-tickets/{ticket.key}/exchange")
    assert exchanged.status_code == 200 and exchanged.json()["redirect_to"].startswith("/oidc/authorize?")
    assert exchanged.cookies["sessionid"]["domain"] == ""  # host-only: no other pool's domain sees it
    final = rp.client.get(exchanged.json()["redirect_to"])
    assert final.status_code == 302 and final["Location"].startswith(REDIRECT_URI + "?code=")
    token = rp.client.post("/oidc/token", {"grant_type": "authorization_code", "code": query_of(final["Location"])["code"],
                                           "redirect_uri": REDIRECT_URI, "client_id": oidc_app.client_id, "client_secret": oidc_app.secret})
    assert token.status_code == 200, token.content
    import jwt

    claims = jwt.decode(token.json()["id_token"], options={"verify_signature": False})
    assert claims["iss"] == f"http://acme.{DOMAIN}/oidc"


def test_another_pools_domain_never_serves_this_pools_objects(pool, login_app, other_pool, wechat_sim):
    globex = on(f"globex.{DOMAIN}")
    assert globex.get(f"/login?app_id={login_app.client_id}").status_code == 404
    assert globex.get("/u/acme/oidc/.well-known/openid-configuration").status_code == 404
    browser = Browser(pool, login_app, client=on(f"acme.{DOMAIN}"))
    browser.url = lambda suffix="": f"/api/qr-tickets{suffix}"
    key = browser.new_ticket().key
    globex.cookies = browser.client.cookies  # even with acme's binding cookie
    assert off_loop(lambda: globex.get(f"/api/qr-tickets/{key}")).status_code == 404
    assert globex.post(f"/api/qr-tickets/{key}/exchange").status_code == 404
    assert on(f"nosuchpool.{DOMAIN}").get(f"/login?app_id={login_app.client_id}").status_code == 404


def test_a_custom_domain_serves_its_pool(pool, other_pool, login_app):
    pool_custom_domain_set(pool=pool, domain="id.acme-shop.test")
    assert on("id.acme-shop.test").get(f"/login?app_id={login_app.client_id}").status_code == 200
    assert on("id.acme-shop.test").get("/oidc/.well-known/openid-configuration").json()["issuer"] == "http://id.acme-shop.test/oidc"
    with pytest.raises(ValidationError):
        pool_custom_domain_set(pool=other_pool, domain="id.acme-shop.test")  # unique
    pool_custom_domain_set(pool=pool, domain="")  # removed: the host serves nothing any more
    assert on("id.acme-shop.test").get(f"/login?app_id={login_app.client_id}").status_code == 404


@pytest.mark.parametrize("domain", ["Login.Acme.test", "https://id.acme.test", "id.acme.test:8443", "id.acme.test/x", "localhost", "10.0.0.1", f"x.{DOMAIN}", DOMAIN])
def test_a_custom_domain_must_be_a_plain_host_name_outside_the_login_domain(pool, domain):
    with pytest.raises(ValidationError):
        pool_custom_domain_set(pool=pool, domain=domain)


def test_the_api_sets_the_custom_domain_admin_only(api_client, operator_client, pool, other_pool, settings):
    read = api_client.get("/api/v1/pool")
    assert read.status_code == 200
    assert read.json()["slug"] == "acme" and read.json()["custom_domain"] is None
    assert read.json()["login_domain_issuer"] == f"https://acme.{DOMAIN}/oidc"
    assert operator_client.patch("/api/v1/pool", {"custom_domain": "id.acme-shop.test"}, format="json").status_code == 403
    set_ = api_client.patch("/api/v1/pool", {"custom_domain": "id.acme-shop.test"}, format="json")
    assert set_.status_code == 200 and set_.json()["custom_domain"] == "id.acme-shop.test"
    assert set_.json()["login_domain_issuer"] == "https://id.acme-shop.test/oidc"
    bad = api_client.patch("/api/v1/pool", {"custom_domain": "https://x.test/"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"] == "validation_error"
    pool_custom_domain_set(pool=pool, domain="")
    pool_custom_domain_set(pool=other_pool, domain="id.globex.test")
    taken = api_client.patch("/api/v1/pool", {"custom_domain": "id.globex.test"}, format="json")
    assert taken.status_code in (400, 409)
    assert api_client.patch("/api/v1/pool", {"slug": "evil"}, format="json").status_code == 400  # only the domain is writable


def _settings_with(**env):
    import os
    import subprocess
    import sys

    code = "import django; from django.conf import settings; django.setup(); print(settings.ALLOWED_HOSTS)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "scanlogin.settings", **env})


def test_settings_admit_the_pool_domains_and_refuse_parent_domain_cookies():
    admitted = _settings_with(HOSTED_LOGIN_DOMAIN="Login.Example.com.")
    assert admitted.returncode == 0, admitted.stderr[-500:]
    assert "'.login.example.com'" in admitted.stdout
    refused = _settings_with(HOSTED_LOGIN_DOMAIN="login.example.com", SESSION_COOKIE_DOMAIN=".example.com")
    assert refused.returncode != 0 and "SESSION_COOKIE_DOMAIN must not be set" in refused.stderr


@pytest.mark.django_db(transaction=True)
def test_custom_domains_and_subdomains_are_served_under_asgi_too(pool, login_app, settings):
    """The middleware's async path: a custom domain's lookup runs off the event loop."""
    import asyncio

    from asgiref.sync import async_to_sync
    from django.core.handlers.asgi import ASGIHandler

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "id.acme-async.test"]
    pool_custom_domain_set(pool=pool, domain="id.acme-async.test")

    async def status_on(host: str) -> int:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": "/login", "raw_path": b"/login", "query_string": f"app_id={login_app.client_id}".encode(),
                 "headers": [(b"host", host.encode())], "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 50000)}
        sent, bodies = [], [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive():
            if bodies:
                return bodies.pop()
            await asyncio.Event().wait()  # the client never disconnects; the handler stops listening when done

        async def send(message):
            sent.append(message)

        await ASGIHandler()(scope, receive, send)
        return sent[0]["status"]

    async def calls():
        return [await status_on(host) for host in ("id.acme-async.test", f"acme.{DOMAIN}", f"globex.{DOMAIN}")]

    assert off_loop(async_to_sync(calls)) == [200, 200, 404]
