"""Reads for the hosted login: the connections an application's login page offers."""
from django.utils.translation import gettext_lazy as _

from connections.selectors import connection_get_enabled_for, connections_enabled_for
from scanlogin.errors import NotFound
from tenants.models import Application
from tenants.selectors import usable_key


def login_connections(application: Application):
    return list(connections_enabled_for(application))


def connection_not_found() -> NotFound:
    return NotFound("connection_not_found", _("This login method is not available for this application."))


def connection_for_login(*, application: Application, identifier):
    """An enabled connection of the application's pool that is enabled for it; else NotFound."""
    conn = connection_get_enabled_for(application=application, identifier=identifier) if usable_key(identifier) else None
    if conn is None:
        raise connection_not_found()
    return conn
