"""Widget tickets (ScanLogin.mountQrCode): bound by the X-ScanLogin-Binding header, not a cookie;
the same ticket API and rules; the exchange answers a PKCE-bound authorization code."""
import json
import secrets

import pytest
from django.test import Client

from hostedlogin.models import LoginTicket, TicketStatus
from tests.fixtures.oidc import REDIRECT_URI, pkce_pair
from tests.fixtures.scanflow import off_loop

pytestmark = pytest.mark.django_db
ORIGIN = "https://shop.example.com"


class Widget:
    """The SDK's calls: a binding secret in memory, no cookies, JSON to the ticket API."""

    def __init__(self, pool, app, *, secret=None, origin=ORIGIN):
        self.pool, self.app, self.origin = pool, app, origin
        self.secret = secrets.token_urlsafe(32) if secret is None else secret
        self.client = Client(enforce_csrf_checks=True)

    def headers(self):
        h = {"HTTP_X_SCANLOGIN_BINDING": self.secret}
        if self.origin:
            h["HTTP_ORIGIN"] = self.origin
        return h

    def url(self, suffix=""):
        return f"/u/{self.pool.slug}/api/qr-tickets{suffix}"

    def create(self, **fields):
        body = {"app_id": self.app.client_id, "connection": "wechat-pc", "redirect_uri": REDIRECT_URI, **fields}
        body = {k: v for k, v in body.items() if v is not None}
        return self.client.post(self.url(), json.dumps(body), content_type="application/json", **self.headers())

    def status(self, key, since="", wait=0):
        return off_loop(lambda: self.client.get(self.url(f"/{key}"), {"since": since, "wait": wait}, **self.headers()))

    def qrcode(self, key):
        return self.client.get(self.url(f"/{key}/qrcode.png"), **self.headers())

    def exchange(self, key):
        return self.client.post(self.url(f"/{key}/exchange"), **self.headers())


@pytest.fixture
def widget_app(oidc_app):
    oidc_app.web_origins = [ORIGIN]
    oidc_app.save(update_fields=["web_origins"])
    return oidc_app


@pytest.fixture
def widget(pool, widget_app):
    return Widget(pool, widget_app)


def test_a_widget_ticket_is_bound_by_its_header_and_sets_no_cookie(widget, pool, widget_app, wechat_sim):
    verifier, challenge = pkce_pair()
    created = widget.create(code_challenge=challenge, code_challenge_method="S256", nonce="n-1")
    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) >= {"ticket", "status", "qrcode_url", "expires_in", "expires_at"}
    assert "sl_browser" not in created.cookies
    ticket = LoginTicket.objects.get(key=body["ticket"])
    assert ticket.widget_request == {"redirect_uri": REDIRECT_URI, "scope": "openid profile phone", "nonce": "n-1",
                                     "code_challenge": challenge, "code_challenge_method": "S256"}
    assert widget.status(ticket.key).json()["status"] == "pending"
    assert widget.qrcode(ticket.key).status_code == 200
    # Anyone without the secret — another widget, a cookie-bound browser — gets 404.
    other = Widget(pool, widget_app)
    assert other.status(ticket.key).status_code == 404
    assert other.qrcode(ticket.key).status_code == 404
    assert other.exchange(ticket.key).status_code == 404
    assert off_loop(lambda: Client().get(widget.url(f"/{ticket.key}"))).status_code == 404


def test_the_exchange_answers_a_code_the_backend_redeems_with_pkce(widget, rp, phone, wx_user, widget_app):
    verifier, challenge = pkce_pair()
    key = widget.create(code_challenge=challenge, code_challenge_method="S256", nonce="n-2").json()["ticket"]
    ticket = LoginTicket.objects.get(key=key)
    assert phone.scan_and_confirm(ticket, wx_user).status_code == 200
    assert widget.status(key).json()["status"] == "confirmed"
    answer = widget.exchange(key)
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["status"] == "consumed" and data["redirect_uri"] == REDIRECT_URI and data["expires_in"] > 0
    assert data["redirect_to"] == f"{REDIRECT_URI}?code={data['code']}"
    assert "sessionid" not in answer.cookies  # no session on the hosted login: the website gets a code
    assert widget.exchange(key).json()["error"] == "ticket_already_used"
    # Without the verifier the code is refused; with it the backend gets the tokens.
    assert rp.token({"grant_type": "authorization_code", "code": data["code"]}, widget_app.secret).status_code == 400
    verifier2, challenge2 = pkce_pair()
    key2 = widget.create(code_challenge=challenge2, code_challenge_method="S256", nonce="n-3").json()["ticket"]
    assert phone.scan_and_confirm(LoginTicket.objects.get(key=key2), wx_user).status_code == 200
    code = widget.exchange(key2).json()["code"]
    tokens = rp.token({"grant_type": "authorization_code", "code": code, "code_verifier": verifier2}, widget_app.secret)
    assert tokens.status_code == 200, tokens.content
    assert rp.userinfo(tokens.json()["access_token"]).json()["phone_number"] == "+8613800138000"


def test_a_public_client_must_send_pkce_and_redeems_without_a_secret(pool, public_app, rp, phone, wx_user):
    public_app.web_origins = [ORIGIN]
    public_app.save(update_fields=["web_origins"])
    widget = Widget(pool, public_app)
    refused = widget.create()
    assert refused.status_code == 400 and refused.json()["error"] == "pkce_required"
    verifier, challenge = pkce_pair()
    key = widget.create(code_challenge=challenge, code_challenge_method="S256").json()["ticket"]
    assert phone.scan_and_confirm(LoginTicket.objects.get(key=key), wx_user).status_code == 200
    code = widget.exchange(key).json()["code"]
    rp.app = public_app
    tokens = rp.token({"grant_type": "authorization_code", "code": code, "code_verifier": verifier, "client_id": public_app.client_id})
    assert tokens.status_code == 200, tokens.content
    assert "id_token" in tokens.json()


@pytest.mark.parametrize("fields, status, code", [
    ({"redirect_uri": None}, 400, "missing_field"),
    ({"redirect_uri": "https://evil.example.com/cb"}, 400, "invalid_redirect_uri"),
    ({"code_challenge": "short", "code_challenge_method": "S256"}, 400, "invalid_field"),
    ({"code_challenge": "a" * 43, "code_challenge_method": "plain"}, 400, "invalid_field"),
    ({"scope": 7}, 400, "invalid_field"),
    ({"app_id": "nope"}, 404, "application_not_found"),
    ({"connection": "nope"}, 404, "connection_not_found"),
])
def test_bad_widget_requests_are_clear_4xx(widget, fields, status, code):
    answer = widget.create(**fields)
    assert answer.status_code == status, answer.content
    assert answer.json()["error"] == code
    assert not LoginTicket.objects.exists()


def test_an_origin_outside_the_web_origins_is_refused(pool, widget_app):
    answer = Widget(pool, widget_app, origin="https://evil.example.com").create()
    assert answer.status_code == 403 and answer.json()["error"] == "origin_not_allowed"
    assert not LoginTicket.objects.exists()


@pytest.mark.parametrize("secret", ["short", "x" * 65, "bad secret with spaces but long enough....", ""])
def test_a_malformed_binding_secret_is_refused(pool, widget_app, secret):
    answer = Widget(pool, widget_app, secret=secret).create()
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_binding"
    assert not LoginTicket.objects.exists()


def test_cookie_bound_calls_keep_their_csrf_check(pool, widget_app):
    """Only widget calls (with the header) skip CSRF; the hosted page's own calls still need it."""
    client = Client(enforce_csrf_checks=True)
    answer = client.post(f"/u/{pool.slug}/api/qr-tickets", json.dumps({"app_id": widget_app.client_id, "connection": "wechat-pc"}),
                         content_type="application/json")
    assert answer.status_code == 403 and answer.json()["error"] == "csrf_failed"


def test_another_pools_widget_ticket_is_404(widget, other_pool, wechat_sim):
    key = widget.create().json()["ticket"]
    other = Widget(other_pool, widget.app, secret=widget.secret)
    assert other.status(key).status_code == 404
    assert other.exchange(key).status_code == 404


def test_a_widget_ticket_the_phone_cancels_cannot_be_exchanged(widget, phone, wx_user):
    key = widget.create().json()["ticket"]
    ticket = LoginTicket.objects.get(key=key)
    token = phone.scan(ticket, wx_user).json()["scan_token"]
    assert phone.post("cancel", {"scan_token": token}).status_code == 200
    assert widget.status(key).json()["status"] == TicketStatus.CANCELLED
    assert widget.exchange(key).status_code == 409
