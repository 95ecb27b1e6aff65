"""The per-process notification hub (hostedlogin/longpoll.py) against a real, private Redis.

One subscription serves every waiter; a change published between a waiter's read and its wait
reaches it; a waiter whose Redis dies falls back to the capped database poller and returns to
push by itself when Redis is back; a burst of new waiters leaves the existing ones on push.
Each test runs the hub in its own event loop, as a uvicorn worker does, with real database
reads on the hub's reader threads.
"""
import asyncio

import pytest
from django.db import connections

from hostedlogin import longpoll
from hostedlogin.models import TicketStatus
from hostedlogin.tickets import ticket_create, transition
from tests.private_redis import private_redis, redis_notify, run_loop  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def make_tickets(pool, login_app, connection):
    def make(n):
        return [ticket_create(pool=pool, application=login_app, connection=connection, browser_hash="b" * 64) for _ in range(n)]
    return make


def _transition(ticket, old, new):
    try:
        return transition(ticket, old=old, new=new, actor="phone", openid="o-test", scanned_nickname="W**")
    finally:
        connections.close_all()


async def move(ticket, old=TicketStatus.PENDING, new=TicketStatus.SCANNED):
    """A phone's transition in another thread: commits, then publishes."""
    assert await asyncio.to_thread(_transition, ticket, old, new)


async def until(predicate, what, timeout=20.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, f"gave up waiting until {what}"
        await asyncio.sleep(0.02)


async def subscribed_hub(url):
    """A hub whose subscription is confirmed (a first waiter starts it)."""
    hub = longpoll.Hub(url)
    hub.watch("warm-up").__exit__()
    await until(lambda: hub.up, "the hub subscribed")
    return hub


def one_state(key):
    return longpoll.ticket_states([key])[key]


async def read_state(key):
    return (await longpoll.read(longpoll.ticket_states, [key]))[key]


def test_many_waiters_share_one_redis_connection(redis_notify, make_tickets):
    tickets = make_tickets(60)

    async def scenario():
        hub = longpoll.Hub(redis_notify.url)
        watches = [hub.watch(t.key) for t in tickets]
        await until(lambda: hub.up, "the hub subscribed")
        states = [await w.load("acme", "b" * 64, one_state, w.key) for w in watches]
        await until(lambda: all(hub.covered(w) for w in watches), "every waiter is covered by push")
        subscribers = [c for c in redis_notify.clients() if c.get("psub") != "0" or c.get("sub") != "0"]
        assert len(subscribers) == 1 and subscribers[0]["name"] == longpoll.SUBSCRIBER_NAME and subscribers[0]["psub"] == "1"
        waits = [asyncio.create_task(w.wait_for_change(s, "pending", 20, lambda: None)) for w, s in zip(watches, states)]
        for t in tickets:
            await move(t)
        answers = await asyncio.gather(*waits)
        assert [a["status"] for a in answers] == ["scanned"] * len(tickets)
        assert {w.via for w in watches} == {"push"}
        assert len([c for c in redis_notify.clients() if c.get("name") == longpoll.SUBSCRIBER_NAME]) == 1
        await hub_close(hub)

    run_loop(scenario())


def test_a_change_published_between_the_read_and_the_wait_is_not_lost(redis_notify, make_tickets):
    ticket, = make_tickets(1)

    async def scenario():
        hub = await subscribed_hub(redis_notify.url)
        with hub.watch(ticket.key) as w:
            state = await read_state(ticket.key)  # the read says pending ...
            await move(ticket)                     # ... the phone scans before the waiter waits
            assert state["status"] == "pending"
            answer = await w.wait_for_change(state, "pending", 20, lambda: None)
        assert answer["status"] == "scanned" and w.via == "push"
        await hub_close(hub)

    run_loop(scenario())


def test_a_waiter_whose_redis_dies_polls_and_then_returns_to_push(redis_notify, make_tickets, settings):
    settings.LONGPOLL_FALLBACK_INTERVAL = 0.2
    settings.LONGPOLL_RECONNECT_MAX = 0.5
    ticket, = make_tickets(1)

    async def scenario():
        hub = longpoll.Hub(redis_notify.url)
        with hub.watch(ticket.key) as w:
            await until(lambda: hub.up, "the hub subscribed")
            state = await read_state(ticket.key)
            await until(lambda: hub.covered(w) and hub._idle, "the waiter is covered by push and the poller idle")

            rounds = hub.stats["poll_rounds"]
            redis_notify.kill()
            await until(lambda: not hub.up, "the hub noticed Redis is gone")
            assert not hub.covered(w)
            await until(lambda: hub.stats["poll_rounds"] > rounds, "the poller polls by itself (no new waiter woke it)")
            await move(ticket)  # its publish fails: only the database knows
            state = await w.wait_for_change(state, "pending", 20, lambda: None)
            assert state["status"] == "scanned" and w.via == "poll"

            redis_notify.start()  # same port: the hub reconnects by itself
            await until(lambda: hub.covered(w), "the same waiter is back on push")
            rounds = hub.stats["poll_rounds"]
            await move(ticket, TicketStatus.SCANNED, TicketStatus.CONFIRMED)
            state = await w.wait_for_change(state, "scanned", 20, lambda: None)
            assert state["status"] == "confirmed" and w.via == "push"
            assert hub.stats["poll_rounds"] == rounds  # no database polling once covered again
            assert hub.stats["subscriptions"] == 2 and hub.stats["subscription_losses"] == 1
        await hub_close(hub)

    run_loop(scenario())


def test_after_redis_returns_the_resync_read_answers_the_next_polls_from_memory(redis_notify, make_tickets, settings):
    """After an outage (or a restart: waiters that came before the subscription) every waiter gets one
    batched read; the states it read answer those browsers' next polls, not one database read each."""
    settings.LONGPOLL_FALLBACK_INTERVAL = 0.2
    settings.LONGPOLL_RECONNECT_MAX = 0.5
    tickets = make_tickets(3)

    async def scenario():
        hub = await subscribed_hub(redis_notify.url)
        redis_notify.kill()
        await until(lambda: not hub.up, "the hub noticed Redis is gone")
        watches = [hub.watch(t.key) for t in tickets]
        for w in watches:  # each browser's own read, while Redis is down: nothing can be kept
            assert (await w.load("acme", "b" * 64, one_state, w.key))["status"] == "pending"
        assert all(hub.cache_get(t.key, "acme", "b" * 64) is None for t in tickets)

        redis_notify.start()
        await until(lambda: all(hub.covered(w) for w in watches), "the waiters are back on push after one read")
        for t in tickets:
            assert hub.cache_get(t.key, "acme", "b" * 64)["status"] == "pending"  # the next poll: from memory
            assert hub.cache_get(t.key, "acme", "c" * 64) is None  # another browser: the database answers (404)
            assert hub.cache_get(t.key, "other", "b" * 64) is None
        loads = []
        state = await watches[0].load("acme", "b" * 64, lambda *a: loads.append(a) or one_state(*a), tickets[0].key)
        assert state["status"] == "pending" and loads == []
        for w in watches:
            w.__exit__()
        await hub_close(hub)

    run_loop(scenario())


def test_a_burst_of_new_waiters_leaves_the_existing_ones_on_push(redis_notify, make_tickets):
    existing, newcomers = make_tickets(20), make_tickets(400)

    async def scenario():
        hub = longpoll.Hub(redis_notify.url)
        old = [hub.watch(t.key) for t in existing]
        await until(lambda: hub.up and all(hub.covered(w) for w in old), "the existing waiters are on push")
        states = [await read_state(w.key) for w in old]
        rounds = hub.stats["poll_rounds"]

        async def arrive(t):  # a new browser: register, then read its ticket
            w = hub.watch(t.key)
            await w.load("acme", "b" * 64, one_state, t.key)
            return w

        burst = await asyncio.gather(*(arrive(t) for t in newcomers))
        assert all(hub.covered(w) for w in old) and hub.up
        waits = [asyncio.create_task(w.wait_for_change(s, "pending", 20, lambda: None)) for w, s in zip(old, states)]
        for t in existing:
            await move(t)
        answers = await asyncio.gather(*waits)
        assert [a["status"] for a in answers] == ["scanned"] * len(existing)
        assert {w.via for w in old} == {"push"}
        assert hub.stats["poll_rounds"] == rounds and hub.stats["subscription_losses"] == 0
        assert hub.waiter_count() == len(existing) + len(burst)
        await hub_close(hub)

    run_loop(scenario())


def test_without_redis_one_poller_reads_all_waiters_in_batches(settings, make_tickets):
    settings.LONGPOLL_FALLBACK_INTERVAL = 0.2
    settings.LONGPOLL_FALLBACK_BATCH = 50
    settings.LONGPOLL_DB_THREADS = 4
    tickets = make_tickets(120)

    async def scenario():
        hub = longpoll.Hub("")
        watches = [hub.watch(t.key) for t in tickets]
        states = [await read_state(w.key) for w in watches]
        waits = [asyncio.create_task(w.wait_for_change(s, "pending", 20, lambda: None)) for w, s in zip(watches, states)]
        for t in tickets[:10]:
            await move(t)
        done = await asyncio.gather(*waits[:10])
        assert [a["status"] for a in done] == ["scanned"] * 10 and {w.via for w in watches[:10]} == {"poll"}
        # 120 waiters, 50 keys a query: every round is 3 queries, never one per waiter
        assert hub.stats["poll_queries"] <= 3 * hub.stats["poll_rounds"]
        for task in waits[10:]:
            task.cancel()
        await hub_close(hub)

    run_loop(scenario())


def test_waiters_past_the_kept_states_age_are_read_again_in_one_batched_round(redis_notify, make_tickets, settings):
    """Kept states count as current for LONGPOLL_STATE_CACHE_SECONDS. Browsers that come back to
    wait on older ones start from them and the poller reads them again together: one query for
    the wave, not one read each; a change whose publish was lost reaches its waiter that way."""
    settings.LONGPOLL_STATE_CACHE_SECONDS = 0.3
    settings.LONGPOLL_FALLBACK_INTERVAL = 0.2
    tickets = make_tickets(30)

    async def scenario():
        hub = await subscribed_hub(redis_notify.url)
        for t in tickets:  # each browser's first long-poll reads its ticket, and the state is kept
            with hub.watch(t.key) as w:
                assert (await w.load("acme", "b" * 64, one_state, t.key, waits_since="pending"))["status"] == "pending"
        await asyncio.sleep(0.4)  # older than LONGPOLL_STATE_CACHE_SECONDS now
        assert hub.cache_get(tickets[0].key, "acme", "b" * 64) is None
        lost = tickets[0]
        await asyncio.to_thread(_scanned_without_a_publish, lost)

        reads, queries = [], hub.stats["poll_queries"]
        watches = [hub.watch(t.key) for t in tickets]  # the wave of re-polls
        for w in watches:
            state = await w.load("acme", "b" * 64, lambda *a: reads.append(a) or one_state(*a), w.key, waits_since="pending")
            assert state["status"] == "pending" and not hub.covered(w)
        assert reads == [] and hub.stats["aged_hits"] == len(tickets)
        kept = {**(await read_state(lost.key)), "status": "pending"}
        waiting = asyncio.create_task(watches[0].wait_for_change(kept, "pending", 20, lambda: None))
        await until(lambda: all(hub.covered(w) for w in watches), "the poller read the wave again")
        assert hub.stats["poll_queries"] - queries == 1  # 30 waiters, one query
        assert (await waiting)["status"] == "scanned" and watches[0].via == "poll"  # the change without a publish
        assert hub.cache_get(tickets[1].key, "acme", "b" * 64)["status"] == "pending"  # current again

        # a request that answers at once (wait=0), or whose status differs, still reads for itself
        with hub.watch(tickets[2].key, passive=True) as w:
            await asyncio.sleep(0.4)
            await w.load("acme", "b" * 64, lambda *a: reads.append(a) or one_state(*a), w.key, waits_since=None)
        with hub.watch(tickets[3].key) as w:
            await w.load("acme", "b" * 64, lambda *a: reads.append(a) or one_state(*a), w.key, waits_since="scanned")
        assert [a[0] for a in reads] == [tickets[2].key, tickets[3].key]
        for w in watches:
            w.__exit__()
        await hub_close(hub)

    run_loop(scenario())


def _scanned_without_a_publish(ticket):
    try:
        type(ticket).objects.filter(pk=ticket.pk).update(status=TicketStatus.SCANNED)
    finally:
        connections.close_all()


async def hub_close(hub):
    for task in hub._tasks:
        task.cancel()
    await asyncio.gather(*hub._tasks, return_exceptions=True)
