"""The token and userinfo endpoints: code exchange, ID token, single use, replay, refresh, pools."""
import secrets
from datetime import timedelta

import jwt as pyjwt
import pytest
from django.test import Client
from django.utils import timezone

from oidc.keys import jwks
from oidc.models import AuthorizationCode, OAuthToken

from ..fixtures.oidc import OidcLogin, pkce_pair


def verify_id_token(pool, id_token: str, audience: str, *, verify_exp: bool = True) -> dict:
    """Check the signature with PyJWT against the pool's JWKS (not the server's own library)."""
    header = pyjwt.get_unverified_header(id_token)
    [jwk] = [k for k in jwks(pool)["keys"] if k["kid"] == header["kid"]]
    key = pyjwt.PyJWK(jwk).key
    return pyjwt.decode(id_token, key, algorithms=["RS256"], audience=audience, issuer=f"http://testserver/u/{pool.slug}/oidc",
                        options={"verify_exp": verify_exp})


def exchange(rp, wx_user, **kw):
    q = rp.code_for(wx_user, nonce=secrets.token_urlsafe(8))
    q["nonce"] = AuthorizationCode.objects.latest("id").nonce
    return q, rp.token({"grant_type": "authorization_code", "code": q["code"]}, rp.app.secret, **kw)


def test_code_exchange_gives_a_signed_id_token_with_the_claims(rp, wx_user):
    q, response = exchange(rp, wx_user)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["refresh_token"]
    claims = verify_id_token(rp.pool, body["id_token"], rp.app.client_id)
    code = AuthorizationCode.objects.get()
    identity = code.user.identities.get()
    assert claims["sub"] == str(code.user.sub)
    assert claims["nonce"] == q["nonce"]
    assert claims["phone_number"] == "+8613800138000" and claims["phone_number_verified"] is True
    assert claims["wechat_openid"] == identity.openid and claims["wechat_unionid"] == wx_user["unionid"]
    assert claims["auth_time"] <= claims["iat"] < claims["exp"]
    assert "updated_at" in claims


def test_client_secret_post_is_accepted(rp, wx_user):
    _, response = exchange(rp, wx_user, post_auth=True)
    assert response.status_code == 200, response.content


def test_wrong_client_secret_is_invalid_client(rp, wx_user):
    q = rp.code_for(wx_user)
    response = rp.token({"grant_type": "authorization_code", "code": q["code"]}, "not-the-secret")
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_wrong_redirect_uri_at_the_token_endpoint_is_refused(rp, wx_user):
    q = rp.code_for(wx_user)
    response = rp.token({"grant_type": "authorization_code", "code": q["code"], "redirect_uri": "https://shop.example.com/after-login"}, rp.app.secret)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_userinfo_answers_with_the_scope_claims(rp, wx_user):
    _, response = exchange(rp, wx_user)
    info = rp.userinfo(response.json()["access_token"])
    assert info.status_code == 200
    body = info.json()
    assert body["sub"] == str(AuthorizationCode.objects.get().user.sub)
    assert body["phone_number"] == "+8613800138000"


def test_userinfo_without_or_with_a_bad_token_is_401(rp):
    assert Client().get(f"/u/{rp.pool.slug}/oidc/userinfo").status_code == 401
    bad = rp.userinfo("not-a-token")
    assert bad.status_code == 401 and "invalid_token" in bad["WWW-Authenticate"]


def test_a_token_from_pool_a_is_refused_at_pool_b(rp, wx_user, other_pool):
    _, response = exchange(rp, wx_user)
    assert rp.userinfo(response.json()["access_token"], pool=other_pool).status_code == 401


def test_a_code_works_once_and_a_replay_revokes_what_it_issued(rp, wx_user):
    q, first = exchange(rp, wx_user)
    tokens = first.json()
    replay = rp.token({"grant_type": "authorization_code", "code": q["code"]}, rp.app.secret)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert rp.userinfo(tokens["access_token"]).status_code == 401
    refreshed = rp.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}, rp.app.secret)
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant"


def test_an_expired_code_is_refused(rp, wx_user):
    q = rp.code_for(wx_user)
    AuthorizationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = rp.token({"grant_type": "authorization_code", "code": q["code"]}, rp.app.secret)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_codes_are_short_lived(rp, wx_user, settings):
    rp.code_for(wx_user)
    code = AuthorizationCode.objects.get()
    assert (code.expires_at - code.created_at).total_seconds() == pytest.approx(settings.OIDC_CODE_TTL, abs=2)
    assert settings.OIDC_CODE_TTL <= 600


def test_a_code_of_another_client_is_invalid_grant(rp, wx_user, pool, connection):
    from tenants.services import application_create
    q = rp.code_for(wx_user)
    other, secret = application_create(pool=pool, name="Other", redirect_uris=["https://shop.example.com/callback"])
    response = OidcLogin(pool, other, None).token({"grant_type": "authorization_code", "code": q["code"]}, secret)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    # another client presenting it does not burn it for its owner
    assert rp.token({"grant_type": "authorization_code", "code": q["code"]}, rp.app.secret).status_code == 200


def test_refresh_rotates_and_the_old_refresh_token_stops_working(rp, wx_user):
    _, first = exchange(rp, wx_user)
    old = first.json()
    new = rp.token({"grant_type": "refresh_token", "refresh_token": old["refresh_token"]}, rp.app.secret)
    assert new.status_code == 200, new.content
    body = new.json()
    assert body["refresh_token"] != old["refresh_token"] and body["access_token"] != old["access_token"]
    assert rp.userinfo(body["access_token"]).status_code == 200
    again = rp.token({"grant_type": "refresh_token", "refresh_token": old["refresh_token"]}, rp.app.secret)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_tokens_are_stored_hashed(rp, wx_user):
    _, response = exchange(rp, wx_user)
    body = response.json()
    row = OAuthToken.objects.get()
    assert body["access_token"] not in (row.access_token_hash, row.refresh_token_hash)
    assert not OAuthToken.objects.filter(access_token_hash=body["access_token"]).exists()


def test_public_client_redeems_with_the_verifier_and_without_a_secret(pool, public_app, phone, wx_user):
    rp = OidcLogin(pool, public_app, phone)
    verifier, challenge = pkce_pair()
    q = rp.code_for(wx_user, code_challenge=challenge, code_challenge_method="S256")
    missing = rp.token({"grant_type": "authorization_code", "code": q["code"], "client_id": public_app.client_id})
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    q = rp.code_for(wx_user, code_challenge=challenge, code_challenge_method="S256")
    wrong = rp.token({"grant_type": "authorization_code", "code": q["code"], "client_id": public_app.client_id, "code_verifier": "x" * 50})
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    q = rp.code_for(wx_user, code_challenge=challenge, code_challenge_method="S256")
    ok = rp.token({"grant_type": "authorization_code", "code": q["code"], "client_id": public_app.client_id, "code_verifier": verifier})
    assert ok.status_code == 200, ok.content
    assert verify_id_token(pool, ok.json()["id_token"], public_app.client_id)["aud"] == public_app.client_id


def test_confidential_client_may_use_pkce_too(rp, wx_user):
    verifier, challenge = pkce_pair()
    q = rp.code_for(wx_user, code_challenge=challenge, code_challenge_method="S256")
    response = rp.token({"grant_type": "authorization_code", "code": q["code"], "code_verifier": verifier}, rp.app.secret)
    assert response.status_code == 200, response.content


def test_blocked_user_tokens_stop_working(rp, wx_user):
    _, response = exchange(rp, wx_user)
    user = AuthorizationCode.objects.get().user
    user.blocked = True
    user.save()
    assert rp.userinfo(response.json()["access_token"]).status_code == 401


@pytest.mark.parametrize("data", [{}, {"grant_type": "password"}, {"grant_type": "authorization_code"}, {"grant_type": "authorization_code", "code": "x" * 5000}])
def test_bad_token_requests_get_a_standard_error_not_a_500(rp, data):
    response = rp.token(data, rp.app.secret)
    assert 400 <= response.status_code < 500
    assert response.json()["error"] in {"unsupported_grant_type", "invalid_request", "invalid_grant"}
