"""The authorization endpoint: validation, the hosted-login round trip, prompt and PKCE rules."""
import pytest

from oidc.models import AuthorizationCode

from ..fixtures.oidc import REDIRECT_URI, OidcLogin, pkce_pair, query_of


def test_without_session_the_browser_goes_to_the_hosted_login_of_that_application(rp):
    response = rp.authorize()
    assert response.status_code == 302
    login = response["Location"]
    assert login.startswith(f"/u/{rp.pool.slug}/login?")
    q = query_of(login)
    assert q["app_id"] == rp.app.client_id
    assert q["next"].startswith(f"/u/{rp.pool.slug}/oidc/authorize?")
    page = rp.client.get(login)
    assert page.status_code == 200 and b"Acme shop" in page.content


def test_after_the_scan_the_client_gets_a_code_and_its_state(rp, wx_user):
    q = rp.code_for(wx_user, nonce="n-1")
    assert q["state"] == "st-1" and len(q["code"]) >= 40
    code = AuthorizationCode.objects.get()
    assert code.application == rp.app and code.nonce == "n-1" and code.redirect_uri == REDIRECT_URI
    assert code.code_hash != q["code"]  # only the hash is stored


def test_with_a_session_the_code_comes_at_once(rp, wx_user):
    rp.code_for(wx_user)
    again = rp.authorize(state="st-2")
    assert again.status_code == 302 and again["Location"].startswith(REDIRECT_URI + "?")
    assert query_of(again["Location"])["state"] == "st-2"


def test_prompt_login_sends_a_logged_in_user_to_the_login_page_again(rp, wx_user):
    rp.code_for(wx_user)
    again = rp.authorize(prompt="login")
    assert again.status_code == 302 and again["Location"].startswith(f"/u/{rp.pool.slug}/login?")
    assert "prompt" not in query_of(query_of(again["Location"])["next"])  # no loop after the new login
    back = rp.scan_in(again["Location"], wx_user)
    final = rp.client.get(back)
    assert final["Location"].startswith(REDIRECT_URI + "?code=")


def test_a_reused_nonce_is_refused(rp, wx_user):
    rp.code_for(wx_user, nonce="once")
    again = rp.authorize(nonce="once")
    assert query_of(again["Location"])["error"] == "invalid_request"


def test_prompt_none_without_session_answers_login_required(rp):
    response = rp.authorize(prompt="none")
    assert response.status_code == 302
    q = query_of(response["Location"])
    assert response["Location"].startswith(REDIRECT_URI) and q["error"] == "login_required" and q["state"] == "st-1"


@pytest.mark.parametrize("params", [
    {"client_id": "no-such-client"},
    {"redirect_uri": "https://evil.example.net/callback"},
    {"redirect_uri": REDIRECT_URI + "/extra"},
    {"redirect_uri": "https://shop.example.com/callback?x=1"},
])
def test_bad_client_or_redirect_uri_shows_an_error_and_never_redirects(rp, params):
    response = rp.authorize(**params)
    assert response.status_code == 400
    assert "Location" not in response
    assert b"This sign-in request cannot be completed" in response.content


def test_a_client_of_another_pool_is_unknown_here(rp, other_pool, other_application):
    response = OidcLogin(rp.pool, other_application, None).authorize(redirect_uri="https://portal.example.org/cb")
    assert response.status_code == 400 and "Location" not in response
    assert b"invalid_client" in response.content


def test_bad_response_type_is_returned_to_the_registered_redirect_uri(rp):
    response = rp.authorize(response_type="token")
    q = query_of(response["Location"])
    assert response["Location"].startswith(REDIRECT_URI) and q["error"] == "unsupported_response_type" and q["state"] == "st-1"


def test_public_client_must_send_an_s256_challenge(pool, public_app, phone):
    rp = OidcLogin(pool, public_app, phone)
    missing = rp.authorize()
    assert query_of(missing["Location"])["error"] == "invalid_request"
    _, challenge = pkce_pair()
    plain = rp.authorize(code_challenge=challenge, code_challenge_method="plain")
    assert query_of(plain["Location"])["error"] == "invalid_request"
    ok = rp.authorize(code_challenge=challenge, code_challenge_method="S256")
    assert ok["Location"].startswith(f"/u/{pool.slug}/login?")


def test_unknown_pool_shows_a_404_page(client, db):
    assert client.get("/u/nope/oidc/authorize?client_id=x").status_code == 404


def test_blocked_user_session_does_not_get_a_code(rp, wx_user):
    rp.code_for(wx_user)
    user = AuthorizationCode.objects.get().user
    user.blocked = True
    user.save()
    again = rp.authorize()
    assert again["Location"].startswith(f"/u/{rp.pool.slug}/login?")


def test_only_connections_enabled_for_the_application_are_offered(rp, pool):
    from connections.services import connection_create
    connection_create(pool=pool, identifier="not-enabled", display_name="Not for this app", callback_url="https://x.example.com/")
    page = rp.client.get(rp.authorize()["Location"])
    assert b"WeChat" in page.content and b"Not for this app" not in page.content


def test_an_authorization_request_may_be_posted(rp, wx_user):
    from urllib.parse import parse_qsl
    params = dict(parse_qsl(rp.authorize_url().split("?", 1)[1]))
    first = rp.client.post(f"/u/{rp.pool.slug}/oidc/authorize", params)
    assert first.status_code == 302 and first["Location"].startswith(f"/u/{rp.pool.slug}/login?")
    final = rp.client.get(rp.scan_in(first["Location"], wx_user))  # comes back as a GET
    assert final["Location"].startswith(REDIRECT_URI + "?code=") and query_of(final["Location"])["state"] == "st-1"
    again = rp.client.post(f"/u/{rp.pool.slug}/oidc/authorize", {**params, "nonce": "other", "state": "st-9"})
    assert query_of(again["Location"])["state"] == "st-9" and "code" in query_of(again["Location"])
