"""JSON in and out for the hosted login and mini-program APIs: `{"error", "message"}` on failure."""
import json

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

MAX_BODY = 16 * 1024


class ApiError(Exception):
    def __init__(self, code: str, status: int, message):
        super().__init__(str(message))
        self.code, self.status, self.message = code, status, str(message)


def error(code: str, status: int, message) -> JsonResponse:
    return JsonResponse({"error": code, "message": str(message)}, status=status)


def read_json(request, fields: dict[str, tuple[type, int, bool]]) -> dict:
    """Parse a small JSON object body and check `fields` = {name: (type, max_length, required)}.

    Raises ApiError: 413 body_too_large, 400 invalid_json / missing_field / invalid_field.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        raise ApiError("body_too_large", 413, _("The request body is too large."))
    try:
        body = request.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            raise ApiError("body_too_large", 413, _("The request body is too large."))
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError("invalid_json", 400, _("The request body must be a JSON object.")) from None
    if not isinstance(data, dict):
        raise ApiError("invalid_json", 400, _("The request body must be a JSON object."))
    out = {}
    for name, (kind, max_len, required) in fields.items():
        value = data.get(name)
        if value is None or value == "":
            if required:
                raise ApiError("missing_field", 400, _("The field “%(f)s” is required.") % {"f": name})
            continue
        if kind is bool and not isinstance(value, bool) or kind is str and not isinstance(value, str) or (
            isinstance(value, str) and len(value) > max_len
        ):
            raise ApiError("invalid_field", 400, _("The field “%(f)s” is not valid.") % {"f": name})
        out[name] = value
    return out
