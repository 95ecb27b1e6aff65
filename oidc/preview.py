"""The ID token a "Try login" would have given the application, signed and decoded back.

Built from the same pieces as the token endpoint's ID token (issuer, audience, key, claims by
scope), so what the operator sees is what a relying party receives — except that it is a preview,
not a credential: it expires the moment it is made (`exp` = `iat`), so no relying party that checks
`exp` accepts it, and the page says so.
"""
from joserfc import jwt
from joserfc.jwk import KeySet

from .claims import identity_for, user_claims
from .clients import PoolClient
from .keys import jwks
from .server import PoolAuthorizationServer, PoolOpenIDCode, issuer_for

PREVIEW_SCOPE = "openid profile phone"


def id_token_preview(*, request, ticket) -> dict:
    """{"token", "header", "claims"} for the user the ticket logged in, verified against the JWKS."""
    server = PoolAuthorizationServer(pool=ticket.pool, issuer=issuer_for(request, ticket.pool))
    ext, client = PoolOpenIDCode(server), PoolClient(ticket.application)
    claims = {**ext.get_client_claims(client), "auth_time": int(ticket.updated_at.timestamp()), "amr": ["wechat_miniprogram_pc"]}
    claims["exp"] = claims["iat"]  # a preview, not for use
    claims.update(user_claims(ticket.user, PREVIEW_SCOPE, identity_for(ticket.user, ticket.identity_id)))
    token = jwt.encode(ext.get_encode_header(client), claims, ext.resolve_client_private_key(client), ["RS256"])
    decoded = jwt.decode(token, KeySet.import_key_set(jwks(ticket.pool)), algorithms=["RS256"])  # signature only
    return {"token": token, "header": decoded.header, "claims": decoded.claims}
