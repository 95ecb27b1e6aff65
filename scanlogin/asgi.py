import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scanlogin.settings")
application = get_asgi_application()

from asgiref.sync import SyncToAsync, sync_to_async  # noqa: E402  (after setup)
from django.core import signals  # noqa: E402
from django.core.handlers import asgi as django_asgi  # noqa: E402
from django.db import close_old_connections, reset_queries  # noqa: E402

# Under ASGI each request's sync code runs in a new thread of its own, so when a request starts
# there is no old connection to close and no query log to reset. Django's sync receivers of
# request_started would still run in that thread, creating it at the start of EVERY request: a
# waiting long-poll would keep an idle thread for its whole wait (10,000 waiters, 10,000 threads).
# Connections are still handed back when a request finishes (request_finished).


def no_thread_at_request_start() -> None:
    signals.request_started.disconnect(close_old_connections)
    signals.request_started.disconnect(reset_queries)


def request_thread_used() -> bool:
    """Whether the current request's sync code ran in a thread (asgiref makes one per request, on first use)."""
    try:
        context = SyncToAsync.thread_sensitive_context.get()
    except LookupError:
        return True  # outside Django's per-request context: keep Django's own behaviour
    return context in SyncToAsync.context_to_thread_executor


def close_response(close):
    """What Django's ASGI handler awaits to close a response (it calls `sync_to_async(response.close)()`).

    Closing sends request_finished, whose receivers hand the request thread's database connection
    back to the pool, so after a sync view it must run in that thread, and it still does. A request
    that never left the event loop (the long-poll, a re-poll answered from memory, a health check)
    has no thread and no connection: asgiref would start a thread only for this close, and another
    to join it, about a fifth of such a request's CPU. Its response is closed in place.
    """
    if request_thread_used():
        return sync_to_async(close)

    async def close_in_place():
        return close()

    return close_in_place


no_thread_at_request_start()
django_asgi.sync_to_async = close_response  # the handler uses it for response.close() alone (Django 5.2)
