"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): validate the request.

A post-logout redirect is allowed only to an exact redirect URI of the client named by the
ID token hint (or client_id): the end-session endpoint is never an open redirect.

The session ends without asking only when the hint proves the request comes from a client of
this pool about this very session: its `sub` is the logged-in user and one of its audiences is a
client of the pool. Any other request (no hint, someone else's old token, a token for a client
that is gone) asks the user first, so a forged link or form cannot log anyone out.
"""
from dataclasses import dataclass

from authlib.common.urls import add_params_to_uri
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from scanlogin.errors import NotFound, ServiceError
from tenants.models import Application
from tenants.selectors import application_get

from .keys import jwks


@dataclass
class EndSessionRequest:
    application: Application | None
    redirect_uri: str | None
    needs_confirmation: bool


def id_token_hint_claims(pool, hint: str) -> dict:
    """The claims of an ID token this pool signed (expired ones are accepted as a hint)."""
    try:
        token = jwt.decode(hint, KeySet.import_key_set(jwks(pool)), algorithms=["RS256"])
    except (JoseError, ValueError, TypeError) as exc:
        raise ServiceError("invalid_id_token_hint", 400, "The id_token_hint was not issued by this identity provider.") from exc
    return token.claims


def _application_or_none(pool, client_id) -> Application | None:
    try:
        return application_get(pool=pool, client_id=client_id)
    except NotFound:
        return None


def _hint_application(pool, auds: list, client_id: str) -> Application | None:
    """The client the request is from: client_id when given, else the hint's first audience that
    is a client of this pool."""
    if client_id:
        return _application_or_none(pool, client_id)
    return next((app for aud in auds if isinstance(aud, str) and (app := _application_or_none(pool, aud))), None)


def end_session_request(*, pool, params, user=None) -> EndSessionRequest:
    """Validate an end-session request for the pool's current end user `user` (None: no session)."""
    hint = params.get("id_token_hint") or ""
    claims = id_token_hint_claims(pool, hint) if hint else None
    client_id = params.get("client_id") or ""
    aud = (claims or {}).get("aud")
    auds = aud if isinstance(aud, list) else [aud] if aud else []
    if claims and client_id and client_id not in auds:
        raise ServiceError("invalid_request", 400, "client_id does not match the id_token_hint.")
    app = _hint_application(pool, auds, client_id)
    target = params.get("post_logout_redirect_uri") or ""
    if target and (app is None or target not in app.redirect_uris):
        raise ServiceError("invalid_request", 400, "post_logout_redirect_uri is not a registered redirect URI of this client.")
    if target and params.get("state"):
        target = add_params_to_uri(target, [("state", params["state"])])
    if user is None:  # no session to end: a valid hint goes straight back, without one the user is asked
        return EndSessionRequest(application=app, redirect_uri=target or None, needs_confirmation=claims is None or app is None)
    proven = claims is not None and app is not None and claims.get("sub") == str(user.sub)
    return EndSessionRequest(application=app, redirect_uri=target or None, needs_confirmation=not proven)
