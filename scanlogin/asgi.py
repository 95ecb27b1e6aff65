"""ScanLogin's ASGI application: Django's handler, with the thread work of a request kept small."""
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import wraps

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scanlogin.settings")
django.setup(set_prefix=False)

from asgiref.sync import SyncToAsync, ThreadSensitiveContext, iscoroutinefunction, sync_to_async  # noqa: E402  (after setup)
from django.core import signals  # noqa: E402
from django.core.handlers import asgi as django_asgi  # noqa: E402
from django.db import close_old_connections, reset_queries  # noqa: E402

IDLE_REQUEST_THREADS = 64  # request threads kept for the next requests (a burst beyond makes more)


class RequestThread(ThreadPoolExecutor):
    """One thread that runs a request's sync code (asgiref's thread-sensitive executor), counting
    what it still has to run: only an idle one is handed to the next request."""

    def __init__(self):
        super().__init__(max_workers=1, thread_name_prefix="request")
        self.pending = 0
        self.submitted = 0  # everything ever run here, counted when handed in
        # `submitted` when the current request began, or when its view handed its connection back:
        # anything submitted since has a connection to hand back when the response closes
        self.settled = 0
        self._count_lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):
        with self._count_lock:
            self.pending += 1
            self.submitted += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future):
        with self._count_lock:
            self.pending -= 1


class ASGIHandler(django_asgi.ASGIHandler):
    """Django's ASGI handler, with request threads that serve one request after another.

    Django runs each request in asgiref's ThreadSensitiveContext, which makes a new thread for the
    request's first sync call and, when the request ends, yet another to join it: two thread starts
    for every page, ticket, scan, confirm and exchange. Here the context is given a thread kept
    from an earlier request (asgiref's `executor=`), one request at a time; a thread still running
    something (a view whose client went away) is not kept. The database connection a thread used is
    still handed back to the pool when its request finishes (request_finished, in that thread).
    """

    def __init__(self):
        super().__init__()
        self._idle: list[RequestThread] = []
        self._idle_lock = threading.Lock()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        with self._idle_lock:
            thread = self._idle.pop() if self._idle else None
        thread = thread or RequestThread()
        thread.settled = thread.submitted
        try:
            async with ThreadSensitiveContext(executor=thread):
                await self.handle(scope, receive, send)
        finally:
            with self._idle_lock:
                keep = thread.pending == 0 and len(self._idle) < IDLE_REQUEST_THREADS
                if keep:
                    self._idle.append(thread)
            if not keep:
                thread.shutdown(wait=False)

    def idle_threads(self) -> int:
        return len(self._idle)

    def make_view_atomic(self, view):
        """Django wraps every view here (in ATOMIC_REQUESTS' transaction when set); a sync view is
        also wrapped to hand its database connection back as soon as it returns."""
        view = super().make_view_atomic(view)
        return view if iscoroutinefunction(view) else hands_back_its_connection(view)


application = ASGIHandler()

# A request thread hands its database connection back when its request finishes
# (request_finished), so when a request starts there is no old connection to close and no query
# log to reset. Django's sync receivers of request_started would still run in a thread at the start
# of EVERY request: a waiting long-poll would hold one for its whole wait (10,000 waiters, 10,000
# threads).


def no_thread_at_request_start() -> None:
    signals.request_started.disconnect(close_old_connections)
    signals.request_started.disconnect(reset_queries)


def _request_executor():
    """The executor of the current request's sync code (a RequestThread, asgiref's own, or None),
    from the request's context (in its thread too: the context travels with each call)."""
    try:
        context = SyncToAsync.thread_sensitive_context.get()
    except LookupError:
        return _OUTSIDE_A_REQUEST
    return SyncToAsync.context_to_thread_executor.get(context)


_OUTSIDE_A_REQUEST = object()


def hands_back_its_connection(view):
    """A sync view that, once it returns, hands its thread's database connection back to the pool
    right there (what request_finished does: close_old_connections), so the response's close later
    needs no hop to this thread of its own. If anything else of the request runs in the thread
    afterwards (a session saved, a template rendered), the close goes to the thread as before."""
    @wraps(view)
    def view_then_hand_back(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        executor = _request_executor()
        if isinstance(executor, RequestThread):
            close_old_connections()
            executor.settled = executor.submitted
        return response

    return view_then_hand_back


def request_thread_needed_to_close() -> bool:
    """Whether closing the current request's response must run in its request thread: something ran
    there that has not handed its database connection back yet."""
    executor = _request_executor()
    if executor is _OUTSIDE_A_REQUEST:
        return True  # outside a request's context: keep Django's own behaviour
    if isinstance(executor, RequestThread):
        return executor.submitted != executor.settled
    return executor is not None  # asgiref's own executor exists once something ran in it


def close_response(close):
    """What Django's ASGI handler awaits to close a response (it calls `sync_to_async(response.close)()`).

    Closing sends request_finished, whose receivers hand the request thread's database connection
    back to the pool, so after a sync view it must run in that thread, and it still does. A request
    that never left the event loop (the long-poll, a re-poll answered from memory, a health check)
    ran nothing in its request thread and has no connection to hand back: a hop to that thread (and
    its start, if the thread is new) only for this close would be wasted. Its response is closed in
    place; so is the response of a sync view that handed its connection back when it returned
    (`hands_back_its_connection`) with nothing run in its thread since.
    """
    if request_thread_needed_to_close():
        return sync_to_async(close)

    async def close_in_place():
        return close()

    return close_in_place


no_thread_at_request_start()
django_asgi.sync_to_async = close_response  # the handler uses it for response.close() alone (Django 5.2)
