"""Reads scoped to a pool: the one place that decides what a staff user may see."""
from django.http import Http404

from .models import Application, Membership, Role, UserPool


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


def pool_get_for_staff(*, user, slug: str) -> UserPool:
    pool = pools_for_staff(user).filter(slug=slug).first()
    if pool is None:
        raise Http404("No such pool.")
    return pool


def application_get(*, pool, client_id: str) -> Application:
    app = Application.objects.filter(pool=pool, client_id=client_id).first()
    if app is None:
        raise Http404("No such application.")
    return app
