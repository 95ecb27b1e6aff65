"""The hosted login in headless Chromium: the scan panel's states, "Try login" in a popup, expiry + refresh.

The phone is played over HTTP: codes from the WeChat simulator, posts to /api/miniprogram/*.
Every state is screenshotted to artifacts/screenshots/hosted-*.png.
"""
import pytest
import requests

from connections.services import connection_update
from tests.fixtures.core import PASSWORD
from wechatsim.testing import sim_code, sim_get, sim_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class LivePhone:
    def __init__(self, base, sim, appid):
        self.base, self.sim, self.appid = base, sim, appid

    def newest_scene(self):
        return sim_get(self.sim, "/sim/wxacodes")[0]["scene"]

    def post(self, action, payload):
        return requests.post(f"{self.base}/api/miniprogram/{action}", json=payload, timeout=10)

    def scan(self, user):
        return self.post("scan", {"scene": self.newest_scene(), "code": sim_code(self.sim, appid=self.appid, user=user["id"])})

    def confirm(self, token, user):
        return self.post("confirm", {"scan_token": token, "phone_code": sim_code(self.sim, appid=self.appid, user=user["id"], kind="phone")})


@pytest.fixture
def live_phone(live_server, wechat_sim, settings):
    return LivePhone(live_server.url, wechat_sim, settings.WECHAT_DEFAULT_APP_ID)


def wait_state(page, state, timeout=10000):
    page.wait_for_selector(f'#panel[data-state="{state}"]', timeout=timeout)


def test_try_login_popup_lands_on_the_success_page(live_server, page, login_app, operator, live_phone, wechat_sim, screenshot):
    """An operator presses "Try login" on the console's application page; the popup logs in."""
    user = sim_user(wechat_sim, "13800138000", nickname="Lin Wei")
    page.goto(f"{live_server.url}/console/login/")
    page.fill("input[name=username]", operator.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.goto(f"{live_server.url}/console/tenants/application/{login_app.pk}/change/")
    with page.expect_popup() as popup_info:
        page.click("#try-login")
    popup = popup_info.value
    popup.set_viewport_size({"width": 520, "height": 800})
    wait_state(popup, "pending")
    assert popup.locator("#qr").evaluate("img => img.naturalWidth") > 0
    assert "Acme shop" in popup.inner_text("h1")
    screenshot(popup, "hosted-pending")

    scanned = live_phone.scan(user)
    assert scanned.status_code == 200
    wait_state(popup, "scanned", timeout=3000)
    assert "confirm on your phone" in popup.inner_text("#status-text")
    screenshot(popup, "hosted-scanned")

    assert live_phone.confirm(scanned.json()["scan_token"], user).status_code == 200
    popup.wait_for_url("**/u/acme/try/**", timeout=5000)
    text = popup.inner_text("body")
    assert "Login succeeded" in text and "Signed up" in text and "+8613800138000" in text
    assert "not for use" in popup.inner_text("#preview-mark")
    claims = popup.inner_text("#id-token-claims")  # the decoded ID token the application would receive
    assert '"iss"' in claims and login_app.client_id in claims and '"phone_number": "+8613800138000"' in claims
    screenshot(popup, "hosted-try-success")
    page.goto(f"{live_server.url}/u/acme/welcome")  # the opener shares the browser: the pool's session shows
    assert "Welcome" in page.inner_text("h1")
    screenshot(page, "hosted-welcome")


def test_an_expired_code_refreshes_with_one_click(live_server, page, login_app, settings, wechat_sim, screenshot):
    settings.QR_TICKET_TTL = 2
    page.goto(f"{live_server.url}/u/acme/login?app_id={login_app.client_id}")
    wait_state(page, "pending")
    first = page.locator("#qr").get_attribute("src")
    wait_state(page, "expired", timeout=8000)
    assert "expired" in page.inner_text("#panel").lower()
    screenshot(page, "hosted-expired")
    settings.QR_TICKET_TTL = 120
    page.click("#retry")
    wait_state(page, "pending")
    assert page.locator("#qr").get_attribute("src") != first
    assert "Code expires in" in page.inner_text("#countdown")


def test_cancel_and_refusal_are_shown_in_plain_words(live_server, page, login_app, connection, live_phone, wechat_sim, screenshot):
    user = sim_user(wechat_sim, "13800138000")
    page.goto(f"{live_server.url}/u/acme/login?app_id={login_app.client_id}")
    wait_state(page, "pending")
    token = live_phone.scan(user).json()["scan_token"]
    wait_state(page, "scanned")
    live_phone.post("cancel", {"scan_token": token})
    wait_state(page, "cancelled", timeout=3000)
    screenshot(page, "hosted-cancelled")

    connection_update(connection=connection, login_only=True)
    page.click("#retry")
    wait_state(page, "pending")
    token = live_phone.scan(user).json()["scan_token"]
    assert live_phone.confirm(token, user).status_code == 403
    wait_state(page, "rejected", timeout=3000)
    assert "only allows existing accounts" in page.inner_text("#panel")
    screenshot(page, "hosted-rejected")


def test_bind_page_and_error_pages_look_finished(live_server, page, login_app, connection, live_phone, wechat_sim, screenshot):
    from accounts.services import end_user_create
    from tests.fixtures.scanflow import BIND_PASSWORD

    end_user_create(pool=login_app.pool, phone="+8613900139000", phone_verified=True, username="linwei", password=BIND_PASSWORD)
    connection_update(connection=connection, linking_enabled=True, link_ask_bind=True)
    user = sim_user(wechat_sim, "13800138000")
    page.goto(f"{live_server.url}/u/acme/login?app_id={login_app.client_id}")
    wait_state(page, "pending")
    token = live_phone.scan(user).json()["scan_token"]
    live_phone.confirm(token, user)
    page.wait_for_url("**/u/acme/bind/**", timeout=5000)
    screenshot(page, "hosted-bind")
    page.fill("input[name=login]", "linwei")
    page.fill("input[name=password]", BIND_PASSWORD)
    page.route("https://shop.example.com/**", lambda route: route.fulfill(status=200, body="the shop"))
    page.click("button:has-text('Bind existing account')")
    page.wait_for_url("https://shop.example.com/**", timeout=5000, wait_until="commit")

    page.goto(f"{live_server.url}/u/acme/login?app_id=unknown")
    assert "Unknown application" in page.inner_text("h1")
    screenshot(page, "hosted-error")


def test_the_login_page_speaks_simplified_chinese(live_server, chromium, login_app, wechat_sim, screenshot):
    """The project's zh_Hans catalogue (compiled by `make test`) serves a Chinese browser."""
    context = chromium.new_context(viewport={"width": 1366, "height": 800}, locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/u/acme/login?app_id={login_app.client_id}")
        wait_state(page, "pending")
        assert "请使用微信扫码登录" in page.inner_text("#status-text")
        assert "登录 Acme shop" in page.inner_text("h1")
        screenshot(page, "hosted-pending-zh")
    finally:
        context.close()


def test_the_simulators_phone_page_logs_the_pc_page_in(live_server, chromium, login_app, operator, wechat_sim, settings, screenshot):
    """The embedded demo end to end: the PC page in one tab, the simulator's phone page in another."""
    from hostedlogin.trylogin import try_grant_issue
    user = sim_user(wechat_sim, "13800138000", nickname="Li Lei")
    grant = try_grant_issue(staff=operator, application=login_app)  # what the console's "Try login" hands over
    previous, wechat_sim.state.scanlogin_url = wechat_sim.state.scanlogin_url, live_server.url
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        pc = context.new_page()
        pc.goto(f"{live_server.url}/u/acme/login?app_id={login_app.client_id}&try={grant}")
        wait_state(pc, "pending")
        scene = sim_get(wechat_sim, "/sim/wxacodes")[0]["scene"]
        phone = context.new_page()
        phone.goto(wechat_sim.base_url + "/sim/phone")
        phone.get_by_text(scene).click()
        phone.get_by_text("Log in to Acme shop on PC?").wait_for()
        assert "127.0.0.1" in phone.inner_text("#c-facts")
        screenshot(phone, "hosted-demo-phone-confirm")
        wait_state(pc, "scanned", timeout=3000)
        phone.get_by_role("button", name="Allow · 确认登录").click()
        pc.wait_for_url("**/u/acme/try/**", timeout=5000)
        assert "Login succeeded" in pc.inner_text("h1")
        assert user["openids"][settings.WECHAT_DEFAULT_APP_ID] in pc.inner_text("body")
    finally:
        wechat_sim.state.scanlogin_url = previous
        context.close()


def test_refused_next_and_the_try_preview_in_english_and_chinese(live_server, chromium, login_app, operator, live_phone, wechat_sim, screenshot):
    """The pages the security fixes added: a sign-in link whose next names another application, and
    the Try-login success page with its "preview, not for use" mark."""
    from hostedlogin.trylogin import try_grant_issue
    user = sim_user(wechat_sim, "13800138000", nickname="Lin Wei")
    foreign = "/u/acme/oidc/authorize?client_id=someone-else"
    for lang, title, mark in [("en", "This sign-in link is not valid", "not for use"), ("zh-CN", "此登录链接无效", "仅供预览")]:
        context = chromium.new_context(viewport={"width": 520, "height": 900}, locale=lang,
                                       extra_http_headers={"Accept-Language": lang})
        try:
            page = context.new_page()
            response = page.goto(f"{live_server.url}/u/acme/login?app_id={login_app.client_id}&next={foreign}")
            assert response.status == 400 and title in page.inner_text("h1")
            screenshot(page, f"hosted-invalid-next-{lang}")
            grant = try_grant_issue(staff=operator, application=login_app)
            page.goto(f"{live_server.url}/u/acme/login?app_id={login_app.client_id}&try={grant}")
            wait_state(page, "pending")
            token = live_phone.scan(user).json()["scan_token"]
            assert live_phone.confirm(token, user).status_code == 200
            page.wait_for_url("**/u/acme/try/**", timeout=5000)
            assert mark in page.inner_text("#preview-mark")
            screenshot(page, f"hosted-try-preview-{lang}")
        finally:
            context.close()
