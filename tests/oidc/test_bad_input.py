"""Bad input at every OIDC endpoint is a standard error, never a 500 and never a redirect elsewhere."""
import base64
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from ..fixtures.oidc import REDIRECT_URI, query_of

MALFORMED_BASIC = ["Basic garbage!", "Basic " + base64.b64encode(b"nocolon").decode(),
                   "Basic " + base64.b64encode(b"\xff\xfe:x").decode(), "Basic",
                   "Basic " + base64.b64encode(b"a\x00b:secret").decode()]


@pytest.mark.parametrize("auth", MALFORMED_BASIC)
def test_malformed_basic_auth_is_invalid_client(rp, auth):
    response = Client().post(f"/u/{rp.pool.slug}/oidc/token", urlencode({"grant_type": "authorization_code", "code": "x"}),
                             content_type="application/x-www-form-urlencoded", HTTP_AUTHORIZATION=auth)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


@pytest.mark.parametrize("params", [{"client_id": "a\x00b"}, {"nonce": "n" * 501}, {"state": "s" * 3000}])
def test_malformed_authorization_parameters_show_an_error_page(rp, params):
    response = rp.authorize(**params)
    assert response.status_code == 400 and "Location" not in response


def test_response_mode_other_than_query_or_web_message_is_refused(rp):
    response = rp.authorize(response_mode="form_post")
    assert response["Location"].startswith(REDIRECT_URI) and query_of(response["Location"])["error"] == "invalid_request"


@pytest.mark.parametrize("header", ["Bearer " + "x" * 5000, "Bearer", "Basic abc", "Bearer a\tb"])
def test_userinfo_with_a_malformed_authorization_header_is_401(rp, header):
    assert Client().get(f"/u/{rp.pool.slug}/oidc/userinfo", HTTP_AUTHORIZATION=header).status_code == 401


@pytest.mark.parametrize("params", [{"id_token_hint": "a.b.c"}, {"id_token_hint": "x", "post_logout_redirect_uri": "https://x/"},
                                    {"client_id": "nobody", "post_logout_redirect_uri": REDIRECT_URI}])
def test_end_session_with_bad_input_is_a_400_page(rp, params):
    response = Client().get(f"/u/{rp.pool.slug}/oidc/end-session", params)
    assert response.status_code == 400 and "Location" not in response


TEXT = st.text(st.characters(codec="utf-8"), max_size=80)


@hyp_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "prompt",
                                                "max_age", "code_challenge", "code_challenge_method", "response_mode"]), TEXT))
def test_authorize_never_fails_and_only_redirects_to_a_registered_uri(rp, params):
    response = Client().get(f"/u/{rp.pool.slug}/oidc/authorize", params)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 200:  # popup mode: the answer is posted to the registered redirect URI's origin
        assert params.get("response_mode") == "web_message" and b'"target_origin": "https://shop.example.com"' in response.content
    if response.status_code == 302:
        target = response["Location"]
        assert target.startswith(REDIRECT_URI + "?") or target.startswith(f"/u/{rp.pool.slug}/login?")


@hyp_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(["grant_type", "code", "redirect_uri", "client_id", "client_secret", "code_verifier",
                                              "refresh_token", "scope"]), TEXT))
def test_token_endpoint_never_fails(rp, data):
    response = Client().post(f"/u/{rp.pool.slug}/oidc/token", urlencode(data), content_type="application/x-www-form-urlencoded")
    assert 400 <= response.status_code < 500 and "error" in response.json()
