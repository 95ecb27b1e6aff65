"""Routes of the management REST API, mounted at /api/v1/."""
from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from console.api.converters import ClientIdConverter, IdentifierConverter, IdentityIdConverter
from console.api.errors import not_found_view
from console.api.views import applications, connections, login_events, pool, users

register_converter(IdentifierConverter, "identifier")
register_converter(ClientIdConverter, "client_id")
register_converter(IdentityIdConverter, "identity_id")



def with_and_without_slash(routes: list) -> list:
    """Each route also answers with the trailing slash toggled, the same view and arguments, no redirect.

    DRF-based clients add a slash by default; `/api/v1/connections/` must mean `/api/v1/connections`.
    The twin has no name (reverse() gives the canonical form) and stays out of the OpenAPI document
    (console/api/schema.py drop_slash_twins).
    """
    out = []
    for route in routes:
        pattern = str(route.pattern)
        twin = pattern[:-1] if pattern.endswith("/") else pattern + "/"
        out += [route, path(twin, route.callback, route.default_args)]
    return out


urlpatterns = with_and_without_slash([
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script under the CSP.
    # metadata_class=None: OPTIONS answers 405 (DRF's metadata cannot be drawn with the page's template).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="console/swagger_ui.html",
                                                      metadata_class=None), name="api-docs"),
    path("connections", connections.ConnectionListView.as_view(), name="api-connections"),
    path("connections/<identifier:identifier>", connections.ConnectionDetailView.as_view(), name="api-connection"),
    path("connections/<identifier:identifier>/applications", connections.ConnectionApplicationsView.as_view(),
         name="api-connection-applications"),
    path("connections/<identifier:identifier>/check-credentials", connections.ConnectionCheckCredentialsView.as_view(),
         name="api-connection-check-credentials"),
    path("applications", applications.ApplicationListView.as_view(), name="api-applications"),
    path("applications/<client_id:client_id>", applications.ApplicationDetailView.as_view(), name="api-application"),
    path("applications/<client_id:client_id>/rotate-secret", applications.ApplicationRotateSecretView.as_view(),
         name="api-application-rotate-secret"),
    path("applications/<client_id:client_id>/connections", applications.ApplicationConnectionsView.as_view(),
         name="api-application-connections"),
    path("applications/<client_id:client_id>/connections/<identifier:identifier>", applications.EnablingView.as_view(),
         name="api-application-connection"),
    path("users", users.EndUserListView.as_view(), name="api-users"),
    path("users/<uuid:sub>", users.EndUserDetailView.as_view(), name="api-user"),
    path("users/<uuid:sub>/block", users.EndUserBlockView.as_view(), name="api-user-block"),
    path("users/<uuid:sub>/unblock", users.EndUserUnblockView.as_view(), name="api-user-unblock"),
    path("users/<uuid:sub>/identities/<identity_id:identity_id>", users.IdentityDetailView.as_view(),
         name="api-user-identity"),
    path("login-events", login_events.LoginEventListView.as_view(), name="api-login-events"),
    path("pool", pool.PoolView.as_view(), name="api-pool"),
]) + [
    re_path(r"^[\s\S]*$", not_found_view),  # any rest, newlines included: a JSON 404
]
