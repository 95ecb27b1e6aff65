"""Redis down: logins still complete (token, locks, counters and drawn codes in process memory) and
everything goes back to Redis by itself when it returns. A private redis-server is killed for real."""
import time

import pytest
import redis

from connections.wechat.client import WeChatClient
from scanlogin import fallback, ratelimit
from scanlogin.fallback import FallbackCache
from tests.fixtures.outage import HttpBrowser, database_url_for, server_env
from tests.fixtures.wechat import tokens_at_once
from wechatsim.testing import sim_code, sim_get, sim_token_fetches, sim_user

pytestmark = pytest.mark.django_db(transaction=True)


def login_over_http(base, browser: HttpBrowser, app, sim, appid, wx_user) -> str:
    """The whole scan login as the page and the phone make it → where the browser goes at the end."""
    page = browser.request("GET", f"/u/acme/login?app_id={app.client_id}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    created = browser.request("POST", "/u/acme/api/qr-tickets", json={"app_id": app.client_id, "connection": "wechat-pc"})
    assert created.status_code == 201, created.text
    ticket = created.json()
    image = browser.request("GET", ticket["qrcode_url"])
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG"), image.text[:200]
    scene = sim_get(sim, "/sim/wxacodes")[0]["scene"]
    phone = HttpBrowser(base)
    scanned = phone.request("POST", "/api/miniprogram/scan", json={"scene": scene, "code": sim_code(sim, appid=appid, user=wx_user["id"])})
    assert scanned.status_code == 200, scanned.text
    confirmed = phone.request("POST", "/api/miniprogram/confirm", json={
        "scan_token": scanned.json()["scan_token"], "phone_code": sim_code(sim, appid=appid, user=wx_user["id"], kind="phone")})
    assert confirmed.status_code == 200, confirmed.text
    status = browser.request("GET", f"/u/acme/api/qr-tickets/{ticket['ticket']}?since=scanned&wait=0")
    assert status.json()["status"] == "confirmed"
    exchanged = browser.request("POST", f"/u/acme/api/qr-tickets/{ticket['ticket']}/exchange")
    assert exchanged.status_code == 200 and exchanged.json()["status"] == "consumed", exchanged.text
    return exchanged.json()["redirect_to"]


def test_logins_complete_while_redis_is_down_and_state_returns_to_it(private_redis, scanlogin_server, login_app,
                                                                    wechat_sim, settings):
    server = scanlogin_server(**server_env(database_url=database_url_for(), redis_url=private_redis.url,
                                           wechat_api_base=wechat_sim.base_url))
    appid = settings.WECHAT_DEFAULT_APP_ID
    first = sim_user(wechat_sim, "13800138000")
    assert login_over_http(server.url, HttpBrowser(server.url), login_app, wechat_sim, appid, first)
    assert _token_keys(private_redis)

    private_redis.kill()  # Redis dies: the cache, the token store, the counters, the notifications
    second = sim_user(wechat_sim, "13900139000")
    assert login_over_http(server.url, HttpBrowser(server.url), login_app, wechat_sim, appid, second)
    assert login_over_http(server.url, HttpBrowser(server.url), login_app, wechat_sim, appid, first)
    # The token fetched before the outage was still at hand in the process: no extra fetch.
    assert sim_token_fetches(wechat_sim, appid) == 1

    private_redis.start()  # back, empty (as after a restart without persistence)
    time.sleep(1.2)  # past REDIS_RETRY_SECONDS: the server asks Redis again on its next request
    third = sim_user(wechat_sim, "13700137000")
    assert login_over_http(server.url, HttpBrowser(server.url), login_app, wechat_sim, appid, third)
    # The shared state lives in Redis again: the access token and the rate-limit counters.
    assert _token_keys(private_redis)
    assert any(key.startswith("scanlogin:ratelimit") for key in _keys(private_redis))


def _keys(server) -> list[str]:
    return [k.decode() for k in redis.Redis.from_url(server.url).keys("*")]


def _token_keys(server) -> list[str]:
    return [k for k in _keys(server) if ":wechat:token:token:" in k and not k.endswith((":lock", ":failed"))]


def test_one_fetcher_per_process_while_redis_is_down(private_redis, wechat_sim, settings):
    """Ten threads of one process need the token while Redis is dead: WeChat is asked once."""
    down_cache = FallbackCache("down")
    settings.CACHES = {**settings.CACHES, "down": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                                   "LOCATION": private_redis.url,
                                                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}}}
    private_redis.kill()
    tokens = tokens_at_once(lambda: WeChatClient(settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET,
                                                 cache=down_cache))
    assert len(tokens) == 10 and len(set(tokens)) == 1
    assert sim_token_fetches(wechat_sim, settings.WECHAT_DEFAULT_APP_ID) == 1


def test_rate_limits_hold_in_memory_while_redis_is_down_and_return_to_it(private_redis, settings):
    settings.REDIS_URL = private_redis.url
    settings.REDIS_RETRY_SECONDS = 0  # ask Redis again at once, so its return is seen by the next request
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "tickets_per_ip": "3/minute"}
    ratelimit.rate_check("tickets_per_ip", "198.51.100.1")
    assert any(k.startswith("scanlogin:ratelimit") for k in _keys(private_redis))

    private_redis.kill()
    for _ in range(3):
        ratelimit.rate_check("tickets_per_ip", "198.51.100.2")
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.rate_check("tickets_per_ip", "198.51.100.2")

    private_redis.start()
    ratelimit.rate_check("tickets_per_ip", "198.51.100.3")
    assert fallback.redis_breaker.available()
    assert len([k for k in _keys(private_redis) if k.startswith("scanlogin:ratelimit")]) == 1


def test_the_in_memory_counters_are_bounded(settings):
    settings.REDIS_URL = ""  # no Redis at all: process memory only
    settings.RATE_LIMIT_MEMORY_MAX_KEYS = 50
    for n in range(500):
        ratelimit.rate_check("tickets_per_ip", f"203.0.113.{n}")
    assert len(ratelimit.counters._memory.storage) <= 50


def test_waiting_for_a_busy_pooled_connection_is_not_an_outage(private_redis, settings):
    """The process's one pooled connection is held by another thread longer than REDIS_POOL_TIMEOUT:
    that call uses process memory, but Redis is not taken for down (nothing else falls back)."""
    import threading

    from django.core.cache import caches

    settings.REDIS_URL = private_redis.url
    settings.CACHES = {"default": {"BACKEND": "scanlogin.cache.RedisCache", "LOCATION": private_redis.url,
                                   "OPTIONS": {"pool_class": "redis.BlockingConnectionPool", "max_connections": 1,
                                               "timeout": 0.1, "socket_timeout": 5}}}
    cache = FallbackCache()
    cache.set("k", "v", 60)
    holding = threading.Event()

    def hold_the_connection():
        client = caches["default"].redis_client()
        holding.set()
        client.blpop(["scanlogin:test:never"], timeout=1)  # the pool's only connection, busy for a second

    holder = threading.Thread(target=hold_the_connection)
    holder.start()
    holding.wait(5)
    time.sleep(0.1)
    ok, _value = cache.shared("get", "k")
    holder.join()
    assert ok is False  # this call found no connection in time …
    assert not fallback.redis_breaker.down  # … but Redis was not taken for down
    assert cache.shared("get", "k") == (True, "v")  # and the next call uses it again

    private_redis.kill()  # a real outage still is one
    assert cache.shared("get", "k") == (False, None)
    assert fallback.redis_breaker.down
