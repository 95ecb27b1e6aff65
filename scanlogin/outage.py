"""While the database is away: a clear 503 instead of a 500, and nothing to restart afterwards.

Any request that fails because PostgreSQL cannot be reached (a restart, a failover, a network cut)
answers `503 {"error": "service_unavailable", "message"}` with `Retry-After`, or a page saying so
to a browser navigating. Django drops a connection that failed at the end of the request, so the
next request connects afresh and the service recovers by itself when the database is back.

The failure is noticed through Django's `got_request_exception` signal, which fires for an
uncaught exception wherever it was raised (a view, or a middleware such as the session's), and
the middleware near the top of the stack swaps the 500 for the 503.
"""
import logging
import sys

from asgiref.sync import iscoroutinefunction
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.decorators import sync_and_async_middleware
from django.utils.translation import gettext as _

log = logging.getLogger("scanlogin.outage")

RETRY_AFTER = 5  # seconds a client is asked to wait before trying again
_FLAG = "_scanlogin_database_unavailable"


@receiver(got_request_exception)
def _note_database_failure(sender, request=None, **kwargs):
    exc = sys.exc_info()[1]
    if request is not None and isinstance(exc, (OperationalError, InterfaceError)):
        setattr(request, _FLAG, True)
        log.warning("database unavailable for %s %s: %s", request.method, request.path, type(exc.__cause__ or exc).__name__)


def database_unavailable(request):
    """503 with Retry-After: the friendly page for a browser navigating, else the JSON error."""
    message = _("ScanLogin cannot reach its database right now. Try again in a moment.")
    if "text/html" in request.headers.get("Accept", ""):
        # The page's context processors touch nothing in the database (no user, no session read).
        html = render_to_string("enduser/error.html", {
            "title": _("Temporarily unavailable"), "text": message, "code": "service_unavailable"}, request=request)
        response = HttpResponse(html, status=503)
    else:
        response = JsonResponse({"error": "service_unavailable", "message": message}, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def _answer(request, response):
    if response.status_code == 500 and getattr(request, _FLAG, False):
        return database_unavailable(request)
    return response


@sync_and_async_middleware
def database_outage_middleware(get_response):
    """Turns the 500 of a request that failed for want of the database into a 503."""
    if iscoroutinefunction(get_response):
        async def middleware(request):
            return _answer(request, await get_response(request))
    else:
        def middleware(request):
            return _answer(request, get_response(request))
    return middleware
