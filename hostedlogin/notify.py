"""Ticket change notifications over Redis pub/sub: one channel per ticket.

Every transition publishes the ticket's public state after its transaction commits; a waiting
browser (the long-poll) subscribes to its ticket's channel and answers as soon as a message
arrives, without touching the database. Without Redis (REDIS_URL unset or down) publishing is a
no-op and waiters fall back to short database polling.
"""
import asyncio
import json
import logging
import weakref

from django.conf import settings

log = logging.getLogger(__name__)
CHANNEL_PREFIX = "scanlogin:ticket:"
_sync_client = None
_async_pools: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def channel(key: str) -> str:
    return CHANNEL_PREFIX + key


def redis_enabled() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def _client():
    global _sync_client
    if _sync_client is None:
        import redis

        _sync_client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=1)
    return _sync_client


def publish_many(states: list[dict]) -> None:
    """Publish ticket states (dicts with a "ticket" key); a Redis failure is logged, not raised."""
    if not states or not redis_enabled():
        return
    try:
        pipe = _client().pipeline(transaction=False)
        for state in states:
            pipe.publish(channel(state["ticket"]), json.dumps(state))
        pipe.execute()
    except Exception as exc:  # Redis down: waiters fall back to polling the database.
        log.warning("ticket notification not published: %s", type(exc).__name__)


def publish(state: dict) -> None:
    publish_many([state])


def _async_client():
    """A redis.asyncio client per event loop (runserver runs each async view in a fresh loop)."""
    import redis.asyncio as aioredis

    loop = asyncio.get_running_loop()
    client = _async_pools.get(loop)
    if client is None:
        client = aioredis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, max_connections=10000)
        _async_pools[loop] = client
    return client


class Subscription:
    """An open subscription to one ticket's channel: `async with Subscription(key) as sub`.

    `sub.ok` is False when Redis is unavailable; the caller then polls the database.
    """

    def __init__(self, key: str, *, enabled: bool = True):
        self.key = key
        self.enabled = enabled
        self.ok = False
        self._pubsub = None

    async def __aenter__(self):
        if not self.enabled or not redis_enabled():
            return self
        try:
            self._pubsub = _async_client().pubsub()
            await self._pubsub.subscribe(channel(self.key))
            # Wait for the server's confirmation so no publish after our database read is missed.
            msg = await self._pubsub.get_message(timeout=1.0)
            self.ok = bool(msg and msg.get("type") == "subscribe")
        except Exception as exc:
            log.warning("ticket subscription failed, polling instead: %s", type(exc).__name__)
            self.ok = False
        return self

    async def next_state(self, timeout: float) -> dict | None:
        """The next published state, or None after `timeout` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (remaining := deadline - loop.time()) > 0:
            try:
                msg = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=remaining)
            except Exception:
                self.ok = False
                return None
            if msg and msg.get("type") == "message":
                return json.loads(msg["data"])
        return None

    async def __aexit__(self, *exc):
        if self._pubsub is not None:
            try:
                await self._pubsub.aclose()
            except Exception:
                pass
        return False
