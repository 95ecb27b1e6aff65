"""/sim/phone plays the phone against ScanLogin's mini-program API, in headless Chromium.

ScanLogin's /api/miniprogram/* arrives with another issue. The first test points the page at the
live Django server and shows the error it gets; the second uses a stand-in that answers the
documented contract by calling WeChat (the simulator) with the codes the page sends, so the
whole phone flow (scan, confirm, cancel) runs over real HTTP.
"""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.conf import settings

from connections.wechat.client import WeChatClient
from wechatsim.testing import sim_user

pytestmark = pytest.mark.browser


class ContractStandIn(BaseHTTPRequestHandler):
    """Answers POST /api/miniprogram/{scan,confirm,cancel} as DESIGN.md's HTTP contract says."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.calls.append((self.path, body))
        client = WeChatClient(settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET,
                              base_url=self.server.wechat_base)
        if self.path.endswith("/scan"):
            info = client.code2session(body["code"])
            self.server.openids.append(info.openid)
            answer = {"scan_token": "st-" + body["scene"], "expires_in": 118, "app": {"name": "Acme shop"},
                      "pool": {"name": "Acme"}, "connection": {"display_name": "WeChat"},
                      "client": {"ip": "203.0.113.7", "user_agent": "Chrome 131 on Windows"}}
        elif self.path.endswith("/confirm"):
            self.server.phones.append(client.phone_number(body["phone_code"]).pure_phone_number)
            answer = {"status": "confirmed"}
        else:
            answer = {"status": "cancelled"}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def stand_in(wechat_sim):
    server = ThreadingHTTPServer(("127.0.0.1", 0), ContractStandIn)
    server.calls, server.openids, server.phones, server.wechat_base = [], [], [], wechat_sim.base_url
    threading.Thread(target=server.serve_forever, daemon=True).start()
    previous = wechat_sim.state.scanlogin_url
    wechat_sim.state.scanlogin_url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    wechat_sim.state.scanlogin_url = previous
    server.shutdown()
    server.server_close()


@pytest.fixture
def drawn_code(wechat_sim, settings):
    WeChatClient(settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET).wxacode(
        scene="0f1e2d3c4b5a69788796a5b4c3d2e1f0", page="pages/login/login")
    return "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def test_phone_scans_and_confirms_through_the_contract(wechat_sim, stand_in, drawn_code, page, screenshot):
    user = sim_user(wechat_sim, "13800138000", nickname="Li Lei")
    page.goto(wechat_sim.base_url + "/sim/phone")
    page.get_by_text(drawn_code).wait_for()
    screenshot(page, "wechatsim-phone-home")
    page.get_by_text(drawn_code).click()
    page.get_by_text("Log in to Acme shop on PC?").wait_for()
    assert "203.0.113.7" in page.inner_text("#c-facts")
    screenshot(page, "wechatsim-phone-confirm")
    page.get_by_role("button", name="Allow · 确认登录").click()
    page.get_by_text("Logged in · 已登录").wait_for()
    screenshot(page, "wechatsim-phone-confirmed")
    assert [path for path, _ in stand_in.calls] == ["/api/miniprogram/scan", "/api/miniprogram/confirm"]
    assert stand_in.calls[0][1]["scene"] == drawn_code
    assert stand_in.calls[1][1]["scan_token"] == "st-" + drawn_code
    assert stand_in.openids == [user["openids"][settings.WECHAT_DEFAULT_APP_ID]]
    assert stand_in.phones == ["13800138000"]
    assert "confirmed" in page.inner_text("#log")


def test_phone_cancels(wechat_sim, stand_in, drawn_code, page):
    sim_user(wechat_sim, "13800138001", nickname="Han Meimei")
    page.goto(wechat_sim.base_url + "/sim/phone")
    page.get_by_text(drawn_code).click()
    page.get_by_role("button", name="Cancel · 取消").click()
    page.get_by_text("Cancelled · 已取消").wait_for()
    assert stand_in.calls[-1] == ("/api/miniprogram/cancel", {"scan_token": "st-" + drawn_code})


def test_phone_creates_a_user(wechat_sim, page):
    page.goto(wechat_sim.base_url + "/sim/phone")
    page.fill("input[name=phone]", "13900139000")
    page.fill("input[name=nickname]", "Wei")
    page.click("#new-user button")
    page.locator("#users .row.selected").get_by_text("Wei").wait_for()
    assert [u["phone"] for u in requests.get(wechat_sim.base_url + "/sim/users").json()] == ["13900139000"]


@pytest.mark.django_db(transaction=True)
def test_phone_shows_the_error_scanlogin_returns(wechat_sim, live_server, drawn_code, page, screenshot):
    previous = wechat_sim.state.scanlogin_url
    wechat_sim.state.scanlogin_url = live_server.url
    try:
        sim_user(wechat_sim, "13800138002", nickname="Lucy")
        page.goto(wechat_sim.base_url + "/sim/phone")
        page.get_by_text(drawn_code).click()
        page.get_by_text("Scan failed · 扫码失败").wait_for()
        screenshot(page, "wechatsim-phone-error")
        assert "/api/miniprogram/scan" in page.inner_text("#log")
    finally:
        wechat_sim.state.scanlogin_url = previous


def test_phone_scans_a_pasted_link_qr(wechat_sim, stand_in, page):
    sim_user(wechat_sim, "13800138003", nickname="Link")
    page.goto(wechat_sim.base_url + "/sim/phone")
    page.fill("input[name=scene]", "https://scan.example.com/mp/abcdef0123456789")
    page.click("#manual button")
    page.get_by_text("Log in to Acme shop on PC?").wait_for()
    assert stand_in.calls[0][1]["scene"] == "abcdef0123456789"
