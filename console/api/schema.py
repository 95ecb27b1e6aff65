"""OpenAPI helpers: the bearer scheme, the documented error responses, paginated list shapes."""
from functools import cache

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from .serializers.common import ErrorSerializer

ERROR_DESCRIPTIONS = {
    400: "validation_error (with fields), identifier_immutable, parse_error or invalid_cursor",
    401: "not_authenticated (no token) or invalid_token (unknown, expired or revoked); see WWW-Authenticate",
    403: "permission_denied: the token's role may not do this",
    404: "not_found: no such object in the token's pool",
    405: "method_not_allowed",
    409: "conflict: an object with this identifier already exists",
    413: "request_too_large: the body is over DATA_UPLOAD_MAX_MEMORY_SIZE",
    415: "unsupported_media_type: send JSON (or multipart where a file is accepted)",
    429: "throttled: too many requests for this token; see Retry-After",
    503: "wechat_quota_exhausted: ScanLogin's budget of WeChat calls for this AppID is spent; see Retry-After",
}


class ManagementTokenScheme(OpenApiAuthenticationExtension):
    target_class = "console.api.auth.ManagementTokenAuthentication"
    name = "managementToken"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")
        scheme["description"] = "A pool's management token (slm_…), from the console or `manage.py create_management_token`."
        return scheme


def drop_slash_twins(endpoints, **kwargs):
    """Preprocessing hook: `<path>/` twins of the routes (console/api_urls.py) are not documented twice."""
    return [endpoint for endpoint in endpoints if not endpoint[0].endswith("/")]


def errors(*codes: int) -> dict:
    """Responses for the given error statuses plus those every endpoint can give (401, 429)."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
            for code in sorted({401, 429, *codes})}


@cache
def paginated(serializer_class):
    """The cursor-paginated list shape {next, previous, results: [...]} for a serializer."""
    name = "Paginated" + serializer_class.__name__.removesuffix("Serializer").removesuffix("Output") + "List"
    return type(name, (serializers.Serializer,), {
        "next": serializers.URLField(allow_null=True, help_text="URL of the next page, or null"),
        "previous": serializers.URLField(allow_null=True, help_text="URL of the previous page, or null"),
        "results": serializer_class(many=True),
        "__module__": __name__,
    })


PAGE_PARAMETERS = [
    OpenApiParameter("cursor", str, description="Opaque cursor from a `next`/`previous` URL."),
    OpenApiParameter("page_size", int, description="Items per page (default 50, at most 200)."),
]


SUMMARIES = {
    "connections_list": "List connections",
    "connections_create": "Create a connection (JSON, or multipart with a logo)",
    "connections_read": "Read a connection (the AppSecret is never returned)",
    "connections_update": "Update a connection (the identifier cannot change)",
    "connections_delete": "Delete a connection",
    "connections_applications_list": "Applications the connection is enabled for",
    "connections_check_credentials": "Check the AppID and AppSecret with WeChat now",
    "applications_list": "List applications",
    "applications_create": "Create an application (its client_secret is shown only in this answer)",
    "applications_read": "Read an application",
    "applications_update": "Update an application",
    "applications_delete": "Delete an application",
    "applications_rotate_secret": "Rotate the client secret (shown only in this answer)",
    "applications_connections_list": "Connections enabled for the application",
    "applications_connection_read": "Is the connection enabled for the application?",
    "applications_connection_enable": "Enable the connection for the application (idempotent)",
    "applications_connection_disable": "Disable the connection for the application (idempotent)",
    "users_list": "List end users (filter by phone, blocked)",
    "users_read": "Read an end user and their linked identities",
    "users_block": "Block an end user (admin)",
    "users_unblock": "Unblock an end user (admin)",
    "users_identity_unlink": "Unlink an identity from an end user (admin)",
    "login_events_list": "List login events (filter by user, connection, application, outcome, time)",
    "pool_read": "Read the token's user pool (issuers, custom login domain)",
    "pool_update": "Set or remove the pool's custom login domain (admin)",
}


def add_summaries(result, generator, request, public):
    """SPECTACULAR postprocessing hook: a one-line summary on every operation."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("summary", SUMMARIES.get(operation.get("operationId"), ""))
    return result
