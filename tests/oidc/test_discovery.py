"""What a pool publishes: discovery and JWKS, per pool."""
from oidc.keys import jwks, signing_key_current


def test_discovery_names_this_pools_endpoints(client, pool):
    doc = client.get(f"/u/{pool.slug}/oidc/.well-known/openid-configuration").json()
    issuer = f"http://testserver/u/{pool.slug}/oidc"
    assert doc["issuer"] == issuer
    assert doc["authorization_endpoint"] == f"{issuer}/authorize"
    assert doc["token_endpoint"] == f"{issuer}/token"
    assert doc["userinfo_endpoint"] == f"{issuer}/userinfo"
    assert doc["jwks_uri"] == f"{issuer}/jwks.json"
    assert doc["end_session_endpoint"] == f"{issuer}/end-session"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert set(doc["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post", "none"}
    assert {"phone_number", "wechat_openid", "wechat_unionid"} <= set(doc["claims_supported"])
    assert doc["scopes_supported"] == ["openid", "profile", "phone"]


def test_issuer_base_setting_pins_the_public_url(client, pool, settings):
    settings.OIDC_ISSUER_BASE = "https://login.example.com"
    doc = client.get(f"/u/{pool.slug}/oidc/.well-known/openid-configuration").json()
    assert doc["issuer"] == f"https://login.example.com/u/{pool.slug}/oidc"


def test_unknown_pool_is_404(client, db):
    assert client.get("/u/nope/oidc/.well-known/openid-configuration").status_code == 404
    assert client.get("/u/nope/oidc/jwks.json").status_code == 404


def test_jwks_publishes_the_public_part_only(client, pool):
    body = client.get(f"/u/{pool.slug}/oidc/jwks.json").json()
    [key] = body["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert key["kid"] == signing_key_current(pool).kid
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_each_pool_has_its_own_key(pool, other_pool):
    assert jwks(pool)["keys"][0]["kid"] != jwks(other_pool)["keys"][0]["kid"]


def test_private_key_is_encrypted_at_rest(pool):
    from django.db import connection as db
    key = signing_key_current(pool)
    with db.cursor() as cur:
        cur.execute("SELECT private_pem FROM oidc_signingkey WHERE id = %s", [key.pk])
        stored = cur.fetchone()[0]
    assert stored.startswith("enc1:") and "PRIVATE KEY" not in stored
    assert "PRIVATE KEY" in key.private_pem
