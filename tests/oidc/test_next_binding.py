"""The hosted login continues only to an authorization request of the application it shows (and the
phone names); the authorize endpoint checks again that a connection is enabled for the client.

Plain HTTP through Django's test client: the login page, the ticket API, the phone, the authorize
endpoint; the attack is the review's (a login page of one application with `next` pointing at the
authorization endpoint of another application of the pool that has no identity source enabled).
"""
import json
from urllib.parse import urlencode

import pytest

from connections.services import connection_create, connection_enable_for, connection_update
from hostedlogin.models import LoginTicket
from oidc.models import AuthorizationCode
from tenants.services import application_create

from ..fixtures.oidc import REDIRECT_URI, OidcLogin, query_of

OTHER_URI = "https://intranet.example.com/cb"


@pytest.fixture
def bare_app(pool):
    """An application of the same pool with no identity source enabled."""
    app, secret = application_create(pool=pool, name="Intranet", redirect_uris=[OTHER_URI])
    app.secret = secret
    return app


def authorize_path(pool, app, redirect_uri, **extra) -> str:
    params = {"response_type": "code", "client_id": app.client_id, "redirect_uri": redirect_uri,
              "scope": "openid profile phone", "state": "st", **extra}
    return f"/u/{pool.slug}/oidc/authorize?{urlencode(params)}"


def create_ticket(client, pool, app, next_url):
    return client.post(f"/u/{pool.slug}/api/qr-tickets", json.dumps({"app_id": app.client_id, "connection": "wechat-pc", "next": next_url}),
                       content_type="application/json")


def test_a_login_page_refuses_next_of_another_application(rp, pool, bare_app):
    foreign = authorize_path(pool, bare_app, OTHER_URI)
    page = rp.client.get(f"/u/{pool.slug}/login", {"app_id": rp.app.client_id, "next": foreign})
    assert page.status_code == 400 and b"invalid_next" in page.content
    created = create_ticket(rp.client, pool, rp.app, foreign)
    assert created.status_code == 400 and created.json()["error"] == "invalid_next"
    assert not LoginTicket.objects.exists()


@pytest.mark.parametrize("next_url", [
    "/u/acme/oidc/authorize?client_id={other}",
    "/u/acme/oidc/authorize?client_id={app}&client_id={other}",
    "/u/acme/oidc/token?client_id={app}",
    "/u/acme/welcome?client_id={app}",
    "https://evil.example/u/acme/oidc/authorize?client_id={app}",
    "/u/globex/oidc/authorize?client_id={app}",
])
def test_anything_but_this_applications_authorization_request_is_refused(rp, pool, bare_app, next_url):
    given = next_url.format(app=rp.app.client_id, other=bare_app.client_id)
    created = create_ticket(rp.client, pool, rp.app, given)
    assert created.status_code == 400 and created.json() == {"error": "invalid_next", "message": created.json()["message"]}
    assert created.json()["message"]


def test_the_applications_own_authorization_request_is_the_next_step(rp, pool, wx_user):
    own = authorize_path(pool, rp.app, REDIRECT_URI)
    created = create_ticket(rp.client, pool, rp.app, own)
    assert created.status_code == 201
    assert LoginTicket.objects.get().next_url == own


def test_the_reviews_attack_gets_no_code_for_the_other_application(rp, pool, bare_app, wx_user):
    """Logged in through the trusted application, the browser is sent to the other application's
    authorization endpoint: it answers unauthorized_client (no identity source enabled), no code."""
    rp.code_for(wx_user)
    AuthorizationCode.objects.all().delete()
    answer = rp.client.get(authorize_path(pool, bare_app, OTHER_URI))
    assert answer.status_code == 302 and answer["Location"].startswith(OTHER_URI + "?")
    q = query_of(answer["Location"])
    assert q["error"] == "unauthorized_client" and q["state"] == "st" and "code" not in q
    assert "identity source" in q["error_description"]
    assert not AuthorizationCode.objects.exists()


def test_a_session_from_a_connection_not_enabled_for_the_client_logs_in_again(rp, pool, wx_user):
    other_conn = connection_create(pool=pool, identifier="wechat-b", display_name="WeChat B", callback_url=OTHER_URI)
    app_b, _ = application_create(pool=pool, name="B", redirect_uris=[OTHER_URI])
    connection_enable_for(connection=other_conn, application=app_b)
    rp.code_for(wx_user)  # logged in through `connection`, which app B does not offer
    again = rp.client.get(authorize_path(pool, app_b, OTHER_URI))
    assert again.status_code == 302 and again["Location"].startswith(f"/u/{pool.slug}/login?")
    assert query_of(again["Location"])["app_id"] == app_b.client_id
    silent = rp.client.get(authorize_path(pool, app_b, OTHER_URI, prompt="none"))
    assert query_of(silent["Location"])["error"] == "login_required"


def test_applications_sharing_the_connection_keep_single_sign_on(rp, pool, connection, wx_user, phone):
    sibling, secret = application_create(pool=pool, name="Sibling", redirect_uris=[REDIRECT_URI])
    connection_enable_for(connection=connection, application=sibling)
    rp.code_for(wx_user)
    sso = OidcLogin(pool, sibling, phone, client=rp.client).authorize()
    assert sso.status_code == 302 and sso["Location"].startswith(REDIRECT_URI + "?code=")


def test_disabling_the_connection_stops_new_codes(rp, connection, wx_user):
    rp.code_for(wx_user)
    connection_update(connection=connection, enabled=False)
    answer = rp.authorize()
    assert query_of(answer["Location"])["error"] == "unauthorized_client"
