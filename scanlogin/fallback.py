"""Living through a Redis outage: remember that Redis failed, and use this process's memory meanwhile.

Redis holds what every process shares (the WeChat access token and its fetch lock, drawn codes,
rate-limit counters). When it is unreachable a login must still complete, so those readers fall
back to process memory: each process then keeps its own copy (one token fetcher per process
instead of one for all). `redis_breaker` remembers a failure for REDIS_RETRY_SECONDS, so requests
do not each wait on a dead server; after that the next call tries Redis again, and everything
goes back to it by itself once it answers. A call that only waited too long for one of the
process's pooled connections (a busy process, Redis fine) falls back alone: that is not an outage.
"""
import logging
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

log = logging.getLogger("scanlogin.redis")

try:  # redis-py is installed with the project; the embedded default simply never sees its errors
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = RedisConnectionError = OSError

UNAVAILABLE = (RedisError, OSError)
POOL_EXHAUSTED = "No connection available."  # redis-py's BlockingConnectionPool, after its timeout


def busy_not_down(exc: BaseException) -> bool:
    """The call found no free pooled connection within REDIS_POOL_TIMEOUT: this process is busy (its
    threads share a few connections), not Redis down. That one call falls back; nothing else does."""
    exc = getattr(exc, "storage_error", exc)  # the rate limiter's wrapped error
    return isinstance(exc, RedisConnectionError) and exc.args == (POOL_EXHAUSTED,)


class Breaker:
    """Whether Redis is worth asking now: False for a few seconds after it failed."""

    def __init__(self, name: str):
        self.name = name
        self._down_until = 0.0
        self._down = False
        self._lock = threading.Lock()

    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    @property
    def down(self) -> bool:
        """Redis failed and has not answered since (whether or not it is time to try it again)."""
        return self._down

    def failed(self, exc: BaseException) -> None:
        if busy_not_down(exc):
            log.debug("%s: no free pooled connection in time (a busy process); this call uses memory", self.name)
            return
        with self._lock:
            self._down_until = time.monotonic() + getattr(settings, "REDIS_RETRY_SECONDS", 5)
            if not self._down:
                self._down = True
                log.warning("%s unavailable (%s); using this process's memory until it answers", self.name, type(exc).__name__)

    def succeeded(self) -> None:
        if self._down:
            with self._lock:
                if self._down:
                    self._down = False
                    log.warning("%s answers again; shared state is back in it", self.name)

    def reset(self) -> None:
        with self._lock:
            self._down, self._down_until = False, 0.0


redis_breaker = Breaker("Redis")


class FallbackCache:
    """The default cache, with process memory in its place while it is unreachable.

    Writes go to both (a token fetched before an outage is still at hand during it); reads, locks
    (`add`) and deletes go to the default cache while it answers. Only get/set/add/delete are offered:
    what the token store and the drawn-code cache need.
    """

    def __init__(self, alias: str = "default", *, breaker: Breaker = redis_breaker, max_entries: int = 2000):
        self.alias = alias
        self.breaker = breaker
        self.local = LocMemCache(f"scanlogin-fallback-{alias}", {"OPTIONS": {"MAX_ENTRIES": max_entries}})

    def shared(self, method: str, *args, **kwargs):
        """(True, result) of the default cache's `method`, or (False, None) when it is unreachable."""
        if not self.breaker.available():
            return False, None
        try:
            result = getattr(caches[self.alias], method)(*args, **kwargs)
        except UNAVAILABLE as exc:
            self.breaker.failed(exc)
            return False, None
        self.breaker.succeeded()
        return True, result

    def get(self, key, default=None):
        ok, value = self.shared("get", key, default)
        return value if ok else self.local.get(key, default)

    def set(self, key, value, timeout=None):
        self.local.set(key, value, timeout=timeout)
        self.shared("set", key, value, timeout=timeout)

    def add(self, key, value, timeout=None) -> bool:
        ok, added = self.shared("add", key, value, timeout=timeout)
        return added if ok else self.local.add(key, value, timeout=timeout)

    def delete(self, key) -> None:
        self.local.delete(key)
        self.shared("delete", key)

    def delete_many(self, keys) -> None:
        keys = list(keys)
        self.local.delete_many(keys)
        self.shared("delete_many", keys)

    def clear_local(self) -> None:
        self.local.clear()


shared_cache = FallbackCache()
