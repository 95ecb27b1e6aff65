import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scanlogin.settings")
application = get_asgi_application()

from django.core import signals  # noqa: E402  (after setup)
from django.db import close_old_connections, reset_queries  # noqa: E402

# Under ASGI each request's sync code runs in a new thread of its own, so when a request starts
# there is no old connection to close and no query log to reset. Django's sync receivers of
# request_started would still run in that thread, creating it at the start of EVERY request: a
# waiting long-poll would keep an idle thread for its whole wait (10,000 waiters, 10,000 threads).
# Connections are still handed back when a request finishes (request_finished).


def no_thread_at_request_start() -> None:
    signals.request_started.disconnect(close_old_connections)
    signals.request_started.disconnect(reset_queries)


no_thread_at_request_start()
