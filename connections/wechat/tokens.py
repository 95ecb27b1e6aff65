"""The access token of one AppID, shared by every process through the Django cache.

WeChat's token quota is small and a new classic token invalidates the previous one, so exactly
one process may fetch at a time: a cache lock (`cache.add` with a timeout works on locmem and
Redis alike) elects the fetcher, the others wait for the token it stores. The cached entry
expires a safety margin before WeChat's `expires_in`, so the token is refreshed before it
runs out rather than after a failed call.
"""
import hashlib
import logging
import time
import uuid

from .errors import WeChatUnavailable

logger = logging.getLogger("scanlogin.wechat")

LOCK_TTL = 30.0        # seconds a fetcher may hold the lock (a crashed holder frees it by expiry)
WAIT_STEP = 0.05       # seconds between waiters' looks at the cache
MAX_MARGIN = 300       # refresh at most 5 minutes early


def token_cache_key(*, app_id: str, base_url: str, endpoint: str) -> str:
    """Classic and stable tokens are independent, and the simulator's are not WeChat's."""
    where = hashlib.sha256(base_url.encode()).hexdigest()[:10]
    return f"wechat:token:{endpoint}:{where}:{app_id}"


def refresh_margin(expires_in: int) -> int:
    return min(MAX_MARGIN, max(1, expires_in // 5))


class TokenStore:
    """Get, refresh under a lock, and drop the cached token of one AppID."""

    def __init__(self, *, cache, key: str, fetch, wait_timeout: float):
        self.cache = cache
        self.key = key
        self.lock_key = key + ":lock"
        self.fetch = fetch            # fetch(force: bool, stale: str | None) -> (token, expires_in)
        self.wait_timeout = wait_timeout

    def get(self) -> str:
        return self.cache.get(self.key) or self.refresh(stale=None)

    def drop(self, token: str) -> None:
        """Forget `token` unless another process already replaced it."""
        if self.cache.get(self.key) == token:
            self.cache.delete(self.key)

    def refresh(self, *, stale: str | None) -> str:
        """A token other than `stale`: fetched here if this process wins the lock, else awaited."""
        owner = uuid.uuid4().hex
        deadline = time.monotonic() + self.wait_timeout
        while True:
            if self.cache.add(self.lock_key, owner, timeout=LOCK_TTL):
                try:
                    return self._fetch_locked(stale)
                finally:
                    if self.cache.get(self.lock_key) == owner:
                        self.cache.delete(self.lock_key)
            time.sleep(WAIT_STEP)
            token = self.cache.get(self.key)
            if token and token != stale:
                return token
            if time.monotonic() > deadline:
                raise WeChatUnavailable(-1, "timed out waiting for another process to fetch the access token", "token")

    def _fetch_locked(self, stale: str | None) -> str:
        # Another process may have stored a fresh token between our miss and our lock.
        token = self.cache.get(self.key)
        if token and token != stale:
            return token
        token, expires_in = self.fetch(stale=stale)
        self.cache.set(self.key, token, timeout=max(1, expires_in - refresh_margin(expires_in)))
        logger.info("WeChat access token refreshed (valid %ss)", expires_in)
        return token
