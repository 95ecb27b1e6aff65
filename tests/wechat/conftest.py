"""Shared pieces of the WeChat tests: a cache shared by "processes", a private mini-program."""
import os
import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from connections.wechat.client import WeChatClient
from wechatsim.testing import sim_app

PRIVATE_APP_ID = "wx1234567890abcdef"
PRIVATE_SECRET = "S" * 32


@pytest.fixture
def shared_cache():
    """The cache several client instances (standing for processes) share: Redis when REDIS_URL is set."""
    prefix = f"wechat-test-{uuid.uuid4().hex[:8]}"
    if os.environ.get("REDIS_URL"):
        cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": prefix})
    else:
        cache = LocMemCache(prefix, {})
    yield cache
    if isinstance(cache, RedisCache):  # remove only this test's keys, never flush the database
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    else:
        cache.clear()


@pytest.fixture
def default_client(wechat_sim, settings, shared_cache):
    return WeChatClient(settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET, cache=shared_cache)


@pytest.fixture
def private_app(wechat_sim):
    sim_app(wechat_sim, PRIVATE_APP_ID, PRIVATE_SECRET)
    return PRIVATE_APP_ID, PRIVATE_SECRET
