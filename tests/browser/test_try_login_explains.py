"""The issue's case in Chromium: a private deployment whose AppID WeChat does not know. Try login shows
the cause in words with WeChat's code and a link to the connection's page (whose "Check credentials"
button says the same); an end user sees only a friendly sentence. English and Simplified Chinese,
screenshotted to artifacts/screenshots/."""
import pytest

from connections.services import connection_create, connection_enable_for
from hostedlogin.trylogin import try_grant_issue
from tests.fixtures.core import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APP_ID = "wx0123456789abcdef"
WORDS = {
    "en": {"cause": "WeChat does not know this AppID (40013).", "friendly": "not available on this site right now",
           "fix": "Fix it on the connection page", "checked": "WeChat refused the credentials"},
    "zh-CN": {"cause": "微信不认识此 AppID（40013）。", "friendly": "本网站暂时无法使用微信登录",
              "fix": "前往身份源页面修复", "checked": "微信拒绝了凭据"},
}


@pytest.fixture
def unknown_app(pool, login_app):
    conn = connection_create(pool=pool, identifier="own-mp", display_name="Own mini-program",
                             callback_url="https://shop.example.com/cb", private_deployment=True, app_id=APP_ID,
                             app_secret="Q7w8E9r0T1y2U3i4O5p6A7s8D9f0G1h2")
    connection_enable_for(connection=conn, application=login_app)
    return conn


def context_for(chromium, lang, **kw):
    return chromium.new_context(locale=lang, extra_http_headers={"Accept-Language": lang}, **kw)


def wait_state(page, state, timeout=10000):
    page.wait_for_selector(f'#panel[data-state="{state}"]', timeout=timeout)


def show(page, connection):
    page.click(f'.method[data-connection="{connection}"]')
    page.wait_for_selector(f'.method[data-connection="{connection}"][aria-selected="true"]')


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_try_login_explains_the_refusal_and_links_to_the_fix(live_server, chromium, login_app, operator, unknown_app,
                                                             wechat_sim, screenshot, lang):
    words = WORDS[lang]
    context = context_for(chromium, lang, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/console/login/")
        page.fill("input[name=username]", operator.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        grant = try_grant_issue(staff=operator, application=login_app)  # what the console's "Try login" hands over
        page.set_viewport_size({"width": 520, "height": 900})
        page.goto(f"{live_server.url}/u/acme/login?app_id={login_app.client_id}&try={grant}")
        show(page, "own-mp")
        wait_state(page, "error")
        assert words["cause"] in page.inner_text("#hint") and "40013" in page.inner_text("#try-code")
        assert "wechat_misconfigured" in page.inner_text("#try-code") and "token" in page.inner_text("#try-code")
        fix = page.locator("#try-fix")
        assert fix.is_visible() and words["fix"] in fix.inner_text()
        assert fix.get_attribute("href") == f"/console/connections/connection/{unknown_app.pk}/change/"
        assert page.locator("#qr").get_attribute("src") is None  # no broken image is shown
        screenshot(page, f"hosted-try-explains-{lang}")

        with context.expect_page() as opened:
            fix.click()
        console = opened.value
        console.set_viewport_size({"width": 1280, "height": 900})
        console.wait_for_selector("#check-credentials")
        console.click("#check-credentials")
        console.wait_for_selector(".messagelist")
        assert words["checked"] in console.inner_text(".messagelist") and "40013" in console.inner_text(".messagelist")
        screenshot(console, f"console-check-credentials-{lang}")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_an_end_user_sees_a_friendly_sentence_and_the_codes_still_show(live_server, chromium, login_app, unknown_app,
                                                                       wechat_sim, screenshot, lang):
    words = WORDS[lang]
    context = context_for(chromium, lang, viewport={"width": 520, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/u/acme/login?app_id={login_app.client_id}&try=1")  # `try` without a grant: ignored
        show(page, "own-mp")
        wait_state(page, "error")
        text = page.inner_text("#panel")
        assert words["friendly"] in page.inner_text("#hint")
        assert "40013" not in text and "AppID" not in text and page.locator("#try-explain").count() == 0
        screenshot(page, f"hosted-enduser-code-refused-{lang}")

        show(page, "wechat-pc")  # the platform's mini-program still draws: the code comes as a blob: image
        wait_state(page, "pending")
        assert page.locator("#qr").get_attribute("src").startswith("blob:")
        assert page.locator("#qr").evaluate("img => img.naturalWidth") > 0
    finally:
        context.close()
