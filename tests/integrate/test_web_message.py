"""Popup mode: response_mode=web_message answers with a page that posts to the opener."""
import json
import re

import pytest
from django.test import Client

from tests.fixtures.oidc import REDIRECT_URI, query_of

pytestmark = pytest.mark.django_db


def posted(response) -> dict:
    """The message the page would post: {"target_origin", "response"} from its JSON data."""
    match = re.search(rb'<script id="web-message-data" type="application/json">(.*?)</script>', response.content, re.S)
    assert match, response.content[:500]
    return json.loads(match.group(1))


def test_discovery_lists_web_message(pool):
    modes = Client().get("/u/acme/oidc/.well-known/openid-configuration").json()["response_modes_supported"]
    assert modes == ["query", "web_message"]


def test_after_the_scan_the_code_is_posted_to_the_redirect_uris_origin(rp, wx_user, oidc_app):
    first = rp.authorize(response_mode="web_message", state="st-wm")
    assert first.status_code == 302 and "/u/acme/login?" in first["Location"]
    final = rp.client.get(rp.scan_in(first["Location"], wx_user))
    assert final.status_code == 200
    assert final["Cache-Control"] == "no-store"
    assert final["Content-Type"].startswith("text/html")
    message = posted(final)
    assert message["target_origin"] == "https://shop.example.com"  # never "*"
    assert set(message["response"]) == {"code", "state"} and message["response"]["state"] == "st-wm"
    assert b"oidc/web_message.js" in final.content
    tokens = rp.token({"grant_type": "authorization_code", "code": message["response"]["code"]}, oidc_app.secret)
    assert tokens.status_code == 200, tokens.content


def test_errors_that_would_redirect_are_posted_too(rp):
    answer = rp.authorize(response_mode="web_message", prompt="none", state="st-e")
    assert answer.status_code == 200
    message = posted(answer)
    assert message == {"target_origin": "https://shop.example.com", "response": {"error": "login_required", "state": "st-e"}}


def test_a_request_without_a_trusted_redirect_uri_posts_nothing(rp):
    answer = rp.authorize(response_mode="web_message", redirect_uri="https://evil.example.com/cb")
    assert answer.status_code == 400
    assert b"web-message-data" not in answer.content


def test_query_mode_is_unchanged_and_other_modes_are_refused(rp, wx_user):
    refused = rp.authorize(response_mode="fragment")
    assert refused.status_code == 302 and query_of(refused["Location"])["error"] == "invalid_request"
    assert rp.code_for(wx_user)["state"] == "st-1"


def test_the_target_origin_keeps_a_non_default_port(pool, connection, phone, wx_user):
    from connections.services import connection_enable_for
    from tenants.services import application_create
    from tests.fixtures.oidc import OidcLogin

    app, _ = application_create(pool=pool, name="Local", redirect_uris=["http://localhost:8002/callback?x=1"])
    connection_enable_for(connection=connection, application=app)
    login = OidcLogin(pool, app, phone)
    first = login.authorize(response_mode="web_message", redirect_uri="http://localhost:8002/callback?x=1")
    message = posted(login.client.get(login.scan_in(first["Location"], wx_user)))
    assert message["target_origin"] == "http://localhost:8002"
    assert set(message["response"]) == {"code", "state"}  # the redirect URI's own query is not part of it
