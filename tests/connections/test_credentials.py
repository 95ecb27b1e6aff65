"""The credential check against the WeChat simulator over real HTTP: each errcode WeChat answers for a
bad configuration, an unreachable WeChat, the shared token cache left alone on failure, the per-connection
rate limit and the token budget, and the platform's default mini-program."""
import socket

import pytest
from django.core.cache import cache
from django.utils import translation

from connections.credentials import connection_check_after_save, connection_check_credentials, own_credentials
from connections.services import connection_create, connection_update
from connections.wechat.client import WeChatClient
from connections.wechat.tokens import token_cache_key, token_cache_keys
from scanlogin.errors import ServiceError
from scanlogin.ratelimit import RateLimited
from wechatsim.testing import sim_app, sim_token_calls, sim_token_fetches

pytestmark = pytest.mark.django_db

APP_ID = "wx0123456789abcdef"
SECRET = "Q7w8E9r0T1y2U3i4O5p6A7s8D9f0G1h2"
WRONG = "W" * 31 + "x"


def private(pool, *, app_id=APP_ID, secret=SECRET, identifier="own-mp"):
    return connection_create(pool=pool, identifier=identifier, display_name="Own", callback_url="https://shop.example.com/cb",
                             private_deployment=True, app_id=app_id, app_secret=secret)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def keys_of(app_id, secret, sim, endpoint):
    return token_cache_keys(token_cache_key(app_id=app_id, secret=secret, base_url=sim.base_url, endpoint=endpoint))


def test_accepted_credentials_are_ok_and_the_token_is_kept(pool, wechat_sim):
    sim_app(wechat_sim, APP_ID, SECRET)
    result = connection_check_credentials(connection=private(pool))
    assert result.as_dict() == {"ok": True, "app_id": APP_ID, "private_deployment": True}
    token_key = keys_of(APP_ID, SECRET, wechat_sim, "stable_token")[0]
    assert cache.get(token_key)  # stored like a fetched stable token
    assert sim_token_calls(wechat_sim, APP_ID) == 1
    assert sim_token_fetches(wechat_sim, APP_ID, "token") == 0  # the classic token (of anyone) is not replaced


def test_an_appid_wechat_does_not_know_is_40013(pool, wechat_sim):
    result = connection_check_credentials(connection=private(pool))
    assert (result.ok, result.errcode) == (False, 40013)
    assert "does not know this AppID (40013)" in result.reason and "connection page" in result.reason


def test_a_wrong_secret_is_40125_and_poisons_no_cache(pool, wechat_sim):
    sim_app(wechat_sim, APP_ID, SECRET)
    owner = WeChatClient(APP_ID, SECRET)
    owners_token = owner.access_token()
    result = connection_check_credentials(connection=private(pool, secret=WRONG))
    assert (result.ok, result.errcode) == (False, 40125)
    assert result.reason.startswith("WeChat refused the AppSecret (40125).")
    for endpoint in ("token", "stable_token"):  # no token, no lock and no shared failure for the wrong pair
        assert cache.get_many(keys_of(APP_ID, WRONG, wechat_sim, endpoint)) == {}
    assert owner.access_token() == owners_token  # the owner's cached token is untouched


def test_a_caller_outside_the_whitelist_is_40164_with_the_ip_wechat_saw(pool, wechat_sim):
    sim_app(wechat_sim, APP_ID, SECRET, ip_whitelist=["203.0.113.7"])
    result = connection_check_credentials(connection=private(pool))
    assert (result.ok, result.errcode, result.egress_ip) == (False, 40164, "127.0.0.1")
    assert "IP address 127.0.0.1 (40164)" in result.reason and "IP whitelist" in result.reason
    assert result.as_dict()["egress_ip"] == "127.0.0.1"
    sim_app(wechat_sim, APP_ID, SECRET, ip_whitelist=["203.0.113.7", "127.0.0.1"])  # whitelisted now
    assert connection_check_credentials(connection=private(pool, identifier="own-mp-2")).ok is True


def test_a_frozen_secret_is_40243(pool, wechat_sim):
    sim_app(wechat_sim, APP_ID, SECRET, secret_frozen=True)
    result = connection_check_credentials(connection=private(pool))
    assert (result.ok, result.errcode) == (False, 40243) and "frozen" in result.reason


def test_unreachable_wechat_has_no_errcode(pool, settings):
    settings.WECHAT_API_BASE = f"http://127.0.0.1:{closed_port()}"
    result = connection_check_credentials(connection=private(pool))
    assert result.as_dict() == {"ok": False, "app_id": APP_ID, "private_deployment": True, "errcode": None,
                                "reason": result.reason}
    assert "could not be reached" in result.reason


def test_the_reason_speaks_chinese(pool, wechat_sim):
    with translation.override("zh-hans"):
        result = connection_check_credentials(connection=private(pool))
    assert "40013" in result.reason and "AppID" in result.reason and "微信" in result.reason


def test_checks_are_rate_limited_per_connection(pool, wechat_sim, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "credential_check_per_connection": "2/minute"}
    sim_app(wechat_sim, APP_ID, SECRET)
    conn, other = private(pool), private(pool, identifier="own-mp-2")
    for _ in range(2):
        assert connection_check_credentials(connection=conn).ok
    with pytest.raises(RateLimited) as refused:
        connection_check_credentials(connection=conn)
    assert refused.value.status == 429 and refused.value.retry_after >= 1
    assert sim_token_calls(wechat_sim, APP_ID) == 2  # the refused check never reached WeChat
    assert connection_check_credentials(connection=other).ok  # another connection has its own count


def test_a_spent_token_budget_refuses_the_check_without_calling_wechat(pool, wechat_sim, settings):
    settings.WECHAT_QUOTA = {**settings.WECHAT_QUOTA, "token": "1/day"}
    sim_app(wechat_sim, APP_ID, SECRET)
    conn = private(pool)
    assert connection_check_credentials(connection=conn).ok
    with pytest.raises(ServiceError) as refused:
        connection_check_credentials(connection=conn)
    assert (refused.value.code, refused.value.status) == ("wechat_quota_exhausted", 503) and refused.value.retry_after
    assert sim_token_calls(wechat_sim, APP_ID) == 1


def test_the_default_connection_checks_the_platforms_shared_token(pool, connection, wechat_sim, settings):
    first = connection_check_credentials(connection=connection)
    assert first.as_dict() == {"ok": True, "app_id": settings.WECHAT_DEFAULT_APP_ID, "private_deployment": False}
    assert connection_check_credentials(connection=connection).ok
    assert sim_token_fetches(wechat_sim, settings.WECHAT_DEFAULT_APP_ID) == 1  # the cached token answered the second


def test_broken_platform_credentials_send_the_tenant_to_the_platform_operator(pool, connection, wechat_sim, settings):
    settings.WECHAT_DEFAULT_APP_SECRET = WRONG
    result = connection_check_credentials(connection=connection)
    assert (result.ok, result.errcode) == (False, 40125) and "platform operator" in result.reason


def test_a_save_checks_only_new_credentials_and_only_warns(pool, wechat_sim, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "credential_check_per_connection": "2/minute"}
    sim_app(wechat_sim, APP_ID, SECRET)
    conn = private(pool, secret=WRONG)
    assert connection_check_after_save(connection=conn, before=None).errcode == 40125  # a new connection
    before = own_credentials(conn)
    connection_update(connection=conn, display_name="Renamed")
    assert connection_check_after_save(connection=conn, before=before) is None  # nothing new to check
    connection_update(connection=conn, app_secret=SECRET)
    assert connection_check_after_save(connection=conn, before=before).ok is True
    connection_update(connection=conn, app_secret=WRONG)  # a third check in the minute: not run, said so
    unchecked = connection_check_after_save(connection=conn, before=(APP_ID, SECRET))
    assert unchecked.ok is None and unchecked.reason.startswith("The credentials were not checked")
    assert unchecked.as_dict()["errcode"] is None
