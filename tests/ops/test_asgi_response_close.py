"""Request threads under ASGI: a sync view hands its thread's database connection back to the pool
as it returns, so its response is closed in place, like that of a request that never left the event
loop (no hop, no thread started only to close it); when more of the request ran in its thread after
the view (a session saved), the close goes to that thread. A request thread serves the next request
instead of a new thread being started for each."""
import asyncio
import threading

import pytest
from django.core import signals
from django.db import connections

from tests.private_redis import run_loop

pytestmark = pytest.mark.django_db(transaction=True)


async def asgi_get(application, url: str, headers=()) -> int:
    path, _, query = url.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"localhost"), *headers], "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
    sent, first = [], [True]

    async def receive():
        if first[0]:
            first[0] = False
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected

    async def send(message):
        sent.append(message)

    await application(scope, receive, send)
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


@pytest.fixture
def finished_in():
    """The thread each request_finished ran in, and every thread started meanwhile."""
    from scanlogin.asgi import application, no_thread_at_request_start

    no_thread_at_request_start()  # as in the server process (the test client put its receivers back)
    seen, started = [], []

    def record(**_kwargs):
        seen.append(threading.get_ident())

    real_start = threading.Thread.start

    def counting_start(thread):
        started.append(thread.name)
        return real_start(thread)

    signals.request_finished.connect(record, weak=False)
    threading.Thread.start = counting_start
    yield application, seen, started
    threading.Thread.start = real_start
    signals.request_finished.disconnect(record)


@pytest.fixture
def closed_in(monkeypatch):
    """The thread of each database connection close (a connection handed back to the pool)."""
    threads = []
    real_close = connections["default"].__class__.close

    def note_close(conn):
        threads.append(threading.get_ident())
        return real_close(conn)

    monkeypatch.setattr(connections["default"].__class__, "close", note_close)
    return threads


def test_a_request_that_stays_on_the_event_loop_is_closed_in_place(finished_in, settings):
    application, seen, started = finished_in
    settings.ALLOWED_HOSTS = ["localhost"]

    async def scenario():
        before = len(started)
        status = await asgi_get(application, "/healthz")
        return status, threading.get_ident(), started[before:]

    status, loop_thread, started_meanwhile = run_loop(scenario())
    assert status == 200
    assert seen == [loop_thread]  # closed on the event loop's own thread
    assert started_meanwhile == []  # and no thread was started for it


def test_a_sync_view_hands_its_connection_back_in_its_thread_and_is_closed_in_place(finished_in, closed_in, settings, pool,
                                                                                   login_app):
    application, seen, _started = finished_in
    settings.ALLOWED_HOSTS = ["localhost"]
    views_threads = closed_in

    async def scenario():
        status = await asgi_get(application, f"/u/{pool.slug}/login?app_id={login_app.client_id}")
        return status, threading.get_ident()

    status, loop_thread = run_loop(scenario())
    assert status == 200
    # The view's thread handed its database connection back as the view returned …
    assert views_threads and loop_thread not in views_threads
    # … so the response was closed on the event loop, without a second hop to that thread.
    assert seen == [loop_thread]


@pytest.mark.parametrize("origin, stays_on_the_loop", [(b"http://localhost", True), (b"https://shop.example.com", False)])
def test_a_request_from_the_hosted_page_itself_decides_no_cors_in_a_thread(finished_in, settings, pool, origin, stays_on_the_loop):
    # Browsers send Origin with their POSTs on the hosted login's own page too: nothing to decide there.
    # Another origin's request is decided in the request thread (the rule reads applications).
    application, seen, started = finished_in
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.LONGPOLL_DB_THREADS = 4  # the status read on the long-poll's own threads, as in production

    async def scenario():
        status = await asgi_get(application, f"/u/{pool.slug}/api/qr-tickets/nope?since=&wait=0", headers=[(b"origin", origin)])
        return status, threading.get_ident()

    status, loop_thread = run_loop(scenario())
    assert status == 404
    assert (seen == [loop_thread]) is stays_on_the_loop


def session_writing_view(request):
    """A sync view whose session the middleware saves after it returned (in the request thread)."""
    from django.http import HttpResponse

    request.session["seen"] = True
    return HttpResponse("ok")


urlpatterns = []  # (this module is the ROOT_URLCONF of the test below)


def test_work_in_the_request_thread_after_the_view_keeps_the_close_there(finished_in, closed_in, settings):
    from django.urls import path

    application, seen, _started = finished_in
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.ROOT_URLCONF = __name__
    urlpatterns[:] = [path("session-writer", session_writing_view)]
    views_threads = closed_in

    async def scenario():
        status = await asgi_get(application, "/session-writer")
        return status, threading.get_ident()

    try:
        status, loop_thread = run_loop(scenario())
    finally:
        urlpatterns.clear()
    assert status == 200
    # The session was saved in the request thread after the view had handed its connection back:
    # the close went to that thread, which handed the session's connection back too.
    assert len(seen) == 1 and seen[0] != loop_thread
    assert views_threads[-1] == seen[0]


def test_a_request_thread_serves_the_next_request(finished_in, settings, pool, login_app):
    application, seen, started = finished_in
    settings.ALLOWED_HOSTS = ["localhost"]
    page = f"/u/{pool.slug}/login?app_id={login_app.client_id}"

    async def scenario():
        first = await asgi_get(application, page)
        before = len(started)
        second = await asgi_get(application, page)
        return first, second, started[before:]

    first, second, started_for_second = run_loop(scenario())
    assert first == second == 200
    assert len(seen) == 2 and seen[0] == seen[1]  # the same request thread served both
    assert started_for_second == []  # no thread started, none to join it
    assert application.idle_threads() >= 1
