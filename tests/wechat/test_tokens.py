"""One access token per AppID, shared by processes through the cache, fetched once."""
import threading
import time

from connections.wechat.client import WeChatClient
from connections.wechat.errors import WeChatCredentialsInvalid
from tests.fixtures.wechat import tokens_at_once
from wechatsim.testing import sim_app, sim_expire_tokens, sim_fault, sim_stats, sim_token_fetches


def new_client(settings, cache, **kw):
    return WeChatClient(settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET, cache=cache, **kw)


def test_two_processes_sharing_a_cache_fetch_once(wechat_sim, settings, shared_cache):
    first, second = new_client(settings, shared_cache), new_client(settings, shared_cache)
    assert first.access_token() == second.access_token()
    assert sim_token_fetches(wechat_sim, settings.WECHAT_DEFAULT_APP_ID) == 1


def test_ten_threads_at_once_cause_one_fetch(wechat_sim, settings, shared_cache):
    tokens = tokens_at_once(lambda: new_client(settings, shared_cache))
    assert len(tokens) == 10 and len(set(tokens)) == 1
    assert sim_token_fetches(wechat_sim, settings.WECHAT_DEFAULT_APP_ID) == 1


def test_expired_token_is_refreshed_and_the_call_retried_once(wechat_sim, settings, shared_cache):
    client = new_client(settings, shared_cache)
    stale = client.access_token()
    sim_expire_tokens(wechat_sim)
    assert client.wxacode(scene="after-expiry").startswith(b"\x89PNG")
    assert client.access_token() != stale
    assert sim_token_fetches(wechat_sim, settings.WECHAT_DEFAULT_APP_ID) == 2
    assert sim_stats(wechat_sim)["calls:wxacode"]["*"] == 2  # the refused call and exactly one retry


def test_token_is_refreshed_before_it_runs_out(wechat_sim, settings, shared_cache):
    sim_app(wechat_sim, settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET, token_ttl=3)
    client = new_client(settings, shared_cache)
    first = client.access_token()
    time.sleep(2.3)  # past the refresh margin, still before WeChat's expiry
    second = client.access_token()
    assert second != first
    assert sim_stats(wechat_sim)["calls:token"][settings.WECHAT_DEFAULT_APP_ID] == 2


def test_stable_token_returns_the_same_token_without_force(wechat_sim, settings, shared_cache):
    a = new_client(settings, shared_cache, token_endpoint="stable_token")
    token = a.access_token()
    shared_cache.delete(a._tokens.key)  # as if the cache had lost it
    b = new_client(settings, shared_cache, token_endpoint="stable_token")
    assert b.access_token() == token  # a second fetch without force_refresh gets the same token
    assert sim_token_fetches(wechat_sim, settings.WECHAT_DEFAULT_APP_ID, "stable_token") == 1


def test_stable_token_refreshes_after_the_simulator_expires_it(wechat_sim, settings, shared_cache):
    client = new_client(settings, shared_cache, token_endpoint="stable_token")
    stale = client.access_token()
    sim_expire_tokens(wechat_sim)
    assert client.wxacode(scene="stable-expired").startswith(b"\x89PNG")
    assert client.access_token() != stale


def test_waiters_share_the_fetchers_failure_instead_of_fetching_again(wechat_sim, settings, shared_cache):
    sim_fault(wechat_sim, "token", errcode=40125, delay_ms=300, count=10)
    barrier, raised = threading.Barrier(8), []

    def worker():
        client = new_client(settings, shared_cache)
        barrier.wait()
        try:
            client.access_token()
        except WeChatCredentialsInvalid as exc:
            raised.append(exc.errcode)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert raised == [40125] * 8
    assert sum(sim_stats(wechat_sim)["calls:token"].values()) == 1


def test_token_fetch_is_retried_after_a_timeout(wechat_sim, settings, shared_cache):
    settings.WECHAT_READ_TIMEOUT = 0.3
    sim_fault(wechat_sim, "token", delay_ms=1000, count=1)
    assert new_client(settings, shared_cache).access_token()
    assert sum(sim_stats(wechat_sim)["calls:token"].values()) == 2
