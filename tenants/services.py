"""Writes for pools, memberships and applications (keyword-only, validated, transactional)."""
from django.db import transaction

from .models import Application, Membership, Role, UserPool


@transaction.atomic
def pool_create(*, slug: str, name: str) -> UserPool:
    pool = UserPool(slug=slug, name=name)
    pool.full_clean()
    pool.save()
    return pool


@transaction.atomic
def membership_set(*, user, pool, role: str = Role.OPERATOR) -> Membership:
    membership, _ = Membership.objects.update_or_create(user=user, pool=pool, defaults={"role": role})
    return membership


@transaction.atomic
def application_create(*, pool, name: str, description: str = "", redirect_uris=None, logo=None,
                       client_type: str = "confidential") -> tuple[Application, str]:
    """Create an application; returns it with its client secret, which is never readable again."""
    app = Application(pool=pool, name=name, description=description, redirect_uris=list(redirect_uris or []),
                      client_type=client_type)
    if logo:
        app.logo = logo
    secret = app.set_new_client_secret()
    app.full_clean()
    app.save()
    return app, secret


@transaction.atomic
def application_rotate_secret(*, application: Application) -> str:
    secret = application.set_new_client_secret()
    application.save(update_fields=["client_secret_hash"])
    return secret


APPLICATION_UPDATABLE_FIELDS = {"name", "description", "redirect_uris", "logo", "client_type"}


@transaction.atomic
def application_update(*, application: Application, **fields) -> Application:
    """Change an application's name, description, redirect URIs or logo (client_id never changes)."""
    unknown = set(fields) - APPLICATION_UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown application fields: {sorted(unknown)}")
    if "redirect_uris" in fields:
        fields["redirect_uris"] = list(fields["redirect_uris"] or [])
    for name, value in fields.items():
        setattr(application, name, value)
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def application_delete(*, application: Application) -> None:
    """Delete an application; its enabled connections are unlinked, its login events kept."""
    application.delete()
