"""The three ways a website integrates, in headless Chromium, across two origins.

The sample website (examples/website/app.py) runs on http://127.0.0.1:<port>; ScanLogin is the live
server on http://localhost:<port>. The phone is played over HTTP (WeChat simulator codes, posts to
/api/miniprogram/*). Redirect, popup (confidential and public client, and a popup the user closes)
and the embedded code (including a code that expires and is refreshed) each end with the website
showing the verified ID token's claims. Screenshots: artifacts/screenshots/example-*.png.
"""
import importlib.util
import socket
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from connections.services import connection_enable_for
from hostedlogin.models import LoginTicket, TicketStatus
from tenants.services import application_create
from wechatsim.testing import sim_code, sim_get, sim_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _load_example():
    spec = importlib.util.spec_from_file_location("example_website", ROOT / "examples" / "website" / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Phone:
    """The mini-program over HTTP: scans the newest code the simulator drew, confirms or cancels."""

    def __init__(self, base, sim, appid, user):
        self.base, self.sim, self.appid, self.user = base, sim, appid, user

    def scenes(self):
        return [c["scene"] for c in sim_get(self.sim, "/sim/wxacodes")]

    def post(self, action, payload):
        return requests.post(f"{self.base}/api/miniprogram/{action}", json=payload, timeout=10)

    def scan(self, scene=None):
        answer = self.post("scan", {"scene": scene or self.scenes()[0], "code": sim_code(self.sim, appid=self.appid, user=self.user["id"])})
        assert answer.status_code == 200, answer.text
        return answer.json()["scan_token"]

    def confirm(self, token):
        answer = self.post("confirm", {"scan_token": token, "phone_code": sim_code(self.sim, appid=self.appid, user=self.user["id"], kind="phone")})
        assert answer.status_code == 200, answer.text


@pytest.fixture
def site(live_server, pool, connection):
    """The sample website on its own origin, with a confidential and a public client of the pool."""
    example = _load_example()
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"  # ScanLogin (the live server) is on http://localhost:<port>
    apps = {}
    for kind in ("confidential", "public"):
        app, secret = application_create(pool=pool, name=f"Example shop ({kind})", client_type=kind,
                                         redirect_uris=[f"{origin}/callback"], web_origins=[origin])
        connection_enable_for(connection=connection, application=app)
        apps[kind] = (app, secret)
    config = example.Config(port=port, host="127.0.0.1", scanlogin=live_server.url, pool=pool.slug,
                            client_id=apps["confidential"][0].client_id, client_secret=apps["confidential"][1],
                            public_client_id=apps["public"][0].client_id, connection=connection.identifier)
    server = example.make_server(config)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    config.apps = apps
    yield config
    server.shutdown()
    server.server_close()


@pytest.fixture
def phone(live_server, wechat_sim, settings):
    return Phone(live_server.url, wechat_sim, settings.WECHAT_DEFAULT_APP_ID, sim_user(wechat_sim, "13800138000", nickname="Lin Wei"))


def open_popup(page, site, button):
    """On the sample website's popup page, press `button`: the hosted login opens in a popup."""
    page.goto(f"{site.origin}/popup")
    with page.expect_popup() as info:
        page.click(button)
    popup = info.value
    popup.wait_for_selector('#panel[data-state="pending"]')
    return popup


def claims_shown(page, site, client="confidential"):
    page.wait_for_selector("#claims:not([hidden])", timeout=10000)
    text = page.inner_text("#claims")
    assert '"phone_number": "+8613800138000"' in text
    assert f'"aud": "{site.apps[client][0].client_id}"' in text
    assert f'"iss": "{site.scanlogin}/u/acme/oidc"' in text
    return text


def test_redirect_mode_logs_in_across_origins(page, site, phone, screenshot):
    page.goto(f"{site.origin}/")
    screenshot(page, "example-home")
    page.click("#mode-redirect")
    page.wait_for_url(f"{site.scanlogin}/u/acme/login?**")
    page.wait_for_selector('#panel[data-state="pending"]')
    phone.confirm(phone.scan())
    page.wait_for_url(f"{site.origin}/", timeout=10000)
    claims_shown(page, site)
    assert "via redirect" in page.inner_text("#who")
    screenshot(page, "example-logged-in-redirect")


def test_popup_mode_confidential_client(page, site, phone, screenshot):
    page.goto(f"{site.origin}/popup")
    screenshot(page, "example-popup")
    popup = open_popup(page, site, "#popup-confidential")
    assert popup.url.startswith(f"{site.scanlogin}/u/acme/login?")
    screenshot(popup, "example-popup-window")
    phone.confirm(phone.scan())
    popup.wait_for_event("close", timeout=10000)  # the web_message page answered and closed itself
    claims_shown(page, site)
    assert "via popup" in page.inner_text("#who")
    screenshot(page, "example-logged-in-popup")


def test_popup_mode_public_client_redeems_in_the_browser(page, site, phone):
    popup = open_popup(page, site, "#popup-public")
    token_calls = []
    page.on("request", lambda r: token_calls.append(r) if r.url.endswith("/oidc/token") else None)
    phone.confirm(phone.scan())
    popup.wait_for_event("close", timeout=10000)
    claims_shown(page, site, client="public")
    assert "popup (public client)" in page.inner_text("#who")
    posted = [r for r in token_calls if r.method == "POST"]
    assert posted and "code_verifier=" in posted[0].post_data and "client_secret" not in posted[0].post_data


def test_a_popup_the_user_closes_rejects_with_popup_closed(page, site, wechat_sim, screenshot):
    # wechat_sim: the popup shows its code (pending) before the user closes it
    popup = open_popup(page, site, "#popup-confidential")
    popup.close()
    page.wait_for_selector('#status[data-error="popup_closed"]', timeout=5000)
    assert "popup_closed" in page.inner_text("#status")
    assert page.locator("#claims").is_hidden()
    screenshot(page, "example-popup-closed")


def test_embedded_code_logs_in_without_cookies_of_scanlogin(page, browser_context, site, phone, screenshot):
    page.goto(f"{site.origin}/embedded")
    page.wait_for_selector('.scanlogin-widget[data-state="pending"]')
    img = page.locator("img.scanlogin-qr")
    assert img.get_attribute("src").startswith("blob:")
    assert img.evaluate("i => i.naturalWidth") > 0
    screenshot(page, "example-embedded")
    token = phone.scan()
    page.wait_for_selector('.scanlogin-widget[data-state="scanned"]', timeout=5000)
    scanner = page.inner_text(".scanlogin-title")  # the masked nickname the ticket API answers
    assert scanner and f"Scanned by {scanner}" in page.inner_text("#status")
    assert page.locator(".scanlogin-overlay").is_visible()
    screenshot(page, "example-embedded-scanned")
    phone.confirm(token)
    claims_shown(page, site)
    assert "via embedded code" in page.inner_text("#who")
    screenshot(page, "example-logged-in-embedded")
    # The ticket was bound by the widget's header secret: ScanLogin set no cookie in this browser.
    scanlogin_host = urlsplit(site.scanlogin).hostname
    assert not [c for c in browser_context.cookies() if c["domain"] == scanlogin_host]
    ticket = LoginTicket.objects.get(status=TicketStatus.CONSUMED)  # (the reloaded page shows a fresh code)
    assert ticket.widget_request["redirect_uri"] == f"{site.origin}/callback" and ticket.browser_hash


def test_embedded_code_expires_and_refreshes_itself(page, site, phone, settings, screenshot):
    settings.QR_TICKET_TTL = 3
    page.goto(f"{site.origin}/embedded")
    page.wait_for_selector('.scanlogin-widget[data-state="pending"]')
    first = LoginTicket.objects.get()
    settings.QR_TICKET_TTL = 120  # the first code keeps its 3 s; the refreshed one lives long enough to scan
    page.wait_for_function("() => document.querySelector('#status').dataset.state === 'expired'", timeout=10000)
    page.wait_for_function("() => document.querySelectorAll('img.scanlogin-qr').length === 1"
                           " && document.querySelector('.scanlogin-widget').dataset.state === 'pending'", timeout=10000)
    second = LoginTicket.objects.order_by("-pk").first()
    assert second.pk != first.pk and LoginTicket.objects.count() == 2
    first.refresh_from_db()
    assert first.effective_status() == TicketStatus.EXPIRED
    assert second.effective_status() == TicketStatus.PENDING
    screenshot(page, "example-embedded-refreshed")
    phone.confirm(phone.scan(second.scene))
    claims_shown(page, site)
    assert "via embedded code" in page.inner_text("#who")


def test_embedded_code_speaks_chinese(chromium, site, wechat_sim, screenshot):
    context = chromium.new_context(viewport={"width": 1100, "height": 700}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{site.origin}/embedded")
        page.wait_for_selector('.scanlogin-widget[data-state="pending"]')
        assert page.inner_text(".scanlogin-status") == "请使用微信扫码登录"
        screenshot(page, "example-embedded-zh")
    finally:
        context.close()


@pytest.mark.parametrize("locale, text", [("en-US", "The sign-in did not complete."), ("zh-CN", "登录未完成。")])
def test_the_web_message_page_opened_without_an_opener_says_what_happened(chromium, site, locale, text, screenshot):
    """prompt=none without a session answers login_required as a web message; alone in a tab the page explains."""
    context = chromium.new_context(viewport={"width": 600, "height": 500}, locale=locale)
    try:
        page = context.new_page()
        app = site.apps["confidential"][0]
        page.goto(f"{site.scanlogin}/u/acme/oidc/authorize?response_type=code&response_mode=web_message&prompt=none"
                  f"&client_id={app.client_id}&redirect_uri={site.redirect_uri}&state=s1&scope=openid")
        assert text in page.inner_text("#web-message")
        assert page.get_attribute("#web-message", "data-sent") == "false"  # no opener: nothing posted anywhere
        screenshot(page, f"web-message-alone-{locale[:2]}")
    finally:
        context.close()


@pytest.mark.parametrize("locale, label", [("en-US", "Web origins"), ("zh-CN", "Web 来源")])
def test_the_console_shows_web_origins_and_the_sdk(chromium, live_server, site, admin, locale, label, screenshot):
    from tests.fixtures.core import PASSWORD

    context = chromium.new_context(viewport={"width": 1366, "height": 1000}, locale=locale)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/console/login/")
        page.fill("input[name=username]", admin.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        app = site.apps["confidential"][0]
        page.goto(f"{live_server.url}/console/tenants/application/{app.pk}/change/")
        assert label in page.inner_text("body")
        assert page.input_value("textarea[name=web_origins]") == site.origin
        assert page.inner_text("#sdk-url") == f"{live_server.url}/sdk/scanlogin.js"
        screenshot(page, f"console-application-web-origins-{locale[:2]}")
    finally:
        context.close()
