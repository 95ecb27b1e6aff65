"""Ticket change notifications over Redis pub/sub: one channel per ticket.

Every transition publishes the ticket's public state after its transaction commits, on channel
`scanlogin:ticket:<key>`. The waiting browsers of each process are woken by that process's one
pattern subscription (hostedlogin/longpoll.py). Without Redis (REDIS_URL unset or down)
publishing is a no-op and the waiters' process polls the database instead.

Publishing uses the Redis cache's connection pool (scanlogin/cache.py: one per process) when the
cache is that Redis, so a web process holds few Redis connections; else a client of its own.
"""
import json
import logging
import time

from django.conf import settings

log = logging.getLogger(__name__)
CHANNEL_PREFIX = "scanlogin:ticket:"
_own_clients: dict = {}


def channel(key: str) -> str:
    return CHANNEL_PREFIX + key


def redis_enabled() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def _client():
    from django.core.cache import cache

    shared = getattr(cache, "redis_client", None)
    if shared is not None and settings.REDIS_URL in getattr(cache, "_servers", ()):
        return shared()
    client = _own_clients.get(settings.REDIS_URL)
    if client is None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # No retries with backoff (redis-py's default): a phone's request must not sleep seconds on a dead Redis.
        client = _own_clients[settings.REDIS_URL] = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=1, retry=Retry(NoBackoff(), 0))
    return client


def publish_many(states: list[dict]) -> None:
    """Publish ticket states (dicts with a "ticket" key); a Redis failure is logged, not raised.

    Each message carries "_at" (publish time) for the delivery-delay metric; waiters drop it.
    """
    if not states or not redis_enabled():
        return
    now = time.time()
    try:
        pipe = _client().pipeline(transaction=False)
        for state in states:
            pipe.publish(channel(state["ticket"]), json.dumps({**state, "_at": now}))
        pipe.execute()
    except Exception as exc:  # Redis down: waiters fall back to polling the database.
        log.warning("ticket notification not published: %s", type(exc).__name__)
