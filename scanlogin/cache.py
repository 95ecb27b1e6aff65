"""Django's Redis cache with ONE connection pool per process.

Django's RedisCache builds its connection pool per cache *instance*, and the cache handler keeps
instances per thread / async context. Under ASGI every request runs in a fresh context and a
fresh thread, so every request that touched the cache opened a new Redis connection (connect,
handshake) and left it to the garbage collector. This backend shares one client (one pool) per
process and per configuration; redis-py's pools are thread-safe. The ticket notifications publish
through the same pool (`redis_client()`), so a process holds few Redis connections: those in
use at once, plus the long-poll subscriber.
"""
import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.utils.functional import cached_property

_clients: dict = {}
_lock = threading.Lock()


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        key = (tuple(self._servers), repr(sorted(self._options.items(), key=lambda kv: kv[0])))
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
        return client

    def redis_client(self):
        """A redis-py client on the shared pool (writes go to the first server)."""
        return self._cache.get_client(None, write=True)
