"""What an ID token and the userinfo endpoint say about an end user, by scope."""
from authlib.oauth2.rfc6749 import scope_to_list

from accounts.models import EndUser, Identity


def identity_for(user: EndUser, identity_id: int | None) -> Identity | None:
    """The WeChat identity the login used, or the user's most recently seen one."""
    identities = user.identities.all()
    return (identities.filter(pk=identity_id).first() if identity_id else None) or identities.first()


def user_claims(user: EndUser, scope: str, identity: Identity | None = None) -> dict:
    scopes = scope_to_list(scope or "")
    claims = {"sub": str(user.sub)}
    if "profile" in scopes:
        claims.update({
            "name": user.nickname or user.username or "",
            "nickname": user.nickname,
            "picture": user.avatar or None,
            "updated_at": int(user.updated_at.timestamp()),
        })
        if identity is not None:
            claims["wechat_openid"] = identity.openid
            if identity.unionid:
                claims["wechat_unionid"] = identity.unionid
        claims = {k: v for k, v in claims.items() if v not in (None, "")}
    if "phone" in scopes and user.phone:
        claims["phone_number"] = user.phone
        claims["phone_number_verified"] = user.phone_verified
    return claims
