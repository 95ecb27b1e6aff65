"""The long-poll over real HTTP on uvicorn (the production server), with a private Redis.

Many waiting browsers share one Redis connection of the process; a change published between
the view's read and its wait still answers the browser; a re-poll of an unchanged ticket is
answered without the database while the subscription holds, and never to another browser.
"""
import asyncio
import json
import threading
import time

import pytest
from django.db import connections
from django.test import Client

from hostedlogin import api, longpoll
from hostedlogin.models import LoginTicket, TicketStatus
from hostedlogin.tickets import transition
from tests.fixtures.scanflow import Browser
from tests.private_redis import free_port, private_redis, redis_notify, run_loop  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(redis_notify):
    """uvicorn serving the ASGI application in a thread (one event loop: one hub, as a worker)."""
    import uvicorn

    from scanlogin.asgi import application

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield port
    srv.should_exit = True
    thread.join(10)


async def get(port, path, cookie):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sl_browser={cookie}\r\nConnection: close\r\n\r\n".encode())
    data = await reader.read()
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), (json.loads(body) if body.startswith(b"{") else None)


def browsers_with_tickets(pool, app, n):
    out = []
    for _ in range(n):
        b = Browser(pool, app, Client())
        ticket = b.new_ticket()
        out.append((ticket, b.client.cookies["sl_browser"].value))
    return out


def scan(ticket):
    try:
        assert transition(ticket, old=TicketStatus.PENDING, new=TicketStatus.SCANNED, actor="phone", openid="o", scanned_nickname="W**")
    finally:
        connections.close_all()


def url(pool, key, since="pending", wait=20):
    return f"/u/{pool.slug}/api/qr-tickets/{key}?since={since}&wait={wait}"


def subscribed_to(redis) -> bool:
    """The server's hub holds its subscription on this (the test's private) Redis."""
    return any(c.get("name") == longpoll.SUBSCRIBER_NAME and c.get("psub") != "0" for c in redis.clients())


async def until_subscribed(port, pool, cookie):
    """A first request starts the server's hub; wait until its subscription is confirmed."""
    deadline = time.monotonic() + 10
    while not longpoll.stats()["subscribed"]:
        await get(port, url(pool, "warm-up", wait=0), cookie)
        assert time.monotonic() < deadline, "the hub never subscribed"
        await asyncio.sleep(0.05)


def test_many_waiting_browsers_share_one_redis_connection(server, redis_notify, pool, login_app):
    waiting = browsers_with_tickets(pool, login_app, 40)

    from scanlogin.asgi import no_thread_at_request_start

    no_thread_at_request_start()  # as in the server process (the test client put a receiver back)

    async def scenario():
        threads_before = threading.active_count()
        polls = [asyncio.create_task(get(server, url(pool, t.key), cookie)) for t, cookie in waiting]
        deadline = time.monotonic() + 20
        while longpoll.waiter_count() < len(waiting) or not longpoll.stats()["subscribed"] or not subscribed_to(redis_notify):
            assert time.monotonic() < deadline, longpoll.stats()
            await asyncio.sleep(0.05)
        assert threading.active_count() - threads_before < 10  # a waiting browser holds no thread (the readers are 4)
        clients = redis_notify.clients()
        subscribers = [c for c in clients if c.get("psub") != "0" or c.get("sub") != "0"]
        assert len(subscribers) == 1 and subscribers[0]["name"] == longpoll.SUBSCRIBER_NAME
        assert len(clients) <= 2  # the subscriber, and at most one connection that published
        for t, _cookie in waiting:
            await asyncio.to_thread(scan, t)
        answers = await asyncio.gather(*polls)
        assert {(status, body["status"]) for status, body in answers} == {(200, "scanned")}
        assert len([c for c in redis_notify.clients() if c.get("psub") != "0"]) == 1

    run_loop(scenario())


def test_a_change_between_the_views_read_and_its_wait_reaches_the_browser(server, pool, login_app, monkeypatch):
    (ticket, cookie), = browsers_with_tickets(pool, login_app, 1)
    real_read = api._read_state

    def read_then_scan(pool_slug, key, bhash):
        state = real_read(pool_slug, key, bhash)
        if key == ticket.key and state["status"] == "pending":
            scan(ticket)  # the phone commits and publishes after the read, before the view waits
        return state

    monkeypatch.setattr(api, "_read_state", read_then_scan)

    async def scenario():
        await until_subscribed(server, pool, cookie)
        return await get(server, url(pool, ticket.key, wait=20), cookie)

    status, body = run_loop(scenario())
    assert status == 200 and body["status"] == "scanned"


def test_a_repoll_is_answered_from_the_subscription_not_the_database(server, pool, login_app):
    (ticket, cookie), = browsers_with_tickets(pool, login_app, 1)
    intruder = browsers_with_tickets(pool, login_app, 1)[0][1]

    async def read_then_repoll():
        """A read, then a re-poll; None when the subscription was renewed in between (a loaded
        machine's event loop can miss Redis's pings; a new epoch rightly empties the kept states)."""
        await until_subscribed(server, pool, cookie)
        epoch = longpoll.stats()["subscriptions"]
        status, first = await get(server, url(pool, ticket.key, wait=1), cookie)  # read once, waits 1 s
        assert status == 200 and first["status"] == "pending"
        hits = longpoll.stats()["cache_hits"]
        status, again = await get(server, url(pool, ticket.key, wait=0), cookie)
        assert status == 200 and again["status"] == "pending"
        if longpoll.stats()["subscriptions"] != epoch:
            return None
        return hits

    async def scenario():
        for _ in range(5):
            hits = await read_then_repoll()
            if hits is not None:
                break
        assert hits is not None, longpoll.stats()
        assert longpoll.stats()["cache_hits"] == hits + 1
        status, _ = await get(server, url(pool, ticket.key, wait=0), intruder)  # another browser's cookie
        assert status == 404
        epoch = longpoll.stats()["subscriptions"]
        await asyncio.to_thread(scan, ticket)
        status, moved = await get(server, url(pool, ticket.key, since="pending", wait=20), cookie)
        assert moved["status"] == "scanned" and moved["scanned_by"]["nickname"] == "W**"
        if longpoll.stats()["subscriptions"] == epoch:
            assert longpoll.stats()["cache_hits"] == hits + 2  # the pushed change kept the state current

    run_loop(scenario())
    assert LoginTicket.objects.get(pk=ticket.pk).status == TicketStatus.SCANNED


def _scanned_without_a_publish(ticket):
    try:
        LoginTicket.objects.filter(pk=ticket.pk).update(status=TicketStatus.SCANNED)
    finally:
        connections.close_all()


def test_a_repoll_past_the_kept_states_age_waits_and_the_poller_reads_it_again(server, pool, login_app, monkeypatch, settings):
    """A re-poll that will wait on a kept state older than LONGPOLL_STATE_CACHE_SECONDS does not
    read the ticket itself: it waits from the kept state, and the poller's batched read delivers a
    change whose publish was lost. A re-poll that answers at once (wait=0) reads for itself."""
    settings.LONGPOLL_STATE_CACHE_SECONDS = 0.3
    settings.LONGPOLL_FALLBACK_INTERVAL = 0.2
    (ticket, cookie), = browsers_with_tickets(pool, login_app, 1)
    own_reads = []
    real_read = api._read_state
    monkeypatch.setattr(api, "_read_state", lambda *a: own_reads.append(a) or real_read(*a))

    async def scenario():
        for _ in range(5):
            await until_subscribed(server, pool, cookie)
            epoch = longpoll.stats()["subscriptions"]
            status, first = await get(server, url(pool, ticket.key, wait=1), cookie)  # read once and kept
            assert status == 200 and first["status"] == "pending"
            await asyncio.sleep(0.4)  # the kept state is past its age
            reads, aged = len(own_reads), longpoll.stats()["aged_hits"]
            status, again = await get(server, url(pool, ticket.key, wait=1), cookie)
            assert status == 200 and again["status"] == "pending"
            if longpoll.stats()["subscriptions"] == epoch:  # (a renewed subscription rightly empties the kept states)
                assert len(own_reads) == reads and longpoll.stats()["aged_hits"] == aged + 1
                break
        else:
            pytest.fail("the subscription never held for two polls")
        await asyncio.to_thread(_scanned_without_a_publish, ticket)  # the kept state is behind now
        await asyncio.sleep(0.4)
        reads = len(own_reads)
        status, moved = await asyncio.wait_for(get(server, url(pool, ticket.key, wait=20), cookie), 10)
        assert status == 200 and moved["status"] == "scanned"
        if longpoll.stats()["subscriptions"] == epoch:
            assert len(own_reads) == reads  # the poller's batched read found it, not a read of its own
        status, now = await get(server, url(pool, ticket.key, since="scanned", wait=0), cookie)
        assert status == 200 and now["status"] == "scanned"

    run_loop(scenario())
