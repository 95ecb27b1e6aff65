"""Binding to the browser, tenant isolation, and bad input → 4xx {"error", "message"}, never a 500."""
import json

import pytest
from django.test import Client

from connections.services import connection_enable_for, connection_update
from hostedlogin.models import LoginTicket
from tests.fixtures.scanflow import Browser

pytestmark = pytest.mark.django_db


def test_another_browser_gets_404_on_status_image_and_exchange(browser, pool, login_app):
    ticket = browser.new_ticket()
    stranger = Browser(pool, login_app)
    for response in (stranger.status(ticket.key), stranger.client.get(stranger.url(f"/{ticket.key}/qrcode.png")),
                     stranger.exchange(ticket.key)):
        assert response.status_code == 404 and response.json()["error"] == "ticket_not_found"
    assert browser.status(ticket.key).status_code == 200


def test_a_client_without_the_cookie_gets_404(browser):
    ticket = browser.new_ticket()
    bare = Client()
    assert bare.get(f"/u/acme/api/qr-tickets/{ticket.key}").status_code == 404


def test_the_ticket_is_not_readable_under_another_pool(browser, other_pool):
    ticket = browser.new_ticket()
    response = browser.client.get(f"/u/{other_pool.slug}/api/qr-tickets/{ticket.key}")
    assert response.status_code == 404


def test_the_binding_cookie_is_httponly(browser):
    response = browser.create()
    cookie = response.cookies["sl_browser"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    ticket = LoginTicket.objects.get(key=response.json()["ticket"])
    assert cookie.value not in (ticket.browser_hash, ticket.key)


def test_ticket_ids_are_long_and_scenes_fit_wechat(browser):
    ticket = browser.new_ticket()
    assert len(ticket.key) >= 32 and len(ticket.scene) == 32 and ticket.scene.isalnum()


@pytest.mark.parametrize("payload", [
    {"app_id": "nope", "connection": "wechat-pc"},
    {"connection": "missing"},
    {"app_id": "a\x00b", "connection": "wechat-pc"},
    {"connection": "wechat\x00pc"},
])
def test_unknown_application_or_connection_is_404(browser, payload):
    body = {"app_id": browser.app.client_id, **payload}
    response = browser.client.post(browser.url(), json.dumps(body), content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"] in ("application_not_found", "connection_not_found")


def test_disabled_or_not_enabled_connection_is_connection_not_found(browser, connection, pool, application):
    connection_update(connection=connection, enabled=False)
    assert browser.create().json()["error"] == "connection_not_found"
    connection_update(connection=connection, enabled=True)
    from connections.services import connection_disable_for

    connection_disable_for(connection=connection, application=application)
    assert browser.create().status_code == 404


def test_application_of_another_pool_is_404(pool, other_application, other_connection, login_app):
    connection_enable_for(connection=other_connection, application=other_application)
    foreign = Browser(pool, other_application)
    assert foreign.create().status_code == 404
    assert Client().get(f"/u/acme/login?app_id={other_application.client_id}").status_code == 404


def test_unknown_pool_is_404(browser):
    response = browser.client.post("/u/nowhere/api/qr-tickets", json.dumps({"app_id": "x", "connection": "y"}), content_type="application/json")
    assert response.status_code == 404 and response.json()["error"] == "connection_not_found"


@pytest.mark.parametrize("path", ["/api/miniprogram/scan", "/api/miniprogram/confirm", "/api/miniprogram/cancel", "/u/acme/api/qr-tickets"])
@pytest.mark.parametrize("body, code", [
    (b"{not json", "invalid_json"),
    (b"[1, 2]", "invalid_json"),
    (b"", "invalid_json"),
    (b"{}", "missing_field"),
    (json.dumps({"scene": 5, "code": [], "scan_token": 1, "phone_code": {}, "app_id": 1, "connection": 2}).encode(), "invalid_field"),
    (b'{"x": "' + b"a" * 20000 + b'"}', "body_too_large"),
])
def test_bad_bodies_are_4xx_with_a_stable_code(client, login_app, path, body, code):
    response = client.post(path, body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()["error"] == code and response.json()["message"]


def test_overlong_values_are_refused(client, db):
    response = client.post("/api/miniprogram/scan", json.dumps({"scene": "a" * 33, "code": "x"}), content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] == "invalid_field"


def test_unknown_scan_token_is_404(client, db):
    for action in ("confirm", "cancel"):
        response = client.post(f"/api/miniprogram/{action}", json.dumps({"scan_token": "x" * 40, "phone_code": "c"}), content_type="application/json")
        assert response.status_code == 404 and response.json()["error"] == "ticket_not_found"


def test_a_nul_character_in_a_scene_or_scan_token_is_an_unknown_ticket_not_a_500(client, db):
    # PostgreSQL refuses NUL in text: such a value must never reach a query.
    response = client.post("/api/miniprogram/scan", json.dumps({"scene": "ab\x00c", "code": "x"}), content_type="application/json")
    assert response.status_code == 404 and response.json()["error"] == "ticket_not_found"
    for action in ("confirm", "cancel"):
        response = client.post(f"/api/miniprogram/{action}", json.dumps({"scan_token": "x\x00y", "phone_code": "c"}), content_type="application/json")
        assert response.status_code == 404 and response.json()["error"] == "ticket_not_found"


def test_get_is_not_allowed_on_the_phone_api(client, db):
    assert client.get("/api/miniprogram/scan").status_code == 405


@pytest.mark.parametrize("wait", ["abc", "-5", "31", "1.5", "٣"])
def test_a_wait_outside_0_to_30_whole_seconds_is_400(browser, wait):
    ticket = browser.new_ticket()
    response = browser.client.get(browser.url(f"/{ticket.key}"), {"wait": wait})
    assert response.status_code == 400 and response.json()["error"] == "invalid_field"


@pytest.mark.parametrize("wait", ["0", "", "30"])
def test_a_wait_from_0_to_30_is_accepted(browser, wait):
    ticket = browser.new_ticket()
    response = browser.status(ticket.key, since="scanned", wait=wait)
    assert response.status_code == 200 and response.json()["status"] == "pending"


def test_the_browser_api_checks_csrf(login_app, pool):
    strict = Browser(pool, login_app, Client(enforce_csrf_checks=True))
    assert strict.create().status_code == 403
    page = strict.client.get(f"/u/acme/login?app_id={login_app.client_id}")
    token = page.cookies["csrftoken"].value
    response = strict.client.post(strict.url(), json.dumps({"app_id": login_app.client_id, "connection": "wechat-pc"}),
                                  content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_a_csrf_failure_on_the_json_api_is_json(pool, login_app):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/u/{pool.slug}/api/qr-tickets", json.dumps({"app_id": login_app.client_id, "connection": "wechat-pc"}),
                           content_type="application/json")
    assert response.status_code == 403 and response.json()["error"] == "csrf_failed"
    page = Client(enforce_csrf_checks=True).post(f"/u/{pool.slug}/logout")
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")
