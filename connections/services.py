"""Writes for connections: create, update, enable/disable per application.

The console, the management API and the demo seed all go through these functions, so the
rules (identifier immutability, private-deployment credentials, write-only secret) hold
whatever path a change takes.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Connection, ConnectionApplication, app_secret_validator
from .credentials import own_credentials
from .wechat.client import forget_cached_tokens

UPDATABLE_FIELDS = {
    "display_name", "callback_url", "logo", "private_deployment", "app_id", "app_secret",
    "login_only", "linking_enabled", "link_match_fields", "link_ask_bind", "enabled",
}


def _check_app_secret(secret: str | None) -> None:
    """The stored secret is encrypted, so the model field cannot carry the format validator itself."""
    if secret:
        try:
            app_secret_validator(secret)
        except ValidationError as exc:
            raise ValidationError({"app_secret": exc.error_list}) from None


@transaction.atomic
def connection_create(*, pool, identifier: str, display_name: str, callback_url: str, **fields) -> Connection:
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown connection fields: {sorted(unknown)}")
    _check_app_secret(fields.get("app_secret"))
    conn = Connection(pool=pool, identifier=identifier, display_name=display_name, callback_url=callback_url, **fields)
    if Connection.objects.filter(pool=pool, identifier=identifier).exists():
        # Reported on the field (full_clean would report the pool+identifier constraint as a whole).
        raise ValidationError(
            {"identifier": ValidationError(_("A connection with this identifier already exists in the pool."), code="unique")}
        )
    conn.full_clean()
    conn.save()
    return conn


@transaction.atomic
def connection_update(*, connection: Connection, **fields) -> Connection:
    """Update fields; an empty or absent app_secret keeps the stored one (write-only secret)."""
    if "identifier" in fields and fields["identifier"] != connection.identifier:
        raise ValidationError({"identifier": ValidationError(
            _("The unique identifier cannot be changed after creation."), code="identifier_immutable")})
    fields.pop("identifier", None)
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown connection fields: {sorted(unknown)}")
    if not fields.get("app_secret"):
        fields.pop("app_secret", None)
    _check_app_secret(fields.get("app_secret"))
    own_before = own_credentials(connection)
    for name, value in fields.items():
        setattr(connection, name, value)
    connection.full_clean()
    connection.save()
    forget_replaced_credentials(connection=connection, before=own_before)
    return connection


def forget_replaced_credentials(*, connection: Connection, before: tuple[str, str] | None) -> None:
    """After a save: when the connection's own AppID/secret changed (`before`: the pair it had, None
    on the platform's mini-program), the access token fetched with the old pair is dropped once
    the save commits. Every save path (API, console) calls this."""
    if before and before != own_credentials(connection):
        transaction.on_commit(lambda: forget_cached_tokens(app_id=before[0], app_secret=before[1]))


@transaction.atomic
def connection_enable_for(*, connection: Connection, application) -> ConnectionApplication:
    """Enable the connection for the application (idempotent). Both must be in one pool."""
    if connection.pool_id != application.pool_id:
        raise ValidationError(_("The application belongs to another pool."))
    link, _created = ConnectionApplication.objects.get_or_create(connection=connection, application=application)
    return link


@transaction.atomic
def connection_disable_for(*, connection: Connection, application) -> bool:
    """Disable the connection for the application (idempotent); True if a link was removed."""
    deleted, _ = ConnectionApplication.objects.filter(connection=connection, application=application).delete()
    return deleted > 0


@transaction.atomic
def connection_delete(*, connection: Connection) -> None:
    """Delete a connection and its per-application links; identities and login events keep their rows."""
    connection.delete()


def links_by_phone(connection: Connection) -> bool:
    return connection.linking_enabled and "phone" in (connection.link_match_fields or [])


def mini_program_change_warning(*, connection: Connection, previous_app_id: str) -> dict | None:
    """What happens to returning users now that the connection calls WeChat with another AppID.

    An openid belongs to one mini-program (and the default and a private one share no unionid), so
    everyone who signed in through the previous one arrives as an unknown WeChat identity. Only
    field matching by verified phone brings them back to their accounts by itself. None when the
    AppID did not change or nobody signed in through the previous one.
    """
    if connection.wechat_app_id == previous_app_id:
        return None
    # The reverse accessor of accounts.Identity: connections may not import accounts (a layer above).
    count = connection.identities.filter(app_id=previous_app_id).values("user_id").distinct().count()
    if not count:
        return None
    users = ngettext("%(n)d user signed in", "%(n)d users signed in", count) % {"n": count}
    head = _("%(users)s through the previous mini-program (%(old)s). WeChat gives them new identities in "
             "the new one (%(new)s).") % {"users": users, "old": previous_app_id, "new": connection.wechat_app_id}
    if links_by_phone(connection):
        tail = _("Field matching by verified phone is on: each returning user is linked back to their account "
                 "(same account, same OIDC subject) when they scan.")
        code = "mini_program_changed"
    elif connection.linking_enabled and connection.link_ask_bind:
        tail = _("Field matching by verified phone is off: returning users are asked to sign in to their account "
                 "to bind the new WeChat identity, which only accounts with a password can do. Turn on field "
                 "matching by verified phone so they keep their accounts by scanning.")
        code = "mini_program_changed_users_lost"
    else:
        tail = _("Account identity linking is off: returning users are refused (their phone already has an "
                 "account). Turn on account identity linking with field matching by verified phone so they keep "
                 "their accounts.")
        code = "mini_program_changed_users_lost"
    return {"code": code, "message": f"{head} {tail}"}
