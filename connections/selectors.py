"""Pool-scoped reads of connections."""
from django.http import Http404

from .models import Connection, ConnectionApplication


def connection_get(*, pool, identifier: str) -> Connection:
    conn = Connection.objects.filter(pool=pool, identifier=identifier).first()
    if conn is None:
        raise Http404("No such connection.")
    return conn


def connections_enabled_for(application):
    """Connections a login page of this application offers: enabled, linked, same pool."""
    return Connection.objects.filter(
        pool_id=application.pool_id, enabled=True, links__application=application
    ).order_by("display_name")


def connection_get_enabled_for(*, application, identifier: str) -> Connection | None:
    return connections_enabled_for(application).filter(identifier=identifier).first()


def applications_enabled_for(connection):
    return connection.applications.filter(pool_id=connection.pool_id).order_by("name")


def is_enabled(*, connection, application) -> bool:
    return ConnectionApplication.objects.filter(connection=connection, application=application).exists()
