"""One JSON error shape for the whole management API.

Every error answers `{"error": "<stable_code>", "message": "<human text>"}`, plus `"fields"`
(`{field: [messages]}`) for validation errors. Django's own exceptions (Http404, model
ValidationError, IntegrityError from a lost race) are mapped here so no input becomes a 500.
"""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from connections.models import IdentifierImmutable
from scanlogin.errors import ServiceError

# DRF exception class -> stable error code (DRF's own default codes are kept otherwise).
CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "invalid_token",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.ParseError: "parse_error",
    exceptions.Throttled: "throttled",
}
# Model validation codes that are not a plain 400 validation_error.
CONFLICT_CODES = {"unique", "identifier_taken"}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"error": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    return body


def _flatten(detail) -> dict:
    """DRF's nested error detail -> {"field" or "parent.child": [messages]}."""
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    fields = {}
    for name, value in detail.items():
        if isinstance(value, dict):
            fields.update({f"{name}.{k}": v for k, v in _flatten(value).items()})
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, item in enumerate(value):
                fields.update({f"{name}.{i}.{k}": v for k, v in _flatten(item).items()})
        else:
            items = value if isinstance(value, list) else [value]
            fields[name] = [str(m) for m in items]
    return fields


def from_django_validation_error(exc: DjangoValidationError) -> exceptions.APIException:
    """A model/service ValidationError -> 400 validation_error, identifier_immutable or 409."""
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    fields = {("non_field_errors" if k == "__all__" else k): [str(m) for m in v] for k, v in messages.items()}
    groups = exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list]
    codes = {error.code for group in groups for error in group}
    if "identifier_immutable" in codes or isinstance(exc, IdentifierImmutable):
        message = fields.get("identifier", exc.messages)[0]
        return ApiError(400, "identifier_immutable", message, fields)
    if codes & CONFLICT_CODES:
        return ApiError(409, "conflict", _("An object with these values already exists."), fields)
    return ApiError(400, "validation_error", _("The request has invalid fields."), fields)


class ApiError(exceptions.APIException):
    """An error carrying its own status, stable code and optional field messages."""

    def __init__(self, status_code: int, code: str, message, fields: dict | None = None, *, wait: int | None = None):
        super().__init__(detail=str(message), code=code)
        self.status_code, self.code, self.message, self.fields = status_code, code, str(message), fields
        self.wait = wait  # DRF sends it as Retry-After


def _normalise(exc):
    if isinstance(exc, Http404):
        return exceptions.NotFound(_("Not found."))
    if isinstance(exc, ServiceError):  # a service's refusal: its own status and code (rate_limited, …)
        return ApiError(exc.status, exc.code, exc.message, wait=exc.retry_after)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        return from_django_validation_error(exc)
    if isinstance(exc, RequestDataTooBig):
        return ApiError(413, "request_too_large", _("The request body is too large."))
    if isinstance(exc, SuspiciousOperation):
        return ApiError(400, "bad_request", _("The request was refused."))
    if isinstance(exc, UnicodeError):
        # e.g. a lone surrogate in JSON that the database cannot store.
        return ApiError(400, "validation_error", _("The request contains text that is not valid Unicode."))
    if isinstance(exc, IntegrityError):
        # Two writers raced past validation (e.g. the same identifier twice): the database said no.
        return ApiError(409, "conflict", _("An object with these values already exists."))
    return exc


def api_exception_handler(exc, context):
    """DRF EXCEPTION_HANDLER: every error becomes the one JSON shape."""
    exc = _normalise(exc)
    response = drf_exception_handler(exc, context)  # sets WWW-Authenticate and Retry-After
    if response is None:
        return None
    if isinstance(exc, ApiError):
        response.data = error_body(exc.code, exc.message, exc.fields)
    elif isinstance(exc, exceptions.ValidationError):
        response.data = error_body("validation_error", _("The request has invalid fields."), _flatten(exc.detail))
    else:
        code = next((c for cls, c in CODES.items() if isinstance(exc, cls)), None)
        code = code or (exc.get_codes() if isinstance(exc.get_codes(), str) else "error")
        response.data = error_body(code, exc.detail if isinstance(exc.detail, str) else _("Request failed."))
    return response


@csrf_exempt  # a JSON 404 for any method; nothing is changed, so no CSRF check is needed
def not_found_view(request, *args, **kwargs):
    """JSON 404 for any unknown path under /api/v1/ (instead of Django's HTML page)."""
    return JsonResponse(error_body("not_found", _("No such API endpoint.")), status=404)
