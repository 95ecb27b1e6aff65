"""The WeChat client against the simulator over real HTTP."""
import logging
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connections.wechat import errors, transport
from connections.wechat.client import WeChatClient, client_for_connection
from wechatsim.testing import sim_clock, sim_code, sim_fault, sim_stats, sim_user

from .qr_decode import decode_cv2 as decode_qr


@pytest.fixture
def user(wechat_sim):
    return sim_user(wechat_sim, "13800138000", nickname="Han Meimei")


def login_code(sim, appid, user):
    return sim_code(sim, appid=appid, openid=user["openids"][appid], kind="login")


def phone_code(sim, appid, user, **kw):
    return sim_code(sim, appid=appid, openid=user["openids"][appid], kind="phone", **kw)


def test_code2session_returns_the_identity(default_client, wechat_sim, user):
    info = default_client.code2session(login_code(wechat_sim, default_client.app_id, user))
    assert info.openid == user["openids"][default_client.app_id]
    assert info.unionid == user["unionid"]
    assert info.session_key and info.session_key not in repr(info)


@pytest.mark.parametrize("kind", ["used", "expired_ttl", "expired_clock", "other_app", "phone_code"])
def test_code2session_refuses_bad_codes_as_wechat_does(default_client, wechat_sim, user, private_app, kind):
    appid = default_client.app_id
    code, expected = login_code(wechat_sim, appid, user), 40029
    if kind == "used":
        default_client.code2session(code)
        expected = 40163
    elif kind == "expired_ttl":
        code = sim_code(wechat_sim, appid=appid, openid=user["openids"][appid], kind="login", ttl=0)
    elif kind == "expired_clock":
        sim_clock(wechat_sim, 301)
    elif kind == "other_app":
        code = sim_code(wechat_sim, appid=private_app[0], user=user["id"], kind="login")
    elif kind == "phone_code":
        code = phone_code(wechat_sim, appid, user)
    with pytest.raises(errors.WeChatCodeInvalid) as caught:
        default_client.code2session(code)
    assert caught.value.errcode == expected and caught.value.api == "jscode2session"


def test_blocked_user_is_refused(default_client, wechat_sim):
    blocked = sim_user(wechat_sim, "13800138009", blocked=True)
    with pytest.raises(errors.WeChatUserBlocked):
        default_client.code2session(login_code(wechat_sim, default_client.app_id, blocked))


def test_phone_number_of_a_chinese_user(default_client, wechat_sim, user):
    info = default_client.phone_number(phone_code(wechat_sim, default_client.app_id, user))
    assert (info.phone_number, info.pure_phone_number, info.country_code) == ("13800138000", "13800138000", "86")


def test_phone_number_of_a_foreign_user(default_client, wechat_sim):
    foreign = sim_user(wechat_sim, "+1 4155550100")
    info = default_client.phone_number(phone_code(wechat_sim, default_client.app_id, foreign))
    assert (info.phone_number, info.pure_phone_number, info.country_code) == ("+14155550100", "4155550100", "1")


def test_phone_code_is_single_use(default_client, wechat_sim, user):
    code = phone_code(wechat_sim, default_client.app_id, user)
    default_client.phone_number(code)
    with pytest.raises(errors.WeChatCodeInvalid) as caught:
        default_client.phone_number(code)
    assert caught.value.errcode == 40163


def test_phone_watermark_of_another_appid_is_refused(default_client, wechat_sim, user):
    code = phone_code(wechat_sim, default_client.app_id, user, watermark_appid="wx9999999999999999")
    with pytest.raises(errors.WeChatCodeInvalid) as caught:
        default_client.phone_number(code)
    assert isinstance(caught.value, errors.WeChatWatermarkMismatch)


def test_wxacode_returns_a_decodable_image(default_client, wechat_sim):
    png = default_client.wxacode(scene="0123456789abcdef0123456789abcdef", page="pages/login/login")
    assert decode_qr(png) == "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("scene,errcode", [("", 40169), ("a" * 33, 40169), ("bad%scene", 40129), ("中文", 40129)])
def test_wxacode_checks_the_scene_before_calling(default_client, wechat_sim, scene, errcode):
    with pytest.raises(errors.WeChatInvalidRequest) as caught:
        default_client.wxacode(scene=scene)
    assert caught.value.errcode == errcode
    assert "wxacode" not in sim_stats(wechat_sim)


def test_wxacode_unknown_page_with_check_path(default_client, wechat_sim):
    with pytest.raises(errors.WeChatInvalidRequest) as caught:
        default_client.wxacode(scene="abc", page="pages/missing/missing", check_path=True)
    assert caught.value.errcode == 41030


ERROR_CASES = [
    ("jscode2session", 40029, errors.WeChatCodeInvalid),
    ("jscode2session", 40163, errors.WeChatCodeInvalid),
    ("jscode2session", 45011, errors.WeChatRateLimited),
    ("jscode2session", 40226, errors.WeChatUserBlocked),
    ("jscode2session", -1, errors.WeChatUnavailable),
    ("jscode2session", 40013, errors.WeChatCredentialsInvalid),
    ("jscode2session", 40125, errors.WeChatCredentialsInvalid),
    ("jscode2session", 40164, errors.WeChatCredentialsInvalid),
    ("jscode2session", 40243, errors.WeChatCredentialsInvalid),
    ("wxacode", 45009, errors.WeChatRateLimited),
    ("wxacode", 41030, errors.WeChatInvalidRequest),
    ("wxacode", 40169, errors.WeChatInvalidRequest),
    ("wxacode", 40129, errors.WeChatInvalidRequest),
    ("wxacode", 40097, errors.WeChatInvalidRequest),
    ("phone", 40029, errors.WeChatCodeInvalid),
    ("phone", 45011, errors.WeChatRateLimited),
    ("phone", 40013, errors.WeChatCredentialsInvalid),
    ("token", 40125, errors.WeChatCredentialsInvalid),
    ("token", 40164, errors.WeChatCredentialsInvalid),
    ("phone", 99999, errors.WeChatError),
]


def call(client, sim, user, api):
    if api == "jscode2session":
        return client.code2session(login_code(sim, client.app_id, user))
    if api == "phone":
        return client.phone_number(phone_code(sim, client.app_id, user))
    return client.wxacode(scene="abc")


@pytest.mark.parametrize("api,errcode,exc_class", ERROR_CASES)
def test_each_wechat_error_maps_to_its_exception(default_client, wechat_sim, user, api, errcode, exc_class):
    sim_fault(wechat_sim, api, errcode=errcode, count=5)
    with pytest.raises(exc_class) as caught:
        call(default_client, wechat_sim, user, "wxacode" if api == "token" else api)
    assert type(caught.value) is exc_class
    assert caught.value.errcode == errcode and str(errcode) in str(caught.value)


@pytest.mark.parametrize("errcode", [40001, 40014, 42001])
def test_token_errors_are_retried_once_then_surface(default_client, wechat_sim, errcode):
    sim_fault(wechat_sim, "wxacode", errcode=errcode, count=5)
    with pytest.raises(errors.WeChatTokenInvalid):
        default_client.wxacode(scene="abc")
    assert sim_stats(wechat_sim)["calls:wxacode"]["*"] == 2
    assert sum(sim_stats(wechat_sim)["token_fetches"].values()) == 2


@pytest.mark.parametrize("errcode", [40001, 40014, 42001])
def test_one_token_error_is_healed_by_the_retry(default_client, wechat_sim, user, errcode):
    sim_fault(wechat_sim, "phone", errcode=errcode, count=1)
    assert default_client.phone_number(phone_code(wechat_sim, default_client.app_id, user)).country_code == "86"


def test_missing_code_is_an_invalid_code(default_client, wechat_sim):
    with pytest.raises(errors.WeChatCodeInvalid) as caught:
        default_client.code2session("")
    assert caught.value.errcode == 41008


def test_delay_beyond_read_timeout_is_unavailable_and_single_use_calls_are_not_repeated(
        default_client, wechat_sim, user, settings):
    settings.WECHAT_READ_TIMEOUT = 0.3
    sim_fault(wechat_sim, "jscode2session", delay_ms=1000, count=3)
    with pytest.raises(errors.WeChatUnavailable) as caught:
        default_client.code2session(login_code(wechat_sim, default_client.app_id, user))
    assert "timed out" in str(caught.value)
    assert sum(sim_stats(wechat_sim)["calls:jscode2session"].values()) == 1


def test_wxacode_is_retried_after_a_timeout(default_client, wechat_sim, settings):
    settings.WECHAT_READ_TIMEOUT = 0.3
    default_client.access_token()
    sim_fault(wechat_sim, "wxacode", delay_ms=1000, count=1)
    assert default_client.wxacode(scene="retry").startswith(b"\x89PNG")
    assert sim_stats(wechat_sim)["calls:wxacode"]["*"] == 2


def test_unreachable_wechat_is_unavailable(settings, shared_cache):
    client = WeChatClient("wx00000000000000d0", "s" * 32, base_url="http://127.0.0.1:9", cache=shared_cache)
    with pytest.raises(errors.WeChatUnavailable) as caught:
        client.code2session("abc")
    assert "unreachable" in str(caught.value) and "s" * 32 not in str(caught.value)


def test_calls_go_through_the_proxy_of_the_environment_unless_no_proxy_names_the_host(default_client, wechat_sim, user, monkeypatch):
    asked = []

    class ForwardProxy(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)  # a client asks a proxy for the absolute URL
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(self.path) as answer:
                body, content_type = answer.read(), answer.headers["Content-Type"]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), ForwardProxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    monkeypatch.setattr(transport, "_proxies", {"http": f"http://127.0.0.1:{proxy.server_port}"})  # (HTTP_PROXY, read at start)
    monkeypatch.setattr(transport, "_via_proxy", {})
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    try:
        info = default_client.code2session(login_code(wechat_sim, default_client.app_id, user))
        assert info.openid == user["openids"][default_client.app_id]
        assert len(asked) == 1 and asked[0].startswith(f"{default_client.base_url}/sns/jscode2session?appid=")
        monkeypatch.setenv("no_proxy", "127.0.0.1")
        assert default_client.code2session(login_code(wechat_sim, default_client.app_id, user)).openid == info.openid
        assert len(asked) == 1  # straight to WeChat
    finally:
        proxy.shutdown()
        proxy.server_close()


@pytest.mark.parametrize("fault,exc_class", [
    ({"status": 502}, errors.WeChatUnavailable),                                    # an HTML gateway page
    ({"errcode": 45009, "content_type": "image/jpeg"}, errors.WeChatRateLimited),   # JSON labelled as an image
    ({"errcode": -1, "content_type": "image/png"}, errors.WeChatUnavailable),
])
def test_wxacode_tells_errors_from_images(default_client, wechat_sim, fault, exc_class):
    sim_fault(wechat_sim, "wxacode", count=3, **fault)
    with pytest.raises(exc_class):
        default_client.wxacode(scene="abc")


def test_wxacode_image_labelled_as_json_is_still_an_image(default_client, wechat_sim):
    sim_fault(wechat_sim, "wxacode", content_type="application/json")
    assert decode_qr(default_client.wxacode(scene="mislabelled")) == "mislabelled"


def test_code2session_without_unionid(wechat_sim, shared_cache):
    wechat_sim.state.register_app("wx2222222222222222", "u" * 32, unionid=False)
    user = sim_user(wechat_sim, "13700137000")
    client = WeChatClient("wx2222222222222222", "u" * 32, cache=shared_cache)
    info = client.code2session(sim_code(wechat_sim, appid=client.app_id, user=user["id"], kind="login"))
    assert info.unionid == "" and info.openid == user["openids"][client.app_id]


def test_secrets_never_reach_logs_or_messages(wechat_sim, settings, shared_cache, caplog, user):
    caplog.set_level(logging.DEBUG)
    secret = settings.WECHAT_DEFAULT_APP_SECRET
    client = WeChatClient(settings.WECHAT_DEFAULT_APP_ID, secret, cache=shared_cache)
    token = client.access_token()
    client.wxacode(scene="abc")
    settings.WECHAT_READ_TIMEOUT = 0.2
    sim_fault(wechat_sim, "token", delay_ms=500, count=3)
    sim_fault(wechat_sim, "wxacode", errcode=40001, count=5)
    messages = []
    for failing in (lambda: client.wxacode(scene="abc"),
                    lambda: WeChatClient(client.app_id, "wrong-secret-value", cache=shared_cache).code2session("x")):
        with pytest.raises(errors.WeChatError) as caught:
            failing()
        messages.append(str(caught.value) + repr(caught.value) + repr(caught.value.__cause__))
    text = caplog.text + " ".join(messages) + repr(client)
    # urllib3 did log the request lines; the filter replaced the values.
    assert "secret=***" in caplog.text and "access_token=***" in caplog.text
    for secret_value in (secret, token, "wrong-secret-value"):
        assert secret_value not in text


def test_stable_token_mode(wechat_sim, settings, shared_cache, private_app):
    # A mini-program of this test's own: a late request of an earlier test's live server (for the
    # default mini-program) can then not be mistaken for a classic token fetch of this client.
    settings.WECHAT_TOKEN_ENDPOINT = "stable_token"
    client = WeChatClient(*private_app, cache=shared_cache)
    user = sim_user(wechat_sim, "13800138000")
    assert client.wxacode(scene="stable").startswith(b"\x89PNG")
    assert client.phone_number(phone_code(wechat_sim, client.app_id, user)).pure_phone_number == "13800138000"
    stats = sim_stats(wechat_sim)
    assert stats["stable_token_fetches"].get(client.app_id) == 1
    assert client.app_id not in stats.get("token_fetches", {})


def test_client_for_connection_uses_the_default_or_private_mini_program(connection, private_app, settings):
    assert client_for_connection(connection).app_id == settings.WECHAT_DEFAULT_APP_ID
    connection.private_deployment, connection.app_id, connection.app_secret = True, *private_app
    client = client_for_connection(connection)
    assert client.app_id == private_app[0] and client.base_url == settings.WECHAT_API_BASE
