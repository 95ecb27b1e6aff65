"""The waiting browsers of one process: one Redis subscription for all, a capped poller without it.

* **One subscriber per process.** A `Hub` per event loop (a uvicorn worker has one) holds a
  single pub/sub connection with ONE pattern subscription, `PSUBSCRIBE scanlogin:ticket:*`, and
  routes each published ticket state to this process's waiters (a dict: ticket key → watches).
  A new waiter costs no Redis command and no handshake, so a burst of new waiters cannot delay
  or demote the ones already waiting.
* **Nothing lost between the read and the wait.** A waiter registers (`watch()`) BEFORE it reads
  the ticket. While the subscription stays up (one `epoch`), every change committed after that
  read is published after it and reaches the waiter. When the subscription drops and comes
  back, the epoch changes, and every waiter gets one database read (batched) before it counts
  as covered by push again.
* **Graceful degradation.** While the subscription is down or unanswered (a PING every second;
  no answer for LONGPOLL_REDIS_DEAD_AFTER seconds counts as down), ONE poller per process reads
  the states of all uncovered waiters with batched queries (LONGPOLL_FALLBACK_BATCH keys each)
  every LONGPOLL_FALLBACK_INTERVAL seconds, jittered, backing off when the database errs, and
  stretched so that the process never runs more than LONGPOLL_FALLBACK_MAX_QUERIES_PER_SECOND:
  the database load is capped per process, whatever the number of waiters. The subscriber
  reconnects by itself (backoff with jitter); waiters return to push as soon as it is back.
* **No query for a re-poll.** The last state of each ticket read in this process is kept (with
  the pool and browser it answered) and kept current by the subscription, so a browser's next
  long-poll of the same ticket, landing on the same process, is answered without the database
  while the subscription has stayed up. Entries count as current for LONGPOLL_STATE_CACHE_SECONDS
  (a publish that failed cannot keep a stale state for longer). A browser that waits on an older
  entry starts from it and is read again in the poller's next batched round, as after a
  resubscription: a wave of re-polls past that age costs a query per LONGPOLL_FALLBACK_BATCH
  browsers, not one each.

Database reads run on a small thread pool of their own (LONGPOLL_DB_THREADS), never on the
request's thread, and give their connection back after each read (to Django's pool in
production). `waiter_count()` and `stats()` are the process's gauges for metrics.

Why not a library: broadcaster and channels_redis both share one subscriber connection per
process (channels_redis also reconnects and re-subscribes), but neither keeps the read-then-wait
guarantee across a reconnect, nor falls back to the database, and both expect an application
lifespan (Starlette/Channels) that Django's ASGI handler does not have. redis-py's asyncio
PubSub (already a dependency) is the building block.
"""
import asyncio
import contextvars
import hmac
import json
import logging
import math
import random
import time
import weakref
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

from scanlogin import metrics

from . import notify
from .models import LoginTicket
from .tickets import public_state, seconds_left

log = logging.getLogger(__name__)
SUBSCRIBER_NAME = "scanlogin-notify"  # CLIENT SETNAME of the subscriber connection (seen in CLIENT LIST)
RANK = {"pending": 0, "scanned": 1, "confirmed": 2}  # every finished status ranks 3: states only move forward


def rank(state: dict) -> int:
    return RANK.get(state["status"], 3)


def _setting(name: str, default):
    return getattr(settings, name, default)


# ---------------------------------------------------------------------------------------------
# Database reads off the event loop, on a bounded pool of threads
_executor: ThreadPoolExecutor | None = None


def _reader():
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=_setting("LONGPOLL_DB_THREADS", 4), thread_name_prefix="longpoll-read")
    return _executor


def _call_and_release(fn, args):
    try:
        return fn(*args)
    finally:
        for conn in connections.all(initialized_only=True):
            if not conn.in_atomic_block:
                conn.close()  # back to the pool (production) or closed: a waiter holds no connection


async def read(fn, *args):
    """fn(*args) on the long-poll reader threads (at most LONGPOLL_DB_THREADS at once per process).

    LONGPOLL_DB_THREADS = 0 reads on the request's own thread instead, as Django's async ORM does
    (the test suite's non-transactional tests need it: their data lives in the test thread's
    open transaction); a server should not: every waiter would then keep a thread of its own.
    """
    if _setting("LONGPOLL_DB_THREADS", 4) == 0:
        return await sync_to_async(fn, thread_sensitive=True)(*args)
    return await asyncio.get_running_loop().run_in_executor(_reader(), _call_and_release, fn, args)


def ticket_states(keys: list[str]) -> dict[str, dict]:
    """The public states of many tickets, LONGPOLL_FALLBACK_BATCH keys per query."""
    out, size = {}, _setting("LONGPOLL_FALLBACK_BATCH", 500)
    for i in range(0, len(keys), size):
        for ticket in LoginTicket.objects.filter(key__in=keys[i:i + size]).only(
                "key", "status", "expires_at", "openid", "scanned_nickname", "scanned_avatar", "reason"):
            out[ticket.key] = public_state(ticket)
    return out


# ---------------------------------------------------------------------------------------------
# One waiting request
class Watch:
    """A registered waiter for one ticket: `with longpoll.watch(key) as w:` then `await w.load(...)`.

    `passive` watches (a status request with wait=0) only read: the poller never reads for them.
    """

    __slots__ = ("hub", "key", "passive", "epoch", "needs_read", "refresh", "pending", "event", "via", "owner")

    def __init__(self, hub: "Hub", key: str, passive: bool = False):
        self.hub, self.key, self.passive = hub, key, passive
        self.owner: tuple[str, str] | None = None  # (pool, browser hash) once a read showed the ticket is theirs
        self.epoch = hub.epoch if hub.up else None  # covered by push only within this epoch
        self.needs_read = False
        self.refresh = False  # waiting from a kept state older than LONGPOLL_STATE_CACHE_SECONDS: the poller reads it
        self.pending: dict | None = None  # the newest state delivered and not yet taken
        self.event = asyncio.Event()
        self.via = ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.hub._unregister(self)
        return False

    def deliver(self, state: dict, via: str) -> None:
        if self.pending is None or rank(state) >= rank(self.pending):
            self.pending, self.via = state, via
            self.event.set()

    async def load(self, pool: str, bhash: str, fn, *args, waits_since: str | None = None) -> dict | None:
        """The ticket's state for this browser: the kept state if the subscription vouches for it,
        else fn(*args) on the reader threads (None: not this browser's ticket → 404).

        A read that ran wholly inside one subscription epoch is complete: every later change will
        be pushed, so the waiter is covered and the state is kept for the browser's next poll.

        `waits_since`: the status the request waits on (a passive watch never waits). A kept state
        past its age that still shows that status (the request waits, it does not answer from it)
        is used, and the poller's next batched round reads the ticket again and delivers whatever
        changed.
        """
        hub = self.hub
        state = hub.cache_get(self.key, pool, bhash)
        if state is not None:
            return state
        kept = hub.kept(self.key, pool, bhash)  # (not current, if kept at all)
        if kept is not None and not self.passive and kept[0]["status"] == waits_since:
            hub.stats["aged_hits"] += 1
            self.owner, self.epoch, self.refresh = (pool, bhash), hub.epoch, True
            hub.poller_due()
            return kept[0]
        up, epoch = hub.up, hub.epoch
        state = await read(fn, *args)
        if state is None:
            return None
        self.owner = (pool, bhash)
        if self.pending is not None and rank(self.pending) > rank(state):
            state = self.pending  # a change pushed while we read
        if up and hub.up and hub.epoch == epoch:
            self.epoch, self.needs_read = epoch, False
            hub.cache_put(self.key, pool, bhash, state)
        return state

    async def next_state(self, timeout: float) -> dict | None:
        """The next state pushed or polled for this ticket, or None after `timeout` seconds."""
        if self.pending is None:
            try:
                async with asyncio.timeout(timeout):
                    await self.event.wait()
            except TimeoutError:
                return None
        state, self.pending = self.pending, None
        self.event.clear()
        return state

    async def wait_for_change(self, state: dict, since: str, wait: float, reread) -> dict:
        """Until the status differs from `since`, the ticket expires, or `wait` seconds pass."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while (remaining := deadline - loop.time()) > 0:
            until_expiry = seconds_left(state)
            if until_expiry <= 0:
                return await reread() or state  # the read marks it expired (and publishes that)
            new = await self.next_state(min(remaining, until_expiry + 0.05))
            if new is not None and rank(new) >= rank(state):
                state = new
                if state["status"] != since:
                    return state
        return state


# ---------------------------------------------------------------------------------------------
# The hub of one event loop
class Hub:
    def __init__(self, url: str):
        self.url = url
        self.watches: dict[str, set[Watch]] = {}
        self.up = False
        self.epoch = 0
        self.cache: OrderedDict[str, tuple] = OrderedDict()
        self.stats = {"push_deliveries": 0, "poll_deliveries": 0, "poll_rounds": 0, "poll_queries": 0,
                      "subscriptions": 0, "subscription_losses": 0, "cache_hits": 0, "aged_hits": 0}
        self._wake = asyncio.Event()  # the poller: a resync is due, or a waiter arrived while it slept
        self._idle = True
        self._tasks: list[asyncio.Task] = []

    # waiters -------------------------------------------------------------------------------
    def watch(self, key: str, passive: bool = False) -> Watch:
        self._start()
        w = Watch(self, key, passive)
        self.watches.setdefault(key, set()).add(w)
        metrics.LONGPOLL_WAITERS.inc()
        if self._idle and not self.covered(w):
            self._wake.set()
        return w

    def _unregister(self, w: Watch) -> None:
        group = self.watches.get(w.key)
        if group is not None and w in group:
            group.discard(w)
            metrics.LONGPOLL_WAITERS.dec()
            if not group:
                del self.watches[w.key]

    def waiter_count(self) -> int:
        return sum(len(group) for group in self.watches.values())

    def covered(self, w: Watch) -> bool:
        """True when every change of w's ticket will be pushed to it (or it never waits)."""
        return w.passive or (self.up and w.epoch == self.epoch and not w.needs_read and not w.refresh)

    def poller_due(self) -> None:
        """A waiter needs a read of the poller: wake it if it sleeps with nothing to do (it then
        gathers for one interval: the reads of a wave of waiters go in one round)."""
        if self._idle:
            self._wake.set()

    # the state cache -----------------------------------------------------------------------
    def cache_get(self, key: str, pool: str, bhash: str) -> dict | None:
        """The kept state of this browser's ticket if it is current: the poll is answered from it."""
        kept = self.kept(key, pool, bhash)
        if kept is None or not kept[1]:
            return None
        self.stats["cache_hits"] += 1
        return kept[0]

    def kept(self, key: str, pool: str, bhash: str) -> tuple[dict, bool] | None:
        """The kept state of this browser's ticket while the subscription vouches for it, and whether
        it is current (kept less than LONGPOLL_STATE_CACHE_SECONDS; an older one is only waited from)."""
        entry = self.cache.get(key)
        if entry is None or not self.up:
            return None
        state, e_pool, e_bhash, epoch, stored = entry
        if epoch != self.epoch or seconds_left(state) <= 0:
            return None
        if e_pool != pool or not hmac.compare_digest(e_bhash, bhash):
            return None  # another browser or pool: the database answers (404)
        return state, time.monotonic() - stored < _setting("LONGPOLL_STATE_CACHE_SECONDS", 60)

    def cache_put(self, key: str, pool: str, bhash: str, state: dict) -> None:
        self.cache[key] = (state, pool, bhash, self.epoch, time.monotonic())
        self.cache.move_to_end(key)
        while len(self.cache) > _setting("LONGPOLL_STATE_CACHE_SIZE", 100_000):
            self.cache.popitem(last=False)

    def _cache_update(self, key: str, state: dict) -> None:
        entry = self.cache.get(key)
        if entry is not None and rank(state) >= rank(entry[0]):
            self.cache[key] = (state, entry[1], entry[2], entry[3], time.monotonic())

    # tasks ---------------------------------------------------------------------------------
    def _start(self) -> None:
        if self._tasks:
            return
        loop = asyncio.get_running_loop()
        # The tasks outlive the request that starts them: they must not carry its context (its
        # request thread, its language), so each runs in a context of its own.
        self._tasks.append(loop.create_task(self._poll_forever(), name="longpoll-poller", context=contextvars.Context()))
        if self.url:
            self._tasks.append(loop.create_task(self._subscribe_forever(), name="longpoll-subscriber",
                                                context=contextvars.Context()))

    def _went_up(self) -> None:
        self.up = True
        self.epoch += 1
        self.stats["subscriptions"] += 1
        self.cache.clear()
        for group in self.watches.values():
            for w in group:
                w.epoch, w.needs_read = self.epoch, True  # one read after the (re)subscription
        self._wake.set()

    def _went_down(self) -> None:
        if self.up:
            self.stats["subscription_losses"] += 1
            self._wake.set()  # every waiter is uncovered now: the poller (if it slept idle) starts its rounds
        self.up = False

    def _route(self, channel: bytes, data: bytes) -> None:
        key = channel.decode(errors="replace")[len(notify.CHANNEL_PREFIX):]
        try:
            state = json.loads(data)
            rank(state)
        except (ValueError, TypeError, KeyError):
            log.warning("ignored a malformed ticket notification")  # another publisher: not a reason to drop the subscription
            return
        published = state.pop("_at", None)
        self._cache_update(key, state)
        group = self.watches.get(key)
        if group:
            for w in group:
                w.deliver(state, "push")
            self.stats["push_deliveries"] += len(group)
            if published is not None:
                for observer in DELIVERY_OBSERVERS:
                    observer(max(0.0, time.time() - published))

    async def _subscribe_forever(self) -> None:
        import redis.asyncio as aioredis

        delay, failures = _setting("LONGPOLL_RECONNECT_MIN", 0.5), 0
        while True:
            _stop_if_cancelled()
            client = aioredis.Redis.from_url(self.url, socket_connect_timeout=1.0, client_name=SUBSCRIBER_NAME)
            pubsub = client.pubsub()
            try:
                async with asyncio.timeout(3.0):
                    await self._subscribe(pubsub)
                self._went_up()
                if failures:
                    log.warning("ticket notifications back after %d failed attempts; waiters return to push", failures)
                delay, failures = _setting("LONGPOLL_RECONNECT_MIN", 0.5), 0
                await self._listen(pubsub)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not failures:
                    log.warning("ticket notifications unavailable (%s); waiters poll the database", type(exc).__name__)
                failures += 1
            finally:
                self._went_down()
                await _quietly(pubsub.aclose())
                await _quietly(client.aclose())
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, _setting("LONGPOLL_RECONNECT_MAX", 5.0))

    async def _subscribe(self, pubsub) -> None:
        await pubsub.psubscribe(notify.CHANNEL_PREFIX + "*")
        while True:  # the server's confirmation: from here on every publish reaches us
            msg = await pubsub.get_message(timeout=1.0)
            if msg and msg["type"] == "psubscribe":
                return

    async def _listen(self, pubsub) -> None:
        loop = asyncio.get_running_loop()
        every, dead_after = 1.0, _setting("LONGPOLL_REDIS_DEAD_AFTER", 3.0)
        heard = pinged = loop.time()
        while True:
            _stop_if_cancelled()
            asked = loop.time()
            msg = await pubsub.get_message(timeout=every)
            now = loop.time()
            lag = now - asked - every
            if msg is None and lag > 0.25:
                heard += lag  # our own event loop was too busy to listen: that is not Redis's silence
            if msg is None and now - heard > dead_after:
                msg = await pubsub.get_message(timeout=0.05)  # an answer may wait in the socket
                if msg is None:
                    raise TimeoutError("Redis did not answer")
            if msg is not None:
                heard = now
                if msg["type"] == "pmessage":
                    self._route(msg["channel"], msg["data"])
            if now - pinged >= every and now - heard >= every:
                pinged = now
                async with asyncio.timeout(dead_after):
                    await pubsub.ping()

    async def _poll_forever(self) -> None:
        failures = 0
        while True:
            _stop_if_cancelled()
            due = [w for group in self.watches.values() for w in group if not self.covered(w)]
            if not due:
                self._idle = True
                self._wake.clear()
                await self._wake.wait()
                self._idle = False
                if not self._resync_due():
                    await self._sleep(self._interval(1, 0))  # a new waiter has just read its ticket itself
                continue
            self._wake.clear()
            failures = await self._poll_round(due, failures)
            if failures or not self._resync_due():
                await self._sleep(self._interval(math.ceil(len(due) / _setting("LONGPOLL_FALLBACK_BATCH", 500)), failures))

    async def _poll_round(self, due: list[Watch], failures: int) -> int:
        """One batched read of every uncovered waiter's ticket; returns the consecutive failures."""
        up, epoch = self.up, self.epoch
        keys = sorted({w.key for w in due})
        self.stats["poll_rounds"] += 1
        self.stats["poll_queries"] += math.ceil(len(keys) / _setting("LONGPOLL_FALLBACK_BATCH", 500))
        try:
            states = await read(ticket_states, keys)
        except Exception as exc:
            log.warning("long-poll fallback read failed: %s", type(exc).__name__)
            return failures + 1
        for w in due:
            if w.key in states:
                w.deliver(states[w.key], "poll")
                self.stats["poll_deliveries"] += 1
            if up and self.up and self.epoch == epoch == w.epoch:
                w.needs_read = w.refresh = False  # read after the (re)subscription: push covers it from now on
                if w.owner is not None and w.key in states:
                    # kept for the browser's next poll, as a read of its own would be (after a restart
                    # or an outage, thousands of re-polls are then answered without a read each)
                    self.cache_put(w.key, *w.owner, states[w.key])
        return 0

    def _resync_due(self) -> bool:
        return self.up and any(w.needs_read for group in self.watches.values() for w in group)

    @staticmethod
    def _interval(queries: int, failures: int) -> float:
        """Seconds to the next round: the base interval, stretched to the per-process query cap, backed off, jittered."""
        base = max(_setting("LONGPOLL_FALLBACK_INTERVAL", 1.0), queries / _setting("LONGPOLL_FALLBACK_MAX_QUERIES_PER_SECOND", 5))
        return min(base * 2 ** min(failures, 4), 30.0) * random.uniform(0.8, 1.2)

    async def _sleep(self, seconds: float) -> None:
        """Sleep, woken early when the subscription comes back (its resync read is due at once)."""
        try:
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        except TimeoutError:
            pass


async def _quietly(awaitable) -> None:
    try:
        async with asyncio.timeout(1.0):
            await awaitable
    except Exception:  # closing a dead connection may fail in any way; cancellation passes
        pass


def _stop_if_cancelled() -> None:
    """Re-raise a cancellation a library swallowed: the hub's tasks must end with their loop."""
    if asyncio.current_task().cancelling():
        raise asyncio.CancelledError()


# ---------------------------------------------------------------------------------------------
# One hub per event loop
_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()
DELIVERY_OBSERVERS: list = []  # callables(seconds from publish to delivery), e.g. a metrics histogram


def hub() -> Hub:
    """This event loop's hub (created on first use; runserver's per-request loops get their own)."""
    loop = asyncio.get_running_loop()
    h = _hubs.get(loop)
    if h is None:
        h = _hubs[loop] = Hub(_setting("REDIS_URL", ""))
    return h


def watch(key: str, passive: bool = False) -> Watch:
    return hub().watch(key, passive)


def waiter_count() -> int:
    """Browsers waiting on this process right now (all event loops)."""
    return sum(h.waiter_count() for h in _live_hubs())


def stats() -> dict:
    """Counters of this process: deliveries by push and by poll, poll rounds and queries, subscriptions."""
    total: dict = {"waiters": 0, "subscribed": False}
    for h in _live_hubs():
        for name, value in h.stats.items():
            total[name] = total.get(name, 0) + value
        total["waiters"] += h.waiter_count()
        total["subscribed"] = total["subscribed"] or h.up
    return total


def _live_hubs() -> list[Hub]:
    """The hubs of event loops not yet closed. A loop closed with the hub's tasks still pending (a
    thread's async_to_sync loop, say) never ran their clean-up: its hub would count as subscribed."""
    return [h for loop, h in list(_hubs.items()) if not loop.is_closed()]
