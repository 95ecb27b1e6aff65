"""The simulator answers like WeChat, over real HTTP."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.core.management import CommandError, call_command

from tests.wechat.qr_decode import decode_cv2 as decode_qr
from wechatsim.server import SimulatorDisabled, start_simulator
from wechatsim.testing import sim_code, sim_fault, sim_get, sim_stats, sim_user

ROOT = Path(__file__).resolve().parents[2]


def token_url(sim, appid, secret):
    return f"{sim.base_url}/cgi-bin/token?grant_type=client_credential&appid={appid}&secret={secret}"


def test_token_answers_like_wechat(wechat_sim, settings):
    answer = requests.get(token_url(wechat_sim, settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET)).json()
    assert answer["expires_in"] == 7200 and len(answer["access_token"]) > 32
    assert sim_stats(wechat_sim)["token_fetches"] == {settings.WECHAT_DEFAULT_APP_ID: 1}


@pytest.mark.parametrize("appid,secret,errcode", [
    ("wx00000000000000d0", "wrong", 40125),
    ("wxffffffffffffffff", "0" * 31 + "d", 40013),
])
def test_token_refuses_bad_credentials(wechat_sim, appid, secret, errcode):
    answer = requests.get(token_url(wechat_sim, appid, secret)).json()
    assert answer["errcode"] == errcode and "rid:" in answer["errmsg"]


def test_login_code_is_single_use(wechat_sim, settings):
    appid, secret = settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET
    user = sim_user(wechat_sim, "13800138000", nickname="Li Lei")
    code = sim_code(wechat_sim, appid=appid, openid=user["openids"][appid], kind="login")
    url = f"{wechat_sim.base_url}/sns/jscode2session"
    params = {"appid": appid, "secret": secret, "js_code": code, "grant_type": "authorization_code"}
    first = requests.get(url, params=params).json()
    assert first["openid"] == user["openids"][appid] and first["unionid"] == user["unionid"]
    assert requests.get(url, params=params).json()["errcode"] == 40163


def test_openids_differ_per_appid_and_unionid_joins_them(wechat_sim):
    wechat_sim.state.register_app("wx1111111111111111", "x" * 32)
    user = sim_user(wechat_sim, "13800138001")
    openids = user["openids"]
    assert len(set(openids.values())) == 2 and all(o.startswith("o") for o in openids.values())


def test_explicit_openid_applies_to_the_default_app(wechat_sim, settings):
    user = sim_user(wechat_sim, "13800138002", openid="o-fixed-openid")
    assert user["openids"][settings.WECHAT_DEFAULT_APP_ID] == "o-fixed-openid"


def test_wxacode_is_a_png_that_decodes_to_the_scene(wechat_sim, settings):
    token = requests.get(token_url(wechat_sim, settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET)).json()
    scene = "a" * 32
    response = requests.post(f"{wechat_sim.base_url}/wxa/getwxacodeunlimit",
                             params={"access_token": token["access_token"]}, json={"scene": scene, "width": 430})
    assert response.headers["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert decode_qr(response.content) == scene
    assert sim_get(wechat_sim, "/sim/wxacodes")[0]["scene"] == scene


def test_wxacode_refuses_invalid_token(wechat_sim):
    response = requests.post(f"{wechat_sim.base_url}/wxa/getwxacodeunlimit", params={"access_token": "nope"},
                             json={"scene": "abc"})
    assert response.json()["errcode"] == 40001


def test_fault_is_served_count_times(wechat_sim, settings):
    sim_fault(wechat_sim, "token", errcode=-1, count=2)
    url = token_url(wechat_sim, settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET)
    assert [requests.get(url).json().get("errcode") for _ in range(3)] == [-1, -1, None]


def test_sim_routes_answer_400_on_bad_input(wechat_sim):
    response = requests.post(wechat_sim.base_url + "/sim/users", data=b"not json")
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    response = requests.post(wechat_sim.base_url + "/sim/codes", json={"kind": "login", "openid": "nobody"})
    assert response.status_code == 400


def test_unknown_route_is_404(wechat_sim):
    assert requests.get(wechat_sim.base_url + "/nowhere").status_code == 404


def test_start_simulator_refuses_when_disabled(settings):
    settings.WECHAT_SIMULATOR_ENABLED = False
    with pytest.raises(SimulatorDisabled):
        start_simulator(port=0)


def test_command_refuses_when_disabled(settings):
    settings.WECHAT_SIMULATOR_ENABLED = False
    with pytest.raises(CommandError, match="disabled"):
        call_command("wechat_simulator", "--port", "0")


def _production_env(**extra):
    from scanlogin.secret_keys import generate

    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "DEBUG"))}
    env.update(DEBUG="false", DJANGO_SETTINGS_MODULE="scanlogin.settings", **generate())
    env.update(extra)
    return env


def test_production_settings_cannot_enable_the_simulator():
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
                            env=_production_env(WECHAT_SIMULATOR_ENABLED="true"), timeout=60)
    assert result.returncode != 0 and "cannot be enabled in production" in result.stderr


def test_production_command_refuses_to_start():
    result = subprocess.run([sys.executable, "manage.py", "wechat_simulator", "--port", "0"], cwd=ROOT,
                            capture_output=True, text=True, env=_production_env(), timeout=60)
    assert result.returncode != 0 and "disabled" in result.stderr


def test_invalid_content_length_is_refused(wechat_sim):
    import socket

    host, port = wechat_sim.server.server_address[:2]
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(b"POST /sim/users HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
        assert b" 413 " in sock.recv(200)
    assert requests.get(wechat_sim.base_url + "/sim/users").json() == []


@pytest.mark.parametrize("body,errcode", [
    ({"scene": "abc", "width": "wide"}, 40097),
    ({"scene": "abc", "page": 5}, 40097),
    ({"scene": "abc", "env_version": "beta"}, 40097),
    ({"scene": "abc", "page": "/pages/login/login"}, 41030),
    ({"scene": "abc", "page": "pages/nope/nope", "check_path": True}, 41030),
    ({"scene": "abc", "env_version": "trial"}, 41030),
])
def test_wxacode_argument_errors(wechat_sim, settings, body, errcode):
    token = requests.get(token_url(wechat_sim, settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET)).json()
    answer = requests.post(f"{wechat_sim.base_url}/wxa/getwxacodeunlimit", params={"access_token": token["access_token"]},
                           json=body).json()
    assert answer["errcode"] == errcode


def test_sim_apps_validates_pages_and_ttl(wechat_sim):
    for bad in ({"pages": "pages/x"}, {"token_ttl": 0}, {"token_ttl": "soon"}):
        response = requests.post(wechat_sim.base_url + "/sim/apps", json={"appid": "wx3333333333333333", "secret": "s", **bad})
        assert response.status_code == 400


def test_wxacode_thumbnail_for_the_phone_page(wechat_sim):
    response = requests.get(wechat_sim.base_url + "/sim/wxacode.png", params={"scene": "thumb"})
    assert response.headers["Content-Type"] == "image/png" and decode_qr(response.content) == "thumb"
    assert requests.get(wechat_sim.base_url + "/sim/wxacode.png", params={"scene": "x" * 33}).status_code == 400


def test_command_serves_on_loopback_with_the_default_app(settings):
    env = {**os.environ, "WECHAT_SIMULATOR_ENABLED": "true", "DEBUG": "true"}
    process = subprocess.Popen([sys.executable, "manage.py", "wechat_simulator", "--port", "0"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        base_url = line.split(" on ", 1)[1].split(" ", 1)[0]
        assert base_url.startswith("http://127.0.0.1:")
        apps = requests.get(base_url + "/sim/apps", timeout=5).json()
        assert apps == [{"appid": settings.WECHAT_DEFAULT_APP_ID, "token_ttl": 7200, "default": True}]
        assert "phone" in requests.get(base_url + "/sim/phone", timeout=5).text
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("phone, expected", [
    ("13800138000", ("86", "13800138000")),
    ("+86 13800138000", ("86", "13800138000")),
    ("+8613800138000", ("86", "13800138000")),
    ("+1 4155550100", ("1", "4155550100")),
    ("+14155550100", ("1", "4155550100")),
    ("+85291234567", ("852", "91234567")),
])
def test_simulated_phone_numbers_split_into_country_code_and_number(phone, expected):
    from wechatsim.wechat_api import split_phone

    assert split_phone(phone) == expected


def stable_token(sim, appid, secret):
    return requests.post(f"{sim.base_url}/cgi-bin/stable_token", timeout=10, json={
        "grant_type": "client_credential", "appid": appid, "secret": secret}).json()


def test_an_ip_whitelist_refuses_other_callers_naming_their_ip(wechat_sim):
    wechat_sim.state.register_app("wx2222222222222222", "s" * 32, ip_whitelist=["203.0.113.9"])
    for answer in (requests.get(token_url(wechat_sim, "wx2222222222222222", "s" * 32), timeout=10).json(),
                   stable_token(wechat_sim, "wx2222222222222222", "s" * 32)):
        assert answer["errcode"] == 40164
        assert answer["errmsg"].startswith("invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist")
    assert requests.get(token_url(wechat_sim, "wx2222222222222222", "wrong"), timeout=10).json()["errcode"] == 40125
    requests.post(f"{wechat_sim.base_url}/sim/apps", timeout=10, json={
        "appid": "wx2222222222222222", "secret": "s" * 32, "ip_whitelist": ["203.0.113.9", "127.0.0.1"]})
    assert "access_token" in stable_token(wechat_sim, "wx2222222222222222", "s" * 32)


def test_a_frozen_secret_is_40243_over_http(wechat_sim):
    registered = requests.post(f"{wechat_sim.base_url}/sim/apps", timeout=10, json={
        "appid": "wx3333333333333333", "secret": "f" * 32, "secret_frozen": True}).json()
    assert registered["secret_frozen"] is True and registered["ip_whitelist"] == []
    assert stable_token(wechat_sim, "wx3333333333333333", "f" * 32)["errcode"] == 40243
    assert stable_token(wechat_sim, "wx3333333333333333", "g" * 32)["errcode"] == 40125  # a wrong secret says so first


def test_sim_apps_validates_the_whitelist(wechat_sim):
    answer = requests.post(f"{wechat_sim.base_url}/sim/apps", timeout=10, json={
        "appid": "wx4444444444444444", "secret": "s" * 32, "ip_whitelist": "127.0.0.1"})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"
