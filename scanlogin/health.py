"""Operations endpoints: `/healthz` (liveness), `/readyz` (readiness) and `/metrics` (Prometheus).

They are answered by a middleware near the top of the stack, before the host check, the HTTPS
redirect, pool login domains, sessions and everything that might rate-limit or need a pool: a
load balancer or an orchestrator probes a container by its address over plain http, and a probe
must not fail because of the Host it sends or hit the database for a session.

* `/healthz` — the process answers; touches nothing else.
* `/readyz` — the database answers and every migration is applied, and Redis answers when
  REDIS_URL is set; else 503 naming the failing part by the exception's type only (never a URL,
  a host or a message that could hold one).
* `/metrics` — readable with `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time) or
  from an address in METRICS_NETWORKS (the client IP of scanlogin/proxies.py, so TRUSTED_PROXIES
  decide whose X-Forwarded-For counts); 404 `metrics_disabled` when neither is configured, else
  403 `metrics_forbidden`.
"""
from asgiref.sync import iscoroutinefunction, sync_to_async
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse, JsonResponse
from django.utils.decorators import sync_and_async_middleware
from django.utils.translation import gettext as _

from . import metrics
from .hashing import secret_matches, sha256_hex
from .proxies import client_ip, parse_ip

MAX_NAMED_MIGRATIONS = 5  # a readiness answer names a few missing migrations, not hundreds


def healthz(request):
    return _json({"status": "ok"}, 200)


def readyz(request):
    checks = readiness_checks()
    ok = all(value in ("ok", "not configured") for value in checks.values())
    return _json({"status": "ok" if ok else "unavailable", "checks": checks}, 200 if ok else 503)


def metrics_view(request):
    if not metrics_configured():
        return _error(404, "metrics_disabled", _("Metrics are not enabled: set METRICS_TOKEN or METRICS_NETWORKS."))
    if not metrics_allowed(request):
        return _error(403, "metrics_forbidden", _("Metrics need the metrics token or an address in METRICS_NETWORKS."))
    body, content_type = metrics.exposition()
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------
# The rules
def readiness_checks() -> dict[str, str]:
    """{"database": "ok" | "error: <Type>", "migrations": "ok" | "missing: a.0002_x, …", "redis": …}."""
    checks = {"database": _check(_database)}
    checks["migrations"] = _check(_migrations) if checks["database"] == "ok" else "unknown: no database"
    checks["redis"] = _check(_redis) if settings.REDIS_URL else "not configured"
    return checks


def _check(probe) -> str:
    try:
        return probe()
    except Exception as exc:  # any failure is the answer; its text may hold a host or URL, its type cannot
        return f"error: {type(exc).__name__}"


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _migrations() -> str:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return "ok"
    names = [f"{m.app_label}.{m.name}" for m, _backwards in plan]
    more = f" (+{len(names) - MAX_NAMED_MIGRATIONS} more)" if len(names) > MAX_NAMED_MIGRATIONS else ""
    return "missing: " + ", ".join(names[:MAX_NAMED_MIGRATIONS]) + more


def _redis() -> str:
    import redis

    timeout = getattr(settings, "READYZ_REDIS_TIMEOUT", 2.0)
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def metrics_configured() -> bool:
    return bool(settings.METRICS_TOKEN or settings.METRICS_NETWORKS)


def metrics_allowed(request) -> bool:
    """The metrics token (constant-time) or a client address inside METRICS_NETWORKS."""
    token = settings.METRICS_TOKEN
    scheme, _sep, presented = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and secret_matches(presented.strip(), sha256_hex(token)):
        return True
    ip = parse_ip(client_ip(request))
    return ip is not None and any(ip.version == net.version and ip in net for net in metrics_networks())


def metrics_networks() -> tuple:
    import ipaddress

    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in settings.METRICS_NETWORKS if cidr.strip())


# ---------------------------------------------------------------------------------------------
# The middleware
ENDPOINTS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}
BLOCKING = {"/readyz", "/metrics"}  # database, Redis or files: off the event loop


def endpoint_for(request):
    path = request.path_info
    name = path[:-1] if path.endswith("/") and len(path) > 1 else path
    view = ENDPOINTS.get(name)
    return (name, view) if view else (None, None)


@sync_and_async_middleware
def operations_middleware(get_response):
    """Answer the operations endpoints before the rest of the stack (see the module docstring)."""
    if iscoroutinefunction(get_response):
        async def middleware(request):
            name, view = endpoint_for(request)
            if view is None:
                return await get_response(request)
            request.metrics_view = name.lstrip("/")
            if request.method not in ("GET", "HEAD"):
                return _method_not_allowed()
            if name in BLOCKING:
                # The request's own sync thread (as a sync view would get): Django closes a broken
                # database connection of that thread when the request finishes.
                return await sync_to_async(view, thread_sensitive=True)(request)
            return view(request)
    else:
        def middleware(request):
            name, view = endpoint_for(request)
            if view is None:
                return get_response(request)
            request.metrics_view = name.lstrip("/")
            if request.method not in ("GET", "HEAD"):
                return _method_not_allowed()
            return view(request)
    return middleware


def _method_not_allowed():
    response = _error(405, "method_not_allowed", _("Use GET."))
    response["Allow"] = "GET, HEAD"
    return response


def _error(status: int, code: str, message: str) -> JsonResponse:
    return _json({"error": code, "message": message}, status)


def _json(body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response
