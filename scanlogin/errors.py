"""The one error type of the hosted login and mini-program APIs and of the services behind them.

A service refuses with `ServiceError(code, status, message)`; the JSON views answer it as
`{"error": code, "message": message}` with that status (hostedlogin/jsonio.py), the HTML
views as an error page. `NotFound` is what the pool-scoped lookups raise for anything outside
the pool or absent: it is also Django's Http404, so the console and the management API answer
it as their own 404 without knowing about it.
"""
from django.http import Http404


class ServiceError(Exception):
    """A refused request: a stable `code`, an HTTP `status` and a `message` for people.

    `retry_after` (seconds) is sent as the `Retry-After` header: rate limits and spent budgets say
    when to come back.
    """

    def __init__(self, code: str, status: int, message, *, retry_after: int | None = None):
        super().__init__(str(message))
        self.code, self.status, self.message = code, status, str(message)
        self.retry_after = retry_after


class NotFound(ServiceError, Http404):
    """What the request named does not exist here (or belongs to another pool, which is the same)."""

    def __init__(self, code: str, message=""):
        super().__init__(code, 404, message or code)
