"""Keep personal data out of access and request logs.

An ID token sent as `id_token_hint` in a URL carries the user's phone number; access logs
(uvicorn's, gunicorn's, Django's development server) print every request's query. This logging
filter rewrites such parameters to `[redacted]` in each record's message and arguments before
any handler formats it. README: relying parties should POST end-session, which keeps the hint
out of URLs in the first place.
"""
import logging
import re
from collections.abc import Mapping
from urllib.parse import unquote

SENSITIVE_PARAMS = frozenset({"id_token_hint", "login_hint"})
REDACTED = "[redacted]"
# one name=value pair of a query string, as far as a log line lets us see it
_PAIR = re.compile(r'(?P<sep>[?&;])(?P<name>[^=&;\s"?]+)=(?P<value>[^&;\s"]*)')
# the loggers that print request lines and keep their own handlers (propagate off)
ACCESS_LOGGERS = ("uvicorn.access", "gunicorn.access", "django.server", "django.request")


def redact(text: str) -> str:
    """`text` with the value of every sensitive query parameter replaced."""
    if "hint" not in text.lower() and "%" not in text:
        return text

    def one(match):
        if unquote(match["name"]).lower() in SENSITIVE_PARAMS:
            return f"{match['sep']}{match['name']}={REDACTED}"
        return match[0]
    return _PAIR.sub(one, text)


def _clean(value):
    return redact(value) if isinstance(value, str) else value


class RedactQueryParams(logging.Filter):
    """A filter (never drops a record) that redacts sensitive query parameters."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {k: _clean(v) for k, v in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_clean(a) for a in record.args)
        return True


def install(logger_names=ACCESS_LOGGERS) -> None:
    """Attach the filter to the access loggers, which log through their own handlers (the servers
    configure them before Django starts). Idempotent."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactQueryParams) for f in logger.filters):
            logger.addFilter(RedactQueryParams())
