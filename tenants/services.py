"""Writes for pools, memberships and applications (keyword-only, validated, transactional)."""
from django.db import transaction

from .domains import forget_domains
from .models import Application, Membership, Role, UserPool


@transaction.atomic
def pool_create(*, slug: str, name: str) -> UserPool:
    pool = UserPool(slug=slug, name=name)
    pool.full_clean()
    pool.save()
    return pool


@transaction.atomic
def pool_custom_domain_set(*, pool: UserPool, domain: str | None) -> UserPool:
    """Give the pool its own login domain ("" or None removes it); unique across pools, validated.
    The host → pool cache forgets the old and the new name at once."""
    old = pool.custom_domain
    pool.custom_domain = domain or None
    pool.full_clean()
    pool.save(update_fields=["custom_domain"])
    names = (old or "", pool.custom_domain or "")
    forget_domains(*names)
    transaction.on_commit(lambda: forget_domains(*names))  # again: a reader may have cached the old row meanwhile
    return pool


@transaction.atomic
def membership_set(*, user, pool, role: str = Role.OPERATOR) -> Membership:
    membership, _ = Membership.objects.update_or_create(user=user, pool=pool, defaults={"role": role})
    return membership


@transaction.atomic
def application_create(*, pool, name: str, description: str = "", redirect_uris=None, logo=None,
                       client_type: str = "confidential", web_origins=None) -> tuple[Application, str]:
    """Create an application; returns it with its client secret, which is never readable again."""
    app = Application(pool=pool, name=name, description=description, redirect_uris=list(redirect_uris or []),
                      client_type=client_type, web_origins=list(web_origins or []))
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


APPLICATION_UPDATABLE_FIELDS = {"name", "description", "redirect_uris", "logo", "client_type", "web_origins"}


@transaction.atomic
def application_update(*, application: Application, **fields) -> Application:
    """Change an application's name, description, redirect URIs or logo (client_id never changes)."""
    unknown = set(fields) - APPLICATION_UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown application fields: {sorted(unknown)}")
    for listed in ("redirect_uris", "web_origins"):
        if listed in fields:
            fields[listed] = list(fields[listed] or [])
    for name, value in fields.items():
        setattr(application, name, value)
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def application_delete(*, application: Application) -> None:
    """Delete an application; its enabled connections are unlinked, its login events kept."""
    application.delete()
