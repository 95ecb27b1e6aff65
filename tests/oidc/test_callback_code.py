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


def plain_login(pool, app, phone, wx_user, state=None) -> str:
    """A "Log in with WeChat" link to the hosted login (with the website's `state`, or none) → where it ends."""
    browser = Browser(pool, app)
    link = f"/u/{pool.slug}/login?app_id={app.client_id}" + (f"&state={state}" if state else "")
    page = browser.client.get(link).content.decode()
    config = json.loads(re.search(r'<script id="hosted-config" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert config.get("state", "") == (state or "")
    ticket = browser.new_ticket(**({"state": config["state"]} if config.get("state") else {}))
    assert phone.scan_and_confirm(ticket, wx_user).status_code == 200
    return browser.exchange(ticket.key).json()["redirect_to"]


def test_registered_callback_url_receives_a_code_and_the_links_state(pool, oidc_app, phone, wx_user):
    target = plain_login(pool, oidc_app, phone, wx_user, state="site-xyz")
    assert target.startswith(CALLBACK + "?code=")
    assert query_of(target)["state"] == "site-xyz"  # the website checks it against its own session
    rp = OidcLogin(pool, oidc_app, phone)
    response = rp.token({"grant_type": "authorization_code", "code": query_of(target)["code"], "redirect_uri": CALLBACK}, oidc_app.secret)
    assert response.status_code == 200, response.content
    claims = verify_id_token(pool, response.json()["id_token"], oidc_app.client_id)
    assert claims["phone_number"] == "+8613800138000" and "nonce" not in claims
    replay = rp.token({"grant_type": "authorization_code", "code": query_of(target)["code"], "redirect_uri": CALLBACK}, oidc_app.secret)
    assert replay.status_code == 400


def test_a_link_without_state_gets_no_code(pool, oidc_app, phone, wx_user):
    """A code the website cannot tie to the browser that started the login could be forwarded into a
    victim's browser (login CSRF): without the link's state the login ends at the callback URL without one."""
    assert plain_login(pool, oidc_app, phone, wx_user) == CALLBACK
    assert not AuthorizationCode.objects.exists()


def test_after_a_stateless_link_an_oidc_request_returns_a_code_without_a_second_scan(pool, oidc_app, phone, wx_user):
    """The website's way on: a normal OIDC request in the same browser returns at once with its own state."""
    browser = Browser(pool, oidc_app)
    ticket = browser.new_ticket()
    phone.scan_and_confirm(ticket, wx_user)
    assert browser.exchange(ticket.key).json()["redirect_to"] == CALLBACK
    again = OidcLogin(pool, oidc_app, phone, client=browser.client).authorize(state="own-state")
    assert again.status_code == 302 and query_of(again["Location"])["state"] == "own-state" and "code" in query_of(again["Location"])


def test_unregistered_callback_url_gets_no_code_and_the_console_warns(pool, login_app, connection, phone, wx_user):
    assert CALLBACK not in login_app.redirect_uris
    assert plain_login(pool, login_app, phone, wx_user, state="s") == CALLBACK
    assert not AuthorizationCode.objects.exists()
    assert callback_gaps_for_application(login_app) == [connection]
    assert callback_gaps_for_connection(connection) == [login_app]


def test_no_warning_once_the_callback_url_is_registered(oidc_app, connection):
    assert callback_gaps_for_application(oidc_app) == []
    assert callback_gaps_for_connection(connection) == []


def test_try_login_success_page_shows_the_decoded_id_token_claims(pool, oidc_app, phone, wx_user, operator):
    from hostedlogin.trylogin import try_grant_issue
    browser = Browser(pool, oidc_app)
    grant = try_grant_issue(staff=operator, application=oidc_app)
    assert browser.client.get(f"/u/{pool.slug}/login", {"app_id": oidc_app.client_id, "try": grant}).status_code == 200
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
    assert verify_id_token(pool, encoded, oidc_app.client_id, verify_exp=False) == shown  # what is shown is what was signed
    assert shown["exp"] == shown["iat"]  # a preview: expired from the start
    assert pyjwt.get_unverified_header(encoded)["alg"] == "RS256"


def test_the_demo_welcome_page_says_when_a_code_arrived(client, pool):
    assert b'id="code-arrived"' in client.get(f"/u/{pool.slug}/welcome?code=abc").content
    assert b'id="code-arrived"' not in client.get(f"/u/{pool.slug}/welcome").content
