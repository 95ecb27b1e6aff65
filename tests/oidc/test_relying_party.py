"""An independent OpenID Connect relying party logs a user in through a pool's provider.

The relying party is pyoidc (`oic`), a standard OIDC client library unrelated to the Authlib the
server is built on; nothing here uses Authlib or ScanLogin's OIDC code to check anything. Over
real HTTP against pytest-django's live server, pyoidc discovers the pool's provider, fetches its
JWKS, builds the authorization request (state, nonce, PKCE S256), redeems the code and calls
userinfo; pyoidc itself verifies the ID token's signature, issuer, audience, at_hash and nonce.

A `requests.Session` plays the browser, following redirects one by one and driving the hosted
login page the way its JavaScript does (ticket, exchange); the phone posts to /api/miniprogram/*
with codes the WeChat simulator issues over HTTP, as the mini-program does.
"""
import json
import re
import secrets
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from oic.oic import Client
from oic.oic.message import AccessTokenResponse, AuthorizationResponse, OpenIDSchema, RegistrationResponse, TokenErrorResponse
from oic.utils.authn.client import CLIENT_AUTHN_METHOD

from accounts.models import EndUser
from hostedlogin.models import LoginTicket
from wechatsim.testing import sim_code

from ..fixtures.oidc import REDIRECT_URI, query_of

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+8613800138000"
TIMEOUT = 10


def relying_party(issuer: str, app, auth_method: str) -> Client:
    """A pyoidc client that discovered `issuer` and is registered statically as `app`."""
    client = Client(client_authn_method=CLIENT_AUTHN_METHOD)
    client.provider_config(issuer)
    client.store_registration_info(RegistrationResponse(
        client_id=app.client_id, client_secret=app.secret, redirect_uris=[REDIRECT_URI],
        token_endpoint_auth_method=auth_method))
    return client


def authorization_url(client: Client, *, pkce: bool) -> tuple[str, dict]:
    """pyoidc's authorization request → (URL, the request's state, nonce and PKCE verifier)."""
    sent = {"state": secrets.token_urlsafe(16), "nonce": secrets.token_urlsafe(16), "code_verifier": None}
    args = {"response_type": "code", "scope": "openid profile phone", "redirect_uri": REDIRECT_URI,
            "state": sent["state"], "nonce": sent["nonce"]}
    if pkce:
        challenge, sent["code_verifier"] = client.add_code_challenge()
        assert challenge["code_challenge_method"] == "S256"
        args.update(challenge)
    url, _body, _headers, _request = client.authorization_request_info(request_args=args)
    return url, sent


class LiveBrowser:
    """The PC browser: one cookie jar, redirects followed one at a time."""

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()

    def _trust_localhost(self):
        """Send Secure cookies to http://localhost as Chromium does (requests would not)."""
        for cookie in self.session.cookies:
            cookie.secure = False

    def get(self, url: str) -> requests.Response:
        response = self.session.get(urljoin(self.base, url), allow_redirects=False, timeout=TIMEOUT)
        self._trust_localhost()
        return response

    def redirected(self, url: str) -> str:
        """GET url, which must answer 302 → the absolute Location."""
        response = self.get(url)
        assert response.status_code == 302, f"{url} answered {response.status_code}: {response.text[:300]}"
        return urljoin(self.base, response.headers["Location"])

    def post_json(self, url: str, payload: dict | None = None) -> requests.Response:
        """A same-origin fetch() from the page: JSON body, X-CSRFToken from the cookie."""
        headers = {"X-CSRFToken": self.session.cookies.get("csrftoken", ""), "Origin": self.base,
                   "Referer": self.base + "/"}
        body = None
        if payload is not None:
            headers["Content-Type"], body = "application/json", json.dumps(payload)
        response = self.session.post(urljoin(self.base, url), data=body, headers=headers,
                                     allow_redirects=False, timeout=TIMEOUT)
        self._trust_localhost()
        return response

    def page_config(self, login_url: str) -> dict:
        """Open the hosted login page → the configuration its JavaScript reads."""
        page = self.get(login_url)
        assert page.status_code == 200, f"hosted login answered {page.status_code}: {page.text[:300]}"
        assert "sl_browser" in self.session.cookies and "csrftoken" in self.session.cookies
        match = re.search(r'<script id="hosted-config" type="application/json">(.*?)</script>', page.text, re.S)
        assert match, "the hosted login page carries no hosted-config"
        return json.loads(match.group(1))


class LivePhone:
    """The mini-program over HTTP, with wx.login / getPhoneNumber codes from the simulator."""

    def __init__(self, base: str, sim, appid: str):
        self.base, self.sim, self.appid = base, sim, appid

    def post(self, action: str, payload: dict) -> dict:
        response = requests.post(f"{self.base}/api/miniprogram/{action}", json=payload, timeout=TIMEOUT)
        assert response.status_code == 200, f"{action} answered {response.status_code}: {response.text[:300]}"
        return response.json()

    def scan_and_confirm(self, scene: str, user: dict) -> dict:
        scanned = self.post("scan", {"scene": scene, "code": sim_code(self.sim, appid=self.appid, user=user["id"])})
        return self.post("confirm", {"scan_token": scanned["scan_token"],
                                     "phone_code": sim_code(self.sim, appid=self.appid, user=user["id"], kind="phone")})


def log_in_by_scan(browser: LiveBrowser, phone: LivePhone, authorize_url: str, app, user: dict) -> str:
    """Authorization URL → hosted login → scan → exchange → back at authorize → the client's redirect."""
    login_url = browser.redirected(authorize_url)
    pool_path = urlsplit(authorize_url).path.removesuffix("/oidc/authorize")
    assert urlsplit(login_url).path == f"{pool_path}/login", login_url
    login_query = query_of(login_url)
    assert login_query["app_id"] == app.client_id

    config = browser.page_config(login_url)
    assert config["next"] == login_query["next"] and config["app_id"] == app.client_id
    created = browser.post_json(config["tickets_url"], {"app_id": config["app_id"], "connection": "wechat-pc",
                                                        "next": config["next"]})
    assert created.status_code == 201, created.text[:300]
    ticket = created.json()["ticket"]

    phone.scan_and_confirm(LoginTicket.objects.get(key=ticket).scene, user)

    exchanged = browser.post_json(f"{config['tickets_url']}/{ticket}/exchange")
    assert exchanged.status_code == 200, exchanged.text[:300]
    body = exchanged.json()
    assert body["status"] == "consumed"
    assert urlsplit(body["redirect_to"]).path == urlsplit(authorize_url).path
    return browser.redirected(body["redirect_to"])


@pytest.fixture
def issuer(live_server, pool):
    return f"{live_server.url}/u/{pool.slug}/oidc"


@pytest.fixture
def live_phone(live_server, wechat_sim, settings):
    return LivePhone(live_server.url, wechat_sim, settings.WECHAT_DEFAULT_APP_ID)


@pytest.fixture
def scanned_in(live_server, live_phone, oidc_app, wx_user):
    """scanned_in(authorize_url) → the URL the browser lands on at the client after the scan."""
    return lambda url: log_in_by_scan(LiveBrowser(live_server.url), live_phone, url, oidc_app, wx_user)


def test_discovery_gives_pyoidc_this_pools_endpoints_and_keys(issuer, oidc_app):
    client = relying_party(issuer, oidc_app, "client_secret_basic")
    info = client.provider_info
    assert info["issuer"] == client.issuer == issuer
    assert client.authorization_endpoint == info["authorization_endpoint"] == f"{issuer}/authorize"
    assert client.token_endpoint == info["token_endpoint"] == f"{issuer}/token"
    assert client.userinfo_endpoint == info["userinfo_endpoint"] == f"{issuer}/userinfo"
    assert client.end_session_endpoint == info["end_session_endpoint"] == f"{issuer}/end-session"
    assert info["jwks_uri"] == f"{issuer}/jwks.json"
    assert "S256" in info["code_challenge_methods_supported"]
    keys = client.keyjar.get_issuer_keys(issuer)
    assert keys and all(k.kty == "RSA" for k in keys), "pyoidc loaded no signing key from the JWKS"


def test_pyoidc_logs_in_by_scan_with_pkce_and_client_secret_basic(issuer, oidc_app, pool, wx_user, settings,
                                                                  scanned_in):
    client = relying_party(issuer, oidc_app, "client_secret_basic")
    url, sent = authorization_url(client, pkce=True)
    assert query_of(url)["code_challenge_method"] == "S256"

    landed = scanned_in(url)
    assert landed.startswith(REDIRECT_URI + "?"), landed
    auth = client.parse_response(AuthorizationResponse, info=urlsplit(landed).query, sformat="urlencoded")
    assert isinstance(auth, AuthorizationResponse)
    assert auth["state"] == sent["state"] and auth["code"]

    tokens = client.do_access_token_request(
        state=auth["state"], request_args={"code": auth["code"], "code_verifier": sent["code_verifier"]},
        authn_method="client_secret_basic")
    assert isinstance(tokens, AccessTokenResponse), tokens.to_dict()
    assert tokens["token_type"].lower() == "bearer" and tokens["access_token"]
    id_token = tokens["id_token"]  # verified by pyoidc: signature (JWKS), iss, aud, exp/iat, at_hash
    user = EndUser.objects.get(pool=pool, phone=PHONE)
    assert id_token.jws_header["alg"] == "RS256"
    assert id_token["iss"] == issuer and oidc_app.client_id in id_token["aud"]
    assert id_token["sub"] == str(user.sub)
    assert id_token["nonce"] == sent["nonce"]
    assert id_token["phone_number"] == PHONE and id_token["phone_number_verified"] is True
    assert id_token["wechat_openid"] == wx_user["openids"][settings.WECHAT_DEFAULT_APP_ID]

    info = client.do_user_info_request(state=auth["state"], method="GET")
    assert isinstance(info, OpenIDSchema), info.to_dict()
    assert info["sub"] == id_token["sub"]
    assert info["phone_number"] == PHONE and info["phone_number_verified"] is True


def test_a_pkce_code_is_refused_to_pyoidc_with_another_verifier(issuer, oidc_app, scanned_in):
    """RFC 7636 §4.6: a code_verifier that does not match the challenge is invalid_grant."""
    client = relying_party(issuer, oidc_app, "client_secret_basic")
    url, sent = authorization_url(client, pkce=True)
    auth = client.parse_response(AuthorizationResponse, info=urlsplit(scanned_in(url)).query, sformat="urlencoded")
    _challenge, other_verifier = client.add_code_challenge()
    assert other_verifier != sent["code_verifier"]
    refused = client.do_access_token_request(
        state=auth["state"], request_args={"code": auth["code"], "code_verifier": other_verifier},
        authn_method="client_secret_basic")
    assert isinstance(refused, TokenErrorResponse), refused.to_dict()
    assert refused["error"] == "invalid_grant"


def test_pyoidc_logs_in_with_client_secret_post_and_no_pkce(issuer, oidc_app, pool, scanned_in):
    client = relying_party(issuer, oidc_app, "client_secret_post")
    url, sent = authorization_url(client, pkce=False)
    assert "code_challenge" not in query_of(url)

    auth = client.parse_response(AuthorizationResponse, info=urlsplit(scanned_in(url)).query, sformat="urlencoded")
    assert auth["state"] == sent["state"]
    tokens = client.do_access_token_request(state=auth["state"], request_args={"code": auth["code"]},
                                            authn_method="client_secret_post")
    assert isinstance(tokens, AccessTokenResponse), tokens.to_dict()
    id_token = tokens["id_token"]
    assert id_token["sub"] == str(EndUser.objects.get(pool=pool, phone=PHONE).sub)
    assert id_token["nonce"] == sent["nonce"]

    info = client.do_user_info_request(state=auth["state"], method="POST", behavior="use_authorization_header")
    assert isinstance(info, OpenIDSchema), info.to_dict()
    assert info["sub"] == id_token["sub"] and info["phone_number"] == PHONE
