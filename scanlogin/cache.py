"""Django's Redis cache with ONE connection pool per process.

Django's RedisCache builds its connection pool per cache *instance*, and the cache handler keeps
instances per thread / async context. Under ASGI every request runs in a fresh context and a
fresh thread, so every request that touched the cache opened a new Redis connection (connect,
handshake) and left it to the garbage collector. This backend shares one client (one pool) per
process and per configuration; redis-py's pools are thread-safe. The ticket notifications publish
through the same pool (`redis_client()`), so a process holds at most REDIS_POOL_MAX_SIZE Redis
connections for commands (a blocking pool, scanlogin/settings.py), plus the long-poll subscriber.

Django's client also builds a new redis-py `Redis` object around the pool for every command
(about 0.1 ms of CPU each, a few per login); `SharedClient` builds it once per pool.
"""
import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property


class SharedClient(RedisCacheClient):
    """Django's Redis cache client with one connection pool and one redis-py `Redis` per server,
    made once even when the first requests of a process arrive together (Django's client makes the
    pool without a lock: threads racing on the first command each made one, and kept its
    connections open for the life of the process)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._redis_by_index: dict = {}
        self._make_lock = threading.Lock()

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._redis_by_index.get(index)
        if client is None:
            with self._make_lock:
                client = self._redis_by_index.get(index)
                if client is None:
                    pool = self._pools.get(index) or self._pool_class.from_url(self._servers[index], **self._pool_options)
                    self._pools[index] = pool
                    client = self._redis_by_index[index] = self._client(connection_pool=pool)
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
