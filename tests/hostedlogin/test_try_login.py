"""Try login is for console staff of the pool: a one-time grant from the console's button, bound to
the staff member, the pool and the application. Without it `try` is ignored (a normal login). The
success page is never cached and its ID token is a preview that no relying party accepts.

Plain HTTP with Django's test client: the console's button, the hosted login page and API, the phone.
"""
import html
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import jwt as pyjwt
import pytest
from django.test import Client
from django.utils import timezone

from hostedlogin.models import LoginTicket, TryLoginGrant
from hostedlogin.trylogin import try_grant_issue, try_grants_purge
from oidc.keys import jwks
from tenants.models import Membership
from tests.fixtures.console import logged_in
from tests.fixtures.scanflow import Browser

APP = "/console/tenants/application/"


def page_config(client, url) -> dict:
    page = client.get(url)
    assert page.status_code == 200, page.content[:300]
    return json.loads(re.search(r'<script id="hosted-config" type="application/json">(.*?)</script>', page.content.decode(), re.S).group(1))


def try_url(console, application) -> str:
    """Press "Try login" on the console's application page → the hosted login URL it sends the popup to."""
    page = console.get(f"{APP}{application.pk}/change/").content.decode()
    button = re.search(r'<a href="([^"]+)"[^>]*id="try-login"', page).group(1)
    assert button == f"{APP}{application.pk}/try-login/"
    pressed = console.get(html.unescape(button))
    assert pressed.status_code == 302 and "no-store" in pressed["Cache-Control"]
    return pressed["Location"]


def scan_through(browser, phone, wx_user, **create) -> str:
    ticket = browser.new_ticket(**create)
    assert phone.scan_and_confirm(ticket, wx_user).status_code == 200
    return browser.exchange(ticket.key).json()["redirect_to"]


def test_an_anonymous_try_is_a_normal_login(pool, login_app, phone, wx_user):
    """The review's case: /login?app_id=…&try=1 by anyone showed a real ID token. Now it is ignored."""
    browser = Browser(pool, login_app)
    assert page_config(browser.client, f"/u/{pool.slug}/login?app_id={login_app.client_id}&try=1")["try_mode"] is False
    target = scan_through(browser, phone, wx_user, **{"try": True})
    ticket = LoginTicket.objects.get()
    assert ticket.try_mode is False and "/try/" not in target
    assert browser.client.get(f"/u/{pool.slug}/try/{ticket.key}").status_code == 404


def test_the_consoles_button_runs_a_try_login_with_a_preview_not_for_use(operator, pool, login_app, phone, wx_user):
    console = logged_in(operator)
    url = try_url(console, login_app)
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path == f"/u/{pool.slug}/login" and query["app_id"] == [login_app.client_id] and query["try"] != ["1"]
    assert page_config(console, url)["try_mode"] is True  # the popup shares the console's browser
    browser = Browser(pool, login_app, client=console)
    target = scan_through(browser, phone, wx_user, **{"try": True})
    assert target.startswith(f"/u/{pool.slug}/try/")
    page = console.get(target)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    text = page.content.decode()
    assert 'id="preview-mark"' in text and "not for use" in text
    token = re.search(r'<textarea class="token"[^>]*>(.*?)</textarea>', text, re.S).group(1)
    header = pyjwt.get_unverified_header(token)
    [jwk] = [k for k in jwks(pool)["keys"] if k["kid"] == header["kid"]]
    with pytest.raises(pyjwt.ExpiredSignatureError):  # no relying party accepts it…
        pyjwt.decode(token, pyjwt.PyJWK(jwk).key, algorithms=["RS256"], audience=login_app.client_id)
    claims = pyjwt.decode(token, pyjwt.PyJWK(jwk).key, algorithms=["RS256"], audience=login_app.client_id,
                          options={"verify_exp": False})  # …though it is signed with the pool's key
    assert claims["exp"] == claims["iat"] and claims["phone_number"] == "+8613800138000"


def test_a_grant_works_once_and_only_in_the_browser_that_used_it(operator, pool, login_app):
    console = logged_in(operator)
    url = try_url(console, login_app)
    assert page_config(console, url)["try_mode"] is True
    assert page_config(console, url)["try_mode"] is True  # a reload in the same browser keeps trying
    stranger = Client()
    assert page_config(stranger, url)["try_mode"] is False  # the link copied elsewhere is spent
    created = stranger.post(f"/u/{pool.slug}/api/qr-tickets", json.dumps({"app_id": login_app.client_id, "connection": "wechat-pc", "try": True}),
                            content_type="application/json")
    assert created.status_code == 201 and LoginTicket.objects.get(key=created.json()["ticket"]).try_mode is False
    assert TryLoginGrant.objects.get().used_at is not None


def test_a_grant_is_bound_to_its_application_unexpired_and_untampered(operator, pool, login_app):
    from tenants.services import application_create
    other, _ = application_create(pool=pool, name="Other", redirect_uris=["https://o.example.com/cb"])
    grant = try_grant_issue(staff=operator, application=login_app)
    assert page_config(Client(), f"/u/{pool.slug}/login?app_id={other.client_id}&try={grant}")["try_mode"] is False
    assert page_config(Client(), f"/u/{pool.slug}/login?app_id={login_app.client_id}&try={grant[:-2]}xx")["try_mode"] is False
    TryLoginGrant.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert page_config(Client(), f"/u/{pool.slug}/login?app_id={login_app.client_id}&try={grant}")["try_mode"] is False
    assert TryLoginGrant.objects.get().used_at is None


def test_a_grant_dies_with_the_staff_members_membership(operator, pool, login_app):
    grant = try_grant_issue(staff=operator, application=login_app)
    Membership.objects.filter(user=operator).delete()
    assert page_config(Client(), f"/u/{pool.slug}/login?app_id={login_app.client_id}&try={grant}")["try_mode"] is False


def test_another_pools_staff_get_404_from_the_button(outsider, login_app):
    assert logged_in(outsider).get(f"{APP}{login_app.pk}/try-login/").status_code == 404
    assert not TryLoginGrant.objects.exists()


def test_old_grants_are_purged(operator, login_app):
    try_grant_issue(staff=operator, application=login_app)
    assert try_grants_purge() == 0
    TryLoginGrant.objects.update(expires_at=timezone.now() - timedelta(days=2))
    assert try_grants_purge() == 1
