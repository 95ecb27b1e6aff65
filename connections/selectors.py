"""Pool-scoped reads of connections."""
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from scanlogin.config_cache import config_cache
from scanlogin.errors import NotFound

from .models import Connection, ConnectionApplication
from .wechat.quota import quota_usage


def connection_get(*, pool, identifier: str) -> Connection:
    conn = Connection.objects.filter(pool=pool, identifier=identifier).first()
    if conn is None:
        raise NotFound("connection_not_found", _("No such connection."))
    return conn


def connections_enabled_for(application):
    """Connections a login page of this application offers: enabled, linked, same pool."""
    return Connection.objects.filter(
        pool_id=application.pool_id, enabled=True, links__application=application
    ).order_by("display_name")


def enabled_connections(application) -> list[Connection]:
    """connections_enabled_for as a list, kept per process (scanlogin/config_cache.py): what every
    login page and every new ticket reads."""
    return config_cache.get(("enabled-connections", application.pk), lambda: list(connections_enabled_for(application)))


def connection_get_enabled_for(*, application, identifier: str) -> Connection | None:
    return next((conn for conn in enabled_connections(application) if conn.identifier == identifier), None)


def connection_by_id(pk) -> Connection:
    """A connection by primary key, for a row that refers to it (a ticket); kept per process."""
    return config_cache.get(("connection-id", pk), lambda: Connection.objects.get(pk=pk))


def linked_application_ids(connection) -> frozenset:
    """The applications the connection is switched on for (ids), kept per process."""
    return config_cache.get(("linked-applications", connection.pk),
                            lambda: frozenset(ConnectionApplication.objects.filter(connection=connection).values_list("application_id", flat=True)))


def applications_enabled_for(connection):
    return connection.applications.filter(pool_id=connection.pool_id).order_by("name")


def is_linked(*, connection, application) -> bool:
    """The connection is switched on for the application (whether or not the connection itself is
    enabled; a login also needs that: Connection.is_enabled_for)."""
    return ConnectionApplication.objects.filter(connection=connection, application=application).exists()


def application_switches(connection) -> list[tuple]:
    """Every application of the connection's pool, each with whether the connection is enabled for it."""
    from tenants.models import Application

    enabled = set(connection.links.values_list("application_id", flat=True))
    apps = Application.objects.filter(pool_id=connection.pool_id).order_by("name")
    return [(app, app.pk in enabled) for app in apps]


def connection_switches(application) -> list[tuple]:
    """Every connection of the application's pool, each with whether it is enabled for the application."""
    enabled = set(application.connection_links.values_list("connection_id", flat=True))
    conns = Connection.objects.filter(pool_id=application.pool_id).order_by("display_name")
    return [(conn, conn.pk in enabled) for conn in conns]


def wechat_quota_for_pool(*, pool) -> list[dict]:
    """What each mini-program (AppID) the pool's connections call WeChat with has spent of its
    budgets (WECHAT_QUOTA), read from the budget's own counters (connections/wechat/quota.py):
    [{"app_id", "shared", "connections", "api", "limit", "used", "window", "reset_in"}].
    The platform's default mini-program is `shared` by every pool that uses it: its figures are
    the platform's, and a spent budget stops this pool's logins too."""
    apps: dict[str, list[str]] = {}
    for conn in Connection.objects.filter(pool=pool).order_by("identifier"):
        apps.setdefault(conn.wechat_app_id, []).append(conn.identifier)
    rows = []
    for app_id, identifiers in apps.items():
        for api in settings.WECHAT_QUOTA:
            for window in quota_usage(app_id=app_id, api=api):
                rows.append({"app_id": app_id, "shared": app_id == settings.WECHAT_DEFAULT_APP_ID,
                             "connections": identifiers, "api": api, **window})
    return rows
