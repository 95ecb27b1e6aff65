"""The access token of one AppID and secret, shared by every process through the Django cache.

WeChat's token quota is small and a new classic token invalidates the previous one, so exactly
one process may fetch at a time: a cache lock (`cache.add` with a timeout works on locmem and
Redis alike) elects the fetcher, the others wait for the token it stores. The cached entry
expires a safety margin before WeChat's `expires_in`, so the token is refreshed before it
runs out rather than after a failed call.

The cache key holds a keyed hash of the secret, so a token answers only to the AppID *and* the
secret that fetched it: a connection that names someone else's (public) AppID with a wrong
secret fetches for itself and is refused by WeChat, never handed the owner's token. While Redis
is unreachable the store works on process memory (scanlogin/fallback.py): one fetcher per process.
"""
import hashlib
import logging
import time
import uuid

from django.utils.crypto import salted_hmac

from .errors import WeChatError, WeChatUnavailable, error_for

logger = logging.getLogger("scanlogin.wechat")

MIN_LOCK_TTL = 30      # seconds a fetcher may hold the lock at least (a crashed holder frees it by expiry)
WAIT_STEP = 0.05       # seconds between waiters' looks at the cache
MAX_MARGIN = 300       # refresh at most 5 minutes early
FAILURE_TTL = 3        # seconds a failed fetch is shared with waiters (they fail fast, WeChat is spared)


def token_cache_key(*, app_id: str, secret: str, base_url: str, endpoint: str) -> str:
    """Classic and stable tokens are independent, the simulator's are not WeChat's, and each secret has its own."""
    where = hashlib.sha256(base_url.encode()).hexdigest()[:10]
    # Keyed (SECRET_KEY) so the cache never holds anything from which the AppSecret could be guessed.
    secret_tag = salted_hmac("scanlogin.wechat.token", secret, algorithm="sha256").hexdigest()[:24]
    return f"wechat:token:{endpoint}:{where}:{app_id}:{secret_tag}"


def token_cache_keys(key: str) -> list[str]:
    """The token's key and the keys of its lock and shared failure."""
    return [key, key + ":lock", key + ":failed"]


def refresh_margin(expires_in: int) -> int:
    return min(MAX_MARGIN, max(1, expires_in // 5))


class TokenStore:
    """Get, refresh under a lock, and drop the cached token of one AppID."""

    def __init__(self, *, cache, key: str, fetch, wait_timeout: float):
        self.cache = cache
        self.key = key
        self.lock_key = key + ":lock"
        self.failure_key = key + ":failed"
        self.fetch = fetch            # fetch(*, stale: str | None) -> (token, expires_in)
        self.wait_timeout = wait_timeout
        self.lock_ttl = max(MIN_LOCK_TTL, int(wait_timeout) + 1)  # outlives a fetch with all its retries

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
            if self.cache.add(self.lock_key, owner, timeout=self.lock_ttl):
                try:
                    return self._fetch_locked(stale)
                finally:
                    if self.cache.get(self.lock_key) == owner:
                        self.cache.delete(self.lock_key)
            time.sleep(WAIT_STEP)
            token = self.cache.get(self.key)
            if token and token != stale:
                return token
            self._raise_shared_failure()
            if time.monotonic() > deadline:
                raise WeChatUnavailable(-1, "timed out waiting for another process to fetch the access token", "token")

    def _fetch_locked(self, stale: str | None) -> str:
        # Another process may have stored a fresh token between our miss and our lock.
        token = self.cache.get(self.key)
        if token and token != stale:
            return token
        try:
            token, expires_in = self.fetch(stale=stale)
        except WeChatError as exc:
            self.cache.set(self.failure_key, {"errcode": exc.errcode, "errmsg": exc.errmsg}, timeout=FAILURE_TTL)
            raise
        self.store(token, expires_in)
        logger.info("WeChat access token refreshed (valid %ss)", expires_in)
        return token

    def store(self, token: str, expires_in: int) -> None:
        """Keep a token WeChat just handed out, until a safety margin before it runs out."""
        self.cache.delete(self.failure_key)
        self.cache.set(self.key, token, timeout=max(1, expires_in - refresh_margin(expires_in)))

    def _raise_shared_failure(self) -> None:
        """Waiting callers raise the error the fetcher just got instead of fetching again."""
        failure = self.cache.get(self.failure_key)
        if failure:
            raise error_for(failure["errcode"], failure["errmsg"], "token")
