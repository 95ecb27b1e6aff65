"""JSON in and out for the hosted login and mini-program APIs: `{"error", "message"}` on failure."""
import json

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from scanlogin.errors import ServiceError

MAX_BODY = 16 * 1024


def error(code: str, status: int, message) -> JsonResponse:
    return JsonResponse({"error": code, "message": str(message)}, status=status)


def error_response(exc: ServiceError) -> JsonResponse:
    """A refused request as the contract's JSON error (with Retry-After when it says when to come back)."""
    response = error(exc.code, exc.status, exc.message)
    if exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


def read_json(request, fields: dict[str, tuple[type, int, bool]]) -> dict:
    """Parse a small JSON object body and check `fields` = {name: (type, max_length, required)}.

    Raises ServiceError: 413 body_too_large, 400 invalid_json / missing_field / invalid_field.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        raise ServiceError("body_too_large", 413, _("The request body is too large."))
    try:
        body = request.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            raise ServiceError("body_too_large", 413, _("The request body is too large."))
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ServiceError("invalid_json", 400, _("The request body must be a JSON object.")) from None
    if not isinstance(data, dict):
        raise ServiceError("invalid_json", 400, _("The request body must be a JSON object."))
    out = {}
    for name, (kind, max_len, required) in fields.items():
        value = data.get(name)
        if value is None or value == "":
            if required:
                raise ServiceError("missing_field", 400, _("The field “%(f)s” is required.") % {"f": name})
            continue
        if kind is bool and not isinstance(value, bool) or kind is str and not isinstance(value, str) or (
            isinstance(value, str) and len(value) > max_len
        ):
            raise ServiceError("invalid_field", 400, _("The field “%(f)s” is not valid.") % {"f": name})
        out[name] = value
    return out
