"""CORS on the ticket API and the token endpoint: only the applications' web origins get headers."""
import json
import secrets

import pytest
from django.test import Client

from tenants.services import application_create

pytestmark = pytest.mark.django_db
SHOP = "https://shop.example.com"
BLOG = "https://blog.example.com"


@pytest.fixture
def apps(pool, connection, other_pool):
    """Two applications of the pool with their own origins, and one of another pool."""
    from connections.services import connection_enable_for

    shop, _ = application_create(pool=pool, name="Shop", redirect_uris=[f"{SHOP}/cb"], web_origins=[SHOP])
    blog, _ = application_create(pool=pool, name="Blog", redirect_uris=[f"{BLOG}/cb"], web_origins=[BLOG])
    other, _ = application_create(pool=other_pool, name="Other", redirect_uris=["https://other.example.org/cb"],
                                  web_origins=["https://other.example.org"])
    for app in (shop, blog):
        connection_enable_for(connection=connection, application=app)
    return {"shop": shop, "blog": blog, "other": other}


def preflight(path, origin, method="POST"):
    return Client().options(path, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
                            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-scanlogin-binding")


@pytest.mark.parametrize("path", ["/u/acme/api/qr-tickets", "/u/acme/api/qr-tickets/some-ticket", "/u/acme/oidc/token"])
def test_a_preflight_from_a_web_origin_of_the_pool_is_allowed(apps, path):
    answer = preflight(path, SHOP)
    assert answer.status_code == 200
    assert answer["Access-Control-Allow-Origin"] == SHOP
    allowed = answer["Access-Control-Allow-Headers"].lower()
    assert "x-scanlogin-binding" in allowed and "content-type" in allowed
    assert "Access-Control-Allow-Credentials" not in answer  # no cookies cross-site


@pytest.mark.parametrize("origin", ["https://evil.example.com", "https://other.example.org", "null", SHOP + ":8443", "http://shop.example.com"])
@pytest.mark.parametrize("path", ["/u/acme/api/qr-tickets", "/u/acme/oidc/token"])
def test_any_other_origin_gets_no_cors_headers(apps, origin, path):
    answer = preflight(path, origin)
    assert "Access-Control-Allow-Origin" not in answer
    assert "Access-Control-Allow-Headers" not in answer


def _create(app, origin):
    body = {"app_id": app.client_id, "connection": "wechat-pc", "redirect_uri": app.redirect_uris[0]}
    return Client().post("/u/acme/api/qr-tickets", json.dumps(body), content_type="application/json",
                         HTTP_ORIGIN=origin, HTTP_X_SCANLOGIN_BINDING=secrets.token_urlsafe(32))


def test_ticket_calls_answer_only_the_named_applications_origins(apps, wechat_sim):
    created = _create(apps["shop"], SHOP)
    assert created.status_code == 201
    assert created["Access-Control-Allow-Origin"] == SHOP
    assert "origin" in created["Vary"].lower()
    # Blog's page may not create (nor read) a ticket of the shop application.
    refused = _create(apps["shop"], BLOG)
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused


def test_ticket_reads_answer_the_tickets_application_origin(apps, wechat_sim):
    secret = secrets.token_urlsafe(32)
    body = {"app_id": apps["shop"].client_id, "connection": "wechat-pc", "redirect_uri": f"{SHOP}/cb"}
    key = Client().post("/u/acme/api/qr-tickets", json.dumps(body), content_type="application/json",
                        HTTP_ORIGIN=SHOP, HTTP_X_SCANLOGIN_BINDING=secret).json()["ticket"]
    for origin, allowed in ((SHOP, True), (BLOG, False), ("https://evil.example.com", False)):
        answer = Client().get(f"/u/acme/api/qr-tickets/{key}/qrcode.png", HTTP_ORIGIN=origin, HTTP_X_SCANLOGIN_BINDING=secret)
        assert answer.status_code == 200
        assert (answer.get("Access-Control-Allow-Origin") == origin) is allowed, origin


def test_the_token_endpoint_answers_the_pools_web_origins_only(apps):
    for origin, allowed in ((SHOP, True), (BLOG, True), ("https://other.example.org", False), ("https://evil.example.com", False)):
        answer = Client().post("/u/acme/oidc/token", "grant_type=authorization_code&code=x&client_id=nope",
                               content_type="application/x-www-form-urlencoded", HTTP_ORIGIN=origin)
        assert answer.status_code in (400, 401)
        assert (answer.get("Access-Control-Allow-Origin") == origin) is allowed, origin
        assert answer.get("Access-Control-Allow-Origin") != "*"


def test_public_documents_stay_open_to_every_origin(apps):
    discovery = Client().get("/u/acme/oidc/.well-known/openid-configuration", HTTP_ORIGIN="https://evil.example.com")
    assert discovery["Access-Control-Allow-Origin"] == "*"
    script = Client().get("/sdk/scanlogin.js")
    assert script.status_code == 200 and script["Content-Type"].startswith("text/javascript")
