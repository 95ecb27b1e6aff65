"""The one pool-scoped lookup layer: what a console staff user, a management token or a hosted-login
URL may reach.

Every surface finds its pool here (the console from the staff user's memberships, the management
API from its token — tenants/tokens.py — the hosted login and OIDC from the URL) and then looks up
objects only inside that pool. Anything outside the pool is `NotFound`, exactly like what does not
exist: a 404 for outsiders, never a 403 that tells them it is there.
"""
from django.utils.translation import gettext_lazy as _

from scanlogin.config_cache import config_cache
from scanlogin.errors import NotFound

from .models import Application, Membership, Role, UserPool


def usable_key(value) -> bool:
    """A lookup value from a request that can be compared with a column (no NUL byte, not huge)."""
    return isinstance(value, str) and 0 < len(value) <= 200 and "\x00" not in value


def pools_for_staff(user):
    """Pools a console staff user can work in; superusers see every pool."""
    if not user.is_authenticated or not user.is_active:
        return UserPool.objects.none()
    if user.is_superuser:
        return UserPool.objects.all()
    return UserPool.objects.filter(memberships__user=user).distinct()


def role_for_staff(user, pool) -> str | None:
    """The staff user's role in the pool (superusers act as admins), or None for outsiders."""
    if not user.is_authenticated or not user.is_active or pool is None:
        return None
    if user.is_superuser:
        return Role.ADMIN
    return Membership.objects.filter(user=user, pool=pool).values_list("role", flat=True).first()


def pool_get_for_staff(*, user, slug) -> UserPool:
    """A pool the staff user is a member of (any pool for superusers); NotFound otherwise."""
    pool = pools_for_staff(user).filter(slug=slug).first() if usable_key(slug) else None
    if pool is None:
        raise NotFound("pool_not_found", _("No such user pool."))
    return pool


def pool_get(*, slug) -> UserPool:
    """The pool a hosted-login or OIDC URL names; NotFound when there is none (kept per process:
    scanlogin/config_cache.py)."""
    pool = config_cache.get(("pool", slug), lambda: UserPool.objects.filter(slug=slug).first()) if usable_key(slug) else None
    if pool is None:
        raise NotFound("pool_not_found", _("No such user pool."))
    return pool


def application_get(*, pool, client_id) -> Application:
    """The pool's application by client_id; another pool's application is as unknown as none (kept
    per process: scanlogin/config_cache.py)."""
    app = config_cache.get(("application", pool.pk, client_id),
                           lambda: Application.objects.filter(pool=pool, client_id=client_id).first()) if usable_key(client_id) else None
    if app is None:
        raise NotFound("application_not_found", _("No such application."))
    return app


def pool_by_id(pk) -> UserPool:
    """A pool by primary key, for a row that refers to it (a ticket); kept per process."""
    return config_cache.get(("pool-id", pk), lambda: UserPool.objects.get(pk=pk))


def application_by_id(pk) -> Application:
    """An application by primary key, for a row that refers to it (a ticket); kept per process."""
    return config_cache.get(("application-id", pk), lambda: Application.objects.get(pk=pk))
