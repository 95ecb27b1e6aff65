"""Web origins and pool domains: the exact forms ScanLogin stores and compares.

A web origin is what a browser sends in its `Origin` header: `scheme://host[:port]`, lowercase,
without the default port, a path, a query or a wildcard. An application lists the origins whose
pages may call the ticket API and the token endpoint from a browser (CORS).
"""
import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
HOSTNAME_RE = re.compile(rf"^(?:{_HOST_LABEL}\.)+{_HOST_LABEL}$")
_LOCAL_RE = re.compile(rf"^(?:{_HOST_LABEL}\.)*{_HOST_LABEL}$")  # also "localhost"
_IPV4_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
MAX_WEB_ORIGINS = 20


def origin_of(url: str) -> str:
    """The origin of an absolute http(s) URL (e.g. a redirect URI), in the browser's form; "" if none."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return ""
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != DEFAULT_PORTS[parts.scheme] else "")


def web_origin_problem(value) -> str | None:
    """Why `value` is not an exact web origin in the browser's form, or None when it is."""
    if not isinstance(value, str) or not value or len(value) > 200 or value != value.strip():
        return "invalid"
    if "*" in value:
        return "wildcard"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "invalid"
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.username or parts.password:
        return "invalid"
    if parts.path or parts.query or parts.fragment or value.endswith(("?", "#")):
        return "path"
    host = parts.hostname
    if not (_LOCAL_RE.match(host) or _IPV4_RE.match(host) or ":" in host):
        return "invalid"
    if origin_of(value) != value:
        return "form"
    return None


ORIGIN_RULE = _("Not an exact web origin (scheme://host[:port], lowercase, no path, no default port, no wildcard): "
                "%(origins)s.")


def validate_web_origin(value) -> None:
    """One web origin (the API validates each list item with it)."""
    if web_origin_problem(value):
        raise ValidationError(ORIGIN_RULE, code="invalid_web_origin", params={"origins": value if isinstance(value, str) else repr(value)})


def validate_web_origins(values) -> None:
    """Model/serializer validator: a list of at most 20 exact, distinct web origins."""
    if not isinstance(values, list):
        raise ValidationError(_("Enter a list of web origins."), code="invalid_web_origins")
    if len(values) > MAX_WEB_ORIGINS:
        raise ValidationError(_("At most %(n)d web origins."), code="too_many_web_origins", params={"n": MAX_WEB_ORIGINS})
    bad = [v if isinstance(v, str) else repr(v) for v in values if web_origin_problem(v)]
    if bad:
        raise ValidationError(ORIGIN_RULE, code="invalid_web_origin", params={"origins": ", ".join(bad)})


def normalize_domain(value: str) -> str:
    return (value or "").strip().lower().rstrip(".")


def validate_custom_domain(value) -> None:
    """A pool's own login domain: a lowercase host name with at least one dot, not an address."""
    if not isinstance(value, str) or len(value) > 253 or not HOSTNAME_RE.match(value) or _IPV4_RE.match(value):
        raise ValidationError(_("Enter a host name such as login.example.com (lowercase, no scheme, no port, no path)."), code="invalid_domain")
