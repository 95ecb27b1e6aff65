"""Rate limits and failure lockouts, counted with the `limits` package (fixed windows).

Each limit is a setting, `RATE_LIMITS[name]`, in the `limits` notation ("20/minute",
"10/minute;100/hour", "10/15 minutes"; empty = no limit). Counters live in Redis, shared by every
process. While Redis is unreachable they live in this process's memory instead (bounded: past
RATE_LIMIT_MEMORY_MAX_KEYS counters the memory starts over) and go back to Redis by themselves
once it answers (scanlogin/fallback.py). Keys are hashed: a counter never stores an IP, a login
name or a token in clear.

`rate_check` counts a request and refuses it over the limit; `failure_add` / `failures_locked`
count failures (wrong passwords) and say while a key is locked out.
"""
import logging
import math
import threading
import time
from functools import lru_cache, wraps

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from limits import parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import FixedWindowRateLimiter

from .errors import ServiceError
from .fallback import UNAVAILABLE, redis_breaker
from .hashing import sha256_hex
from .proxies import client_ip

log = logging.getLogger("scanlogin.ratelimit")

KEY_PREFIX = "scanlogin:ratelimit"


class RateLimited(ServiceError):
    """429 rate_limited: too many requests; `retry_after` seconds until the window opens again."""

    def __init__(self, retry_after: int, message=None, code: str = "rate_limited"):
        super().__init__(code, 429, message or _("Too many requests. Please wait a moment and try again."),
                         retry_after=retry_after)


@lru_cache(maxsize=256)
def parse_rate(rate: str):
    """The `limits` items of a rate string ("" or None: no limit). Raises ValueError when malformed."""
    return tuple(parse_many(rate)) if rate else ()


def _rate(name: str) -> tuple:
    return parse_rate(settings.RATE_LIMITS.get(name) or "")


def enabled() -> bool:
    return getattr(settings, "RATE_LIMITS_ENABLED", True)


class _Counters:
    """The limiter on Redis while it answers, else the one in this process's memory."""

    def __init__(self):
        self._lock = threading.Lock()
        self._shared_url = None
        self._shared = None
        self._memory = None
        self._local = None

    def _shared_limiter(self):
        url = getattr(settings, "REDIS_URL", "")
        if not url:
            return None
        with self._lock:
            if self._shared_url != url:
                pool = _cache_connection_pool(url)
                storage = RedisStorage(url, connection_pool=pool, key_prefix=KEY_PREFIX, wrap_exceptions=True,
                                       **({} if pool else {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}))
                self._shared_url, self._shared = url, FixedWindowRateLimiter(storage)
            return self._shared

    def _local_limiter(self):
        with self._lock:
            if self._local is None:
                self._memory = MemoryStorage()
                self._local = FixedWindowRateLimiter(self._memory)
            if len(self._memory.storage) >= getattr(settings, "RATE_LIMIT_MEMORY_MAX_KEYS", 100_000):
                log.warning("in-memory rate-limit counters full; starting over")
                self._memory.reset()
            return self._local

    def run(self, operation):
        """operation(limiter) on Redis, or on process memory while Redis is unreachable."""
        shared = self._shared_limiter()
        if shared is not None and redis_breaker.available():
            try:
                result = operation(shared)
            except (StorageError, *UNAVAILABLE) as exc:
                redis_breaker.failed(exc)
            else:
                redis_breaker.succeeded()
                return result
        return operation(self._local_limiter())

    def reset(self) -> None:
        """Forget every counter (tests): Redis's (when it answers) and this process's."""
        shared = self._shared_limiter()
        if shared is not None:
            try:
                shared.storage.reset()
            except (StorageError, *UNAVAILABLE):
                pass
        with self._lock:
            if self._memory is not None:
                self._memory.reset()

    def forget_shared(self) -> None:
        with self._lock:
            self._shared_url = self._shared = None


def _cache_connection_pool(url: str):
    """The Redis connection pool of the default cache when it is Redis at `url` (one pool per process
    for cache, notifications and counters), else None (the counters then open their own)."""
    from django.core.cache import caches

    cache = caches["default"]
    if getattr(cache, "_servers", None) != [url]:
        return None
    client = cache.redis_client() if hasattr(cache, "redis_client") else cache._cache.get_client(None, write=True)
    return client.connection_pool


counters = _Counters()


@receiver(setting_changed)
def _settings_changed(*, setting, **kwargs):
    if setting in ("REDIS_URL", "CACHES"):
        counters.forget_shared()


def _identifiers(scope: str, key) -> tuple[str, str]:
    return scope, sha256_hex(f"{scope}\x00{key}")[:40]


def _wait(limiter, item, ids) -> int:
    reset_at = limiter.get_window_stats(item, *ids).reset_time
    return max(1, math.ceil(reset_at - time.time()))


def spend(rate, scope: str, key) -> int | None:
    """Count one hit of `key` against `rate` (a rate string or parsed items); seconds to wait if spent, else None."""
    items = parse_rate(rate) if isinstance(rate, str) or rate is None else rate
    if not items:
        return None
    ids = _identifiers(scope, key)

    def hit(limiter):
        refused = [item for item in items if not limiter.hit(item, *ids)]
        return max((_wait(limiter, item, ids) for item in refused), default=None)

    return counters.run(hit)


def usage(rate, scope: str, key) -> list[dict]:
    """What `key` has spent of each window of `rate`, read from the same counters `spend` counts
    (nothing is counted): [{"limit", "used", "window" (seconds), "reset_in" (seconds)}]."""
    items = parse_rate(rate) if isinstance(rate, str) or rate is None else rate
    if not items:
        return []
    ids = _identifiers(scope, key)

    def read(limiter):
        rows = []
        for item in items:
            stats = limiter.get_window_stats(item, *ids)
            rows.append({"limit": item.amount, "used": item.amount - stats.remaining, "window": item.get_expiry(),
                         "reset_in": max(0, math.ceil(stats.reset_time - time.time()))})
        return rows

    return counters.run(read)


def rate_check(name: str, key, *, message=None) -> None:
    """Count one request of `key` (an IP, a browser, a pool…) against RATE_LIMITS[name].

    Raises RateLimited (429, Retry-After) when the limit is spent. A None/empty key is not counted.
    """
    if not enabled() or key in (None, ""):
        return
    wait = spend(_rate(name), name, key)
    if wait is not None:
        raise RateLimited(wait, message)


def failures_locked(name: str, key) -> int | None:
    """Seconds until `key` may try again when its failures have reached RATE_LIMITS[name], else None (counts nothing)."""
    items = _rate(name)
    if not enabled() or not items or key in (None, ""):
        return None
    ids = _identifiers(name, key)

    def locked(limiter):
        spent = [item for item in items if not limiter.test(item, *ids)]
        return max((_wait(limiter, item, ids) for item in spent), default=None)

    return counters.run(locked)


def failure_add(name: str, key) -> bool:
    """Count one failure of `key`; True when this failure reached the limit (the key is now locked)."""
    if not enabled() or key in (None, ""):
        return False
    return spend(_rate(name), name, key) is not None or failures_locked(name, key) is not None


def failures_clear(name: str, key) -> None:
    """Forget the failures of `key` (after it succeeded)."""
    items = _rate(name)
    if not items or key in (None, ""):
        return
    ids = _identifiers(name, key)
    counters.run(lambda limiter: [limiter.clear(item, *ids) for item in items])


def reset() -> None:
    counters.reset()


# -- views ------------------------------------------------------------------------------------------

def rate_limited_response(request, exc: RateLimited, *, page: bool = False):
    """429 with Retry-After: `{"error": "rate_limited", "message"}`, or the friendly page for people."""
    if page:
        response = render(request, "enduser/error.html",
                          {"title": _("Too many attempts"), "text": exc.message, "code": exc.code}, status=429)
    else:
        response = JsonResponse({"error": exc.code, "message": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def from_ip(request, **_kwargs):
    return client_ip(request)


def limit_requests(*limits, methods: tuple[str, ...] | None = None, page: bool = False):
    """View decorator: count each request against `limits`, pairs (RATE_LIMITS name, key_of(request, **view_kwargs)).

    In order; the first spent limit answers 429 (JSON, or with `page` the friendly HTML page) and
    the limits after it are not counted, so a refused client does not use up a shared limit
    (a pool's) for everyone else. `methods` limits only those methods (e.g. a form's POST).
    """
    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if methods is None or request.method in methods:
                try:
                    for name, key_of in limits:
                        rate_check(name, key_of(request, **kwargs))
                except RateLimited as exc:
                    return rate_limited_response(request, exc, page=page)
            return view(request, *args, **kwargs)
        return wrapper
    return decorate
