"""Django's Redis cache with ONE connection pool per process.

Django's RedisCache builds its connection pool per cache *instance*, and the cache handler keeps
instances per thread / async context. Under ASGI every request runs in a fresh context and a
fresh thread, so every request that touched the cache opened a new Redis connection (connect,
handshake) and left it to the garbage collector. This backend shares one client (one pool) per
process and per configuration; redis-py's pools are thread-safe. The ticket notifications publish
through the same pool (`redis_client()`), so a process holds few Redis connections: those in
use at once, plus the long-poll subscriber.

Django's client also builds a new redis-py `Redis` object around the pool for every command
(about 0.1 ms of CPU each, a few per login); `SharedClient` builds it once per pool.
"""
import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property


class SharedClient(RedisCacheClient):
    """Django's Redis cache client with one redis-py `Redis` per connection pool (it is thread-safe)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._redis_by_pool: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._redis_by_pool.get(id(pool))
        if client is None:
            client = self._redis_by_pool[id(pool)] = self._client(connection_pool=pool)
        return client

_clients: dict = {}
_lock = threading.Lock()


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClient

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
