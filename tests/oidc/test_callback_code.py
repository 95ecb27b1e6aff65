"""A login no authorization request started: the callback URL gets a one-time code when registered."""
import html
import json
import re

import jwt as pyjwt

from oidc.models import AuthorizationCode
from oidc.selectors import callback_gaps_for_application, callback_gaps_for_connection

from ..fixtures.oidc import OidcLogin, query_of
from ..fixtures.scanflow import Browser
from .test_token import verify_id_token

CALLBACK = "https://shop.example.com/after-login"  # the `connection` fixture's callback URL


def plain_login(pool, app, phone, wx_user) -> str:
    browser = Browser(pool, app)
    ticket = browser.new_ticket()
    assert phone.scan_and_confirm(ticket, wx_user).status_code == 200
    return browser.exchange(ticket.key).json()["redirect_to"]


def test_registered_callback_url_receives_a_code_the_application_can_redeem(pool, oidc_app, phone, wx_user):
    target = plain_login(pool, oidc_app, phone, wx_user)
    assert target.startswith(CALLBACK + "?code=")
    rp = OidcLogin(pool, oidc_app, phone)
    response = rp.token({"grant_type": "authorization_code", "code": query_of(target)["code"], "redirect_uri": CALLBACK}, oidc_app.secret)
    assert response.status_code == 200, response.content
    claims = verify_id_token(pool, response.json()["id_token"], oidc_app.client_id)
    assert claims["phone_number"] == "+8613800138000" and "nonce" not in claims
    replay = rp.token({"grant_type": "authorization_code", "code": query_of(target)["code"], "redirect_uri": CALLBACK}, oidc_app.secret)
    assert replay.status_code == 400


def test_unregistered_callback_url_gets_no_code_and_the_console_warns(pool, login_app, connection, phone, wx_user):
    assert CALLBACK not in login_app.redirect_uris
    assert plain_login(pool, login_app, phone, wx_user) == CALLBACK
    assert not AuthorizationCode.objects.exists()
    assert callback_gaps_for_application(login_app) == [connection]
    assert callback_gaps_for_connection(connection) == [login_app]


def test_no_warning_once_the_callback_url_is_registered(oidc_app, connection):
    assert callback_gaps_for_application(oidc_app) == []
    assert callback_gaps_for_connection(connection) == []


def test_try_login_success_page_shows_the_decoded_id_token_claims(pool, oidc_app, phone, wx_user):
    browser = Browser(pool, oidc_app)
    ticket = browser.new_ticket(**{"try": True})
    phone.scan_and_confirm(ticket, wx_user)
    target = browser.exchange(ticket.key).json()["redirect_to"]
    page = browser.client.get(target).content.decode()
    shown = json.loads(html.unescape(re.search(r'<pre class="claims" id="id-token-claims">(.*?)</pre>', page, re.S).group(1)))
    ticket.refresh_from_db()
    assert shown["sub"] == str(ticket.user.sub) and shown["aud"] == oidc_app.client_id
    assert shown["iss"] == f"http://testserver/u/{pool.slug}/oidc"
    assert shown["wechat_openid"] == wx_user["openids"][phone.appid] and shown["phone_number"] == "+8613800138000"
    encoded = re.search(r'<textarea class="token"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert verify_id_token(pool, encoded, oidc_app.client_id) == shown  # what is shown is what was signed
    assert pyjwt.get_unverified_header(encoded)["alg"] == "RS256"


def test_the_demo_welcome_page_says_when_a_code_arrived(client, pool):
    assert b'id="code-arrived"' in client.get(f"/u/{pool.slug}/welcome?code=abc").content
    assert b'id="code-arrived"' not in client.get(f"/u/{pool.slug}/welcome").content
