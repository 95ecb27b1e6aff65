"""End-user sessions on a pool's hosted login.

Kept in the Django session under a per-pool key, apart from console staff authentication:
an end user is never a Django auth user, and logging in to one pool says nothing about another.
"""
from django.utils import timezone

from .models import EndUser


def _key(pool) -> str:
    return _key_for(pool.pk)


def _key_for(pool_id) -> str:
    return f"enduser:{pool_id}"


def login_end_user(request, user: EndUser, *, identity=None, connection_id: int | None = None, method: str = "wechat_miniprogram_pc") -> None:
    """Start an end-user session for user's pool (rotating the session key against fixation).
    `identity` is the WeChat identity used; the OIDC provider reports it as wechat_openid.
    `connection_id` is the identity source the login went through: the OIDC provider issues codes
    from this session only to applications that source is enabled for."""
    if request.session.session_key:  # a session the browser brought: a new key (fixation); a new one gets a key as it is saved
        request.session.cycle_key()
    request.session[_key_for(user.pool_id)] = {"user": user.pk, "auth_time": int(timezone.now().timestamp()), "amr": method,
                                               "identity": identity.pk if identity is not None else None,
                                               "connection": connection_id}


def get_end_user(request, pool) -> EndUser | None:
    data = request.session.get(_key(pool))
    if not data:
        return None
    user = EndUser.objects.filter(pk=data.get("user"), pool=pool, blocked=False).first()
    return user


def get_auth_time(request, pool) -> int | None:
    data = request.session.get(_key(pool))
    return data.get("auth_time") if data else None


def get_identity_id(request, pool) -> int | None:
    data = request.session.get(_key(pool))
    return data.get("identity") if data else None


def get_connection_id(request, pool) -> int | None:
    data = request.session.get(_key(pool))
    return data.get("connection") if data else None


def logout_end_user(request, pool) -> None:
    request.session.pop(_key(pool), None)
