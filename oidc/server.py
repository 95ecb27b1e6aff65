"""Each pool's OAuth 2.0 / OpenID Connect authorization server, built on Authlib.

One server object per request and pool: every client, code and token lookup it makes is
filtered by that pool, so a client_id, code or token of another pool is simply unknown here.
"""
from datetime import timedelta

from authlib.common.security import generate_token
from authlib.integrations.django_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import InvalidClientError, InvalidGrantError, InvalidRequestError
from authlib.oauth2.rfc6749.authenticate_client import authenticate_client_secret_basic
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant, RefreshTokenGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from scanlogin.hashing import sha256_hex
from tenants.models import Application

from .claims import identity_for, user_claims
from .clients import client_for
from .keys import private_key, signing_key_current
from .models import AuthorizationCode, OAuthToken
from .services import (
    authorization_code_claim,
    authorization_code_store,
    refresh_token_claim,
    refresh_token_find,
    tokens_revoke_family,
)

AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


def issuer_for(request, pool) -> str:
    """`<base>/u/<pool>/oidc`; on the pool's own login domain (HOSTED_LOGIN_DOMAIN or a custom
    domain, scanlogin/pool_hosts.py) `https://<that host>/oidc`."""
    if getattr(request, "pool_domain", None) == pool.slug:
        return request.build_absolute_uri("/oidc")
    base = settings.OIDC_ISSUER_BASE or request.build_absolute_uri("/").rstrip("/")
    return f"{base}/u/{pool.slug}/oidc"


def client_secret_basic(query_client, request):
    """Authlib's HTTP Basic client authentication, with a malformed header (bad base64, no
    credentials, not UTF-8, a NUL byte) refused as invalid_client instead of raising."""
    try:
        return authenticate_client_secret_basic(query_client, request)
    except ValueError as exc:
        raise InvalidClientError(status_code=401, description="Malformed Basic authorization header.") from exc


class CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def save_authorization_code(self, code, request):
        ctx, data = self.server.login_context, request.payload.data
        return authorization_code_store(
            code=code, application=request.client.application, user=request.user, identity_id=ctx.get("identity_id"),
            redirect_uri=request.payload.redirect_uri or "", scope=request.scope or "",
            auth_time=ctx.get("auth_time") or int(timezone.now().timestamp()),
            nonce=data.get("nonce") or "", code_challenge=data.get("code_challenge") or "",
            code_challenge_method=data.get("code_challenge_method") or "",
        )

    def query_authorization_code(self, code, client):
        return authorization_code_claim(pool=self.server.pool, application=client.application, code=code)

    def delete_authorization_code(self, authorization_code):
        """Nothing to do: query_authorization_code already marked it used (single winner)."""

    def authenticate_user(self, authorization_code):
        user = authorization_code.user
        return None if user.blocked else user


class RefreshGrant(RefreshTokenGrant):
    """Refresh with rotation (every refresh token works once) and reuse detection (RFC 9700).

    Authlib authenticates the client, checks that the token is this client's and that the scope
    is not widened, all before create_token_response: nothing is revoked for a request that fails
    those checks (another client presenting a token cannot burn it). Only then is the token
    claimed, in the transaction that saves its successor; a token that was already used is a
    reuse, and every token of its family is revoked.
    """

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        return refresh_token_find(pool=self.server.pool, refresh_token=refresh_token)

    def authenticate_user(self, refresh_token):
        user = refresh_token.user
        return None if user.blocked else user

    def create_token_response(self):
        token = self.request.refresh_token
        with transaction.atomic():
            if refresh_token_claim(token):
                return super().create_token_response()
        tokens_revoke_family(token)
        raise InvalidGrantError()

    def revoke_old_credential(self, refresh_token):
        """Already revoked when it was claimed."""


class PoolCodeChallenge(CodeChallenge):
    """PKCE: only S256; required for public clients, accepted from confidential ones."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if grant.request.client.is_public and not data.get("code_challenge"):
            raise InvalidRequestError("Public clients must send a PKCE 'code_challenge' (S256).")
        if data.get("code_challenge") and data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)


class PoolOpenIDCode(OpenIDCode):
    def __init__(self, server):
        super().__init__(require_nonce=False)
        self.server = server
        self._key = None

    def _signing_key(self):
        if self._key is None:
            self._key = signing_key_current(self.server.pool)
        return self._key

    def exists_nonce(self, nonce, request):
        return AuthorizationCode.objects.filter(pool=self.server.pool, application__client_id=request.payload.client_id, nonce=nonce).exists()

    def resolve_client_private_key(self, client):
        return private_key(self._signing_key())

    def get_client_algorithm(self, client):
        return "RS256"

    def get_encode_header(self, client):
        return {"alg": "RS256", "kid": self._signing_key().kid, "typ": "JWT"}

    def get_client_claims(self, client):
        now = int(timezone.now().timestamp())
        return {"iss": self.server.issuer, "aud": client.get_client_id(), "iat": now, "exp": now + settings.OIDC_ID_TOKEN_TTL}

    def generate_user_info(self, user, scope):
        code = self.server.current_code
        return user_claims(user, scope, identity_for(user, code.identity_id if code else None))

    def process_token(self, grant, response):
        self.server.current_code = grant.request.authorization_code
        return super().process_token(grant, response)


class PoolAuthorizationServer(AuthorizationServer):
    """Authlib's Django server (requests, responses), with pool-scoped clients and token storage."""

    def __init__(self, *, pool, issuer: str, login_context: dict | None = None):
        super().__init__(Application, OAuthToken)  # no scopes_supported: unknown scopes are dropped, not refused
        self.pool = pool
        self.issuer = issuer
        self.login_context = login_context or {}
        self.current_code = None
        self.register_token_generator("default", BearerTokenGenerator(
            access_token_generator=lambda *a, **k: generate_token(43),
            refresh_token_generator=lambda *a, **k: generate_token(48),
            expires_generator=lambda client, grant_type: settings.OIDC_ACCESS_TOKEN_TTL,
        ))
        self.register_grant(CodeGrant, [PoolCodeChallenge(required=True), PoolOpenIDCode(self)])
        self.register_grant(RefreshGrant)
        self.register_client_auth_method("client_secret_basic", client_secret_basic)

    def query_client(self, client_id):
        return client_for(self.pool, client_id)

    def save_token(self, token, request):
        code = request.authorization_code
        previous = request.refresh_token
        source = code or previous
        now = timezone.now()
        return OAuthToken.objects.create(
            pool=self.pool, application=request.client.application, user=request.user,
            identity_id=source.identity_id if source else None,
            **({"family": previous.family} if previous else {}),
            authorization_code=code if code else (previous.authorization_code if previous else None),
            access_token_hash=sha256_hex(token["access_token"]),
            refresh_token_hash=sha256_hex(token["refresh_token"]) if token.get("refresh_token") else None,
            scope=token.get("scope", ""), issued_at=int(now.timestamp()), expires_in=token["expires_in"],
            refresh_expires_at=now + timedelta(seconds=settings.OIDC_REFRESH_TOKEN_TTL) if token.get("refresh_token") else None,
        )
