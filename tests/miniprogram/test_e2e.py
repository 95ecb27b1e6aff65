"""End to end: the REAL mini-program page, run under node, against ScanLogin and the simulator.

pytest starts ScanLogin (live_server) and the WeChat simulator (wechat_sim); a requests.Session
plays the PC browser: it creates a ticket on the hosted login API and reads its status. The
phone is miniprogram/test/e2e_run.js, which loads pages/login/login.js with a `wx` whose
request() makes real HTTP calls and whose login and phone codes come from the simulator.
"""
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from django.conf import settings

from connections.services import connection_enable_for, connection_update
from wechatsim.testing import sim_fault

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "miniprogram" / "test" / "e2e_run.js"
CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/124.0.0.0 Safari/537.36")

pytestmark = pytest.mark.django_db(transaction=True)


class Browser:
    """The PC browser on the hosted login page: one cookie jar, as the ticket is bound to it."""

    def __init__(self, base_url, pool, application):
        self.base = base_url
        self.pool = pool
        self.application = application
        self.session = requests.Session()
        self.session.headers["User-Agent"] = CHROME_WINDOWS

    def _trust_localhost(self):
        """Send Secure cookies to http://localhost like Chromium does (requests would not)."""
        for cookie in self.session.cookies:
            cookie.secure = False

    def open_login_page(self):
        page = self.session.get(f"{self.base}/u/{self.pool.slug}/login", params={"app_id": self.application.client_id}, timeout=10)
        assert page.status_code == 200, f"hosted login page answered {page.status_code}"
        self._trust_localhost()
        token = self.session.cookies.get("csrftoken")
        if token:
            self.session.headers["X-CSRFToken"] = token
        self.session.headers["Referer"] = page.url

    def create_ticket(self, connection):
        self.open_login_page()
        res = self.session.post(f"{self.base}/u/{self.pool.slug}/api/qr-tickets",
                                json={"app_id": self.application.client_id, "connection": connection.identifier}, timeout=10)
        assert res.status_code == 201, f"POST qr-tickets answered {res.status_code}: {res.text[:500]}"
        self._trust_localhost()
        ticket = res.json()
        assert ticket["status"] == "pending"
        return ticket

    def fetch_qrcode(self, ticket):
        url = ticket["qrcode_url"]
        res = self.session.get(url if url.startswith("http") else f"{self.base}{url}", timeout=10)
        assert res.status_code == 200, f"qrcode.png answered {res.status_code}"
        assert res.content[:8] == b"\x89PNG\r\n\x1a\n"
        return res.content

    def exchange(self, ticket):
        res = self.session.post(f"{self.base}/u/{self.pool.slug}/api/qr-tickets/{ticket['ticket']}/exchange", timeout=10)
        assert res.status_code == 200, f"exchange answered {res.status_code}: {res.text[:300]}"
        return res.json()

    def status(self, ticket):
        res = self.session.get(f"{self.base}/u/{self.pool.slug}/api/qr-tickets/{ticket['ticket']}", params={"wait": 0}, timeout=10)
        assert res.status_code == 200, f"ticket status answered {res.status_code}: {res.text[:300]}"
        return res.json()


def drawn_scene(sim):
    """The scene of the newest code the simulator drew (for the ticket just created)."""
    codes = requests.get(f"{sim.base_url}/sim/wxacodes", timeout=10).json()
    assert codes, "ScanLogin drew no mini-program code through the simulator"
    assert codes[0]["page"] == settings.WECHAT_MINIPROGRAM_PAGE
    return codes[0]["scene"]


def run_phone(base_url, sim, scene, *, action, phone, expect=None, lang="zh_CN", retries=0, link=False):
    """Run the mini-program page under node; returns (exit code, its final page data, stderr).

    `scene` is the mini-program code's scene, or with link=True the URL a link QR carries."""
    node = shutil.which("node")
    assert node, "node (>= 20) is needed to run the mini-program end to end; install nodejs"
    cmd = [node, str(RUNNER), "--base", base_url, "--sim", sim.base_url, "--q" if link else "--scene", scene,
           "--appid", settings.WECHAT_DEFAULT_APP_ID, "--phone", phone, "--action", action, "--lang", lang,
           "--retries", str(retries)]
    if expect:
        cmd += ["--expect", expect]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip(), f"e2e_run.js printed nothing: {result.stderr[-2000:]}"
    output = json.loads(result.stdout.strip().splitlines()[-1])
    return result.returncode, output, result.stderr


@pytest.fixture
def scan_setup(live_server, wechat_sim, pool, application, connection):
    connection_enable_for(connection=connection, application=application)
    browser = Browser(live_server.url, pool, application)
    ticket = browser.create_ticket(connection)
    browser.fetch_qrcode(ticket)
    return browser, ticket, drawn_scene(wechat_sim)


def test_phone_confirms_and_the_browser_sees_confirmed(live_server, wechat_sim, scan_setup):
    browser, ticket, scene = scan_setup
    code, output, stderr = run_phone(live_server.url, wechat_sim, scene, action="confirm", phone="13800138001")
    assert code == 0, stderr
    assert output["screens"] == ["loading", "review", "confirming", "done"]
    shown = output["data"]["ticket"]
    # What the phone showed before the user confirmed: the app, pool, connection and the PC browser,
    # where it is and its IP.
    assert shown["app"] == "Acme shop"
    assert shown["pool"] == "Acme"
    assert shown["connection"] == "WeChat"
    assert shown["browser"] == "Windows 上的 Chrome"
    assert shown["region"] == "本地网络"  # client.region {"local": true}: the browser is on 127.0.0.1
    assert shown["ip"] == "127.0.0.1"
    assert browser.status(ticket)["status"] == "confirmed"
    # ...and the PC completes the login with it.
    assert browser.exchange(ticket)["status"] == "consumed"


def test_phone_cancels_and_the_browser_sees_cancelled(live_server, wechat_sim, scan_setup):
    browser, ticket, scene = scan_setup
    code, output, stderr = run_phone(live_server.url, wechat_sim, scene, action="cancel", phone="13800138002", lang="en")
    assert code == 0, stderr
    assert output["screens"] == ["loading", "review", "cancelling", "cancelled"]
    assert output["data"]["ticket"]["browser"] == "Chrome on Windows"
    assert output["data"]["ticket"]["region"] == "Local network"
    assert output["data"]["heading"] == "Login cancelled"
    assert browser.status(ticket)["status"] == "cancelled"


def test_login_only_refusal_is_shown_with_the_servers_message(live_server, wechat_sim, connection, scan_setup):
    browser, ticket, scene = scan_setup
    connection_update(connection=connection, login_only=True)
    code, output, stderr = run_phone(live_server.url, wechat_sim, scene, action="confirm", phone="13800138003", expect="refused")
    assert code == 0, stderr
    assert output["data"]["screen"] == "refused"
    assert output["data"]["body"], "the refusal carries the server's message"
    status = browser.status(ticket)
    assert status["status"] == "rejected"
    assert status.get("reason") == "login_only"


def test_a_second_phone_cannot_scan_the_same_code(live_server, wechat_sim, scan_setup):
    browser, ticket, scene = scan_setup
    first, _output, stderr = run_phone(live_server.url, wechat_sim, scene, action="confirm", phone="13800138004")
    assert first == 0, stderr
    second, output, _stderr = run_phone(live_server.url, wechat_sim, scene, action="confirm", phone="13800138005")
    assert second == 1
    assert output["data"]["screen"] == "error"
    assert output["screens"] == ["loading", "error"]
    assert browser.status(ticket)["status"] == "confirmed"


@pytest.mark.parametrize("errcode, shown", [(40029, "微信登录凭证无效或已过期"), (-1, "微信服务暂时不可用")])
def test_a_failed_login_code_check_is_retried_with_a_new_wx_login(live_server, wechat_sim, scan_setup, errcode, shown):
    """WeChat refuses the first code (40029 → 400 wechat_code_invalid, -1 → 502 wechat_unavailable);
    "Try again" runs wx.login again and the login goes through."""
    browser, ticket, scene = scan_setup
    sim_fault(wechat_sim, "jscode2session", errcode=errcode, count=1)
    code, output, _stderr = run_phone(live_server.url, wechat_sim, scene, action="confirm", phone="13800138006")
    assert code == 1  # the page stopped on the error screen
    assert output["data"]["screen"] == "error"
    assert shown in output["data"]["body"]
    assert output["data"]["canRetry"] is True
    assert browser.status(ticket)["status"] == "pending"

    sim_fault(wechat_sim, "jscode2session", errcode=errcode, count=1)
    code, output, stderr = run_phone(live_server.url, wechat_sim, scene, action="confirm", phone="13800138006", retries=1)
    assert code == 0, stderr
    assert output["screens"] == ["loading", "error", "loading", "review", "confirming", "done"]
    assert browser.status(ticket)["status"] == "confirmed"


def test_a_link_qr_opens_the_page_with_q_and_logs_in(live_server, wechat_sim, settings, pool, application, connection):
    """WECHAT_LINK_QR_PREFIX: the browser shows a plain QR of prefix + scene; WeChat opens the page
    with that URL in `q`. The URL is read back from the drawn PNG with a real QR decoder."""
    from tests.wechat.qr_decode import decode_zbar

    settings.WECHAT_LINK_QR_PREFIX = "https://login.example.com/mp/l/"
    connection_enable_for(connection=connection, application=application)
    browser = Browser(live_server.url, pool, application)
    ticket = browser.create_ticket(connection)
    url = decode_zbar(browser.fetch_qrcode(ticket))
    assert url.startswith("https://login.example.com/mp/l/")
    code, output, stderr = run_phone(live_server.url, wechat_sim, url, action="confirm", phone="13800138007", link=True)
    assert code == 0, stderr
    assert output["screens"] == ["loading", "review", "confirming", "done"]
    assert browser.status(ticket)["status"] == "confirmed"
