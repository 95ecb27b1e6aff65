"""Reads for the hosted login: the pool, the application and its connections, 404 otherwise."""
from tenants.models import Application, UserPool
from connections.selectors import connection_get_enabled_for, connections_enabled_for


class NotFound(Exception):
    """A pool, application or connection the request named does not exist here (→ 404)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def pool_get(slug: str) -> UserPool:
    pool = UserPool.objects.filter(slug=slug).first()
    if pool is None:
        raise NotFound("pool_not_found")
    return pool


def application_get(*, pool: UserPool, client_id) -> Application:
    """The pool's application by client_id; another pool's application is as unknown as none."""
    if not isinstance(client_id, str) or not client_id or len(client_id) > 64 or "\x00" in client_id:
        raise NotFound("application_not_found")  # (a NUL byte would be a database error)
    app = Application.objects.filter(pool=pool, client_id=client_id).first()
    if app is None:
        raise NotFound("application_not_found")
    return app


def login_connections(application: Application):
    return list(connections_enabled_for(application))


def connection_for_login(*, application: Application, identifier):
    """An enabled connection of the application's pool that is enabled for it; else NotFound."""
    usable = isinstance(identifier, str) and "\x00" not in identifier
    conn = connection_get_enabled_for(application=application, identifier=identifier) if usable else None
    if conn is None:
        raise NotFound("connection_not_found")
    return conn
