"""The console in headless Chromium, as a pool admin and an operator use it.

Screenshots of every console page land in artifacts/screenshots/console-*.png.
"""
import re

import pytest
from playwright.sync_api import expect

from connections.models import Connection, ConnectionApplication
from tests.fixtures.console import image_bytes, png_declaring
from tests.fixtures.core import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HAN = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORDS = re.compile(r"\b(the|and|your|only|must|when)\b", re.IGNORECASE)


def log_in(page, base, user):
    page.goto(f"{base}/console/login/?next=/console/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/console/")


def start_connection_form(page, base, identifier, display_name):
    page.goto(f"{base}/console/connections/connection/add/?mode=wechat_miniprogram_pc")
    page.fill("#id_identifier", identifier)
    page.fill("#id_display_name", display_name)
    page.fill("#id_callback_url", "https://a.example.com/cb")


def test_admin_walks_the_wizard_creates_a_connection_and_enables_it(live_server, page, admin, application, screenshot, tmp_path):
    base = live_server.url
    log_in(page, base, admin)
    screenshot(page, "console-01-index")

    page.click("text=Identity sources >> nth=0")
    screenshot(page, "console-02-connection-list-empty")
    page.click("text=Create identity source")
    expect(page).to_have_url(re.compile(r"/connection/create/$"))
    screenshot(page, "console-03-wizard-sources")
    page.click("#source-wechat")
    expect(page.locator(".sl-card.is-disabled")).to_have_count(4)
    screenshot(page, "console-04-wizard-wechat-modes")
    page.click("#mode-wechat_miniprogram_pc")
    expect(page).to_have_url(re.compile(r"/connection/add/\?mode=wechat_miniprogram_pc$"))

    # Progressive enhancement: credentials and linking options appear only when switched on.
    expect(page.locator(".field-app_id")).to_be_hidden()
    expect(page.locator(".field-link_match_fields")).to_be_hidden()
    screenshot(page, "console-05-connection-form")
    page.check("#id_private_deployment")
    page.check("#id_linking_enabled")
    expect(page.locator(".field-app_id")).to_be_visible()
    expect(page.locator(".field-link_match_fields")).to_be_visible()
    page.uncheck("#id_private_deployment")

    logo = tmp_path / "logo.jpg"
    logo.write_bytes(image_bytes("JPEG", (300, 300)))
    page.fill("#id_identifier", "wechat-scan")
    page.fill("#id_display_name", "WeChat scan")
    page.fill("#id_callback_url", "https://shop.example.com/after-login")
    page.set_input_files("#id_logo", str(logo))
    page.check("input[name=link_match_fields][value=phone]")
    page.check("#id_link_ask_bind")
    screenshot(page, "console-06-connection-form-filled")
    page.click("input[name=_save]")

    expect(page.locator("#result_list")).to_contain_text("wechat-scan")
    expect(page.locator("#result_list img.sl-logo")).to_have_count(1)
    assert page.evaluate("document.querySelector('#result_list img.sl-logo').naturalWidth") > 0
    screenshot(page, "console-07-connection-list")
    conn = Connection.objects.get(identifier="wechat-scan")
    assert conn.pool == admin.memberships.get().pool and conn.linking_enabled and conn.link_match_fields == ["phone"]

    page.click("#result_list >> text=WeChat scan")
    expect(page.locator("#id_identifier")).to_be_disabled()
    page.click(f"#applications button[aria-label='{application.name}']")
    expect(page.locator(f"#applications button[aria-label='{application.name}']")).to_have_attribute("aria-checked", "true")
    assert ConnectionApplication.objects.filter(connection=conn, application=application).exists()
    screenshot(page, "console-08-connection-page-switches")


def test_private_deployment_errors_show_on_the_fields(live_server, page, admin, screenshot):
    log_in(page, live_server.url, admin)
    start_connection_form(page, live_server.url, "Bad_Id", "Own")
    page.check("#id_private_deployment")
    page.fill("#id_app_id", "wx123")
    page.click("input[name=_save]")
    expect(page.locator(".field-identifier .errorlist")).to_be_visible()
    expect(page.locator(".field-app_id .errorlist")).to_be_visible()
    expect(page.locator(".field-app_secret .errorlist")).to_contain_text("AppSecret is required")
    screenshot(page, "console-09-connection-form-errors")


def test_bomb_logo_is_a_form_error_in_the_browser(live_server, page, admin, tmp_path):
    log_in(page, live_server.url, admin)
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_declaring(60000, 60000))
    start_connection_form(page, live_server.url, "bomb", "Bomb")
    page.set_input_files("#id_logo", str(bomb))
    page.click("input[name=_save]")
    expect(page.locator(".field-logo .errorlist")).to_contain_text("too many pixels")
    assert not Connection.objects.filter(identifier="bomb").exists()


def test_operator_uses_the_application_page_and_try_login(live_server, page, operator, application, connection, screenshot):
    base = live_server.url
    log_in(page, base, operator)
    screenshot(page, "console-10-operator-index")
    page.goto(f"{base}/console/tenants/application/")
    screenshot(page, "console-11-application-list")
    page.click(f"#result_list >> text={application.name}")
    switch = page.locator(f"#connections button[aria-label='{connection.display_name}']")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(page.locator(f"#connections button[aria-label='{connection.display_name}']")).to_have_attribute("aria-checked", "true")
    assert ConnectionApplication.objects.filter(connection=connection, application=application).exists()
    assert page.inner_text("#oidc-discovery").endswith(f"/u/{application.pool.slug}/oidc/.well-known/openid-configuration")
    screenshot(page, "console-12-application-page")
    with page.expect_popup() as popup_info:
        page.click("#try-login")
    popup = popup_info.value
    popup.wait_for_load_state()
    assert f"/u/{application.pool.slug}/login?app_id={application.client_id}&try=" in popup.url  # the console's one-time grant
    assert "Try login" in popup.inner_text(".notice")
    popup.close()
    page.goto(f"{base}/console/connections/connection/{connection.pk}/change/")
    expect(page.locator("input[name=_save]")).to_have_count(0)
    screenshot(page, "console-13-operator-connection-page")


def test_application_created_shows_secret_once(live_server, page, admin, screenshot):
    log_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/console/tenants/application/add/")
    page.fill("#id_name", "Portal")
    page.fill("#id_redirect_uris", "https://portal.example.com/callback")
    screenshot(page, "console-14-application-form")
    page.click("input[name=_save]")
    expect(page.locator("#sl-secret-value")).to_be_visible()
    screenshot(page, "console-15-application-secret-once")
    secret = page.locator("#sl-secret-value").inner_text().strip()
    page.click("text=I have copied it")
    assert secret not in page.content()


def test_console_in_chinese(live_server, chromium, admin, screenshot):
    context = chromium.new_context(viewport={"width": 1366, "height": 800}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, admin)
        page.goto(f"{live_server.url}/console/connections/connection/create/wechat/")
        expect(page.locator("body")).to_contain_text("PC 端小程序扫码")
        assert "微信登录方式" in page.title() and "WeChat login modes" not in page.content()
        screenshot(page, "console-16-wizard-zh")
        page.goto(f"{live_server.url}/console/connections/connection/add/?mode=wechat_miniprogram_pc")
        expect(page.locator("body")).to_contain_text("唯一标识")
        helps = page.locator("div.help").all_inner_texts()
        assert len(helps) >= 8 and all(HAN.search(h) for h in helps)
        assert not [h for h in helps if ENGLISH_WORDS.search(h)]  # in Chinese only, not "English. 中文"
        assert "基本信息" in page.content() and "Basics" not in page.content()
        screenshot(page, "console-17-form-zh")
    finally:
        context.close()


def test_console_in_english_has_no_chinese_help(live_server, page, admin, screenshot):
    log_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/console/connections/connection/add/?mode=wechat_miniprogram_pc")
    helps = page.locator("div.help").all_inner_texts()
    assert len(helps) >= 8 and not [h for h in helps if HAN.search(h)]
    assert not HAN.search(page.locator("fieldset").first.inner_text())
    page.goto(f"{live_server.url}/console/connections/connection/create/")
    assert not HAN.search(page.locator("#content").inner_text())
    screenshot(page, "console-18-form-en-help")


def test_admin_manages_tokens_members_and_switches_pools(live_server, page, admin, other_pool, other_application, screenshot):
    from tenants.models import ManagementToken, Membership, Role
    from tenants.services import membership_set
    from tests.fixtures.core import make_staff

    make_staff("nina")
    membership_set(user=admin, pool=other_pool, role=Role.OPERATOR)
    base = live_server.url
    log_in(page, base, admin)

    page.goto(f"{base}/console/tenants/managementtoken/add/")
    page.fill("#id_name", "Deploy bot")
    page.select_option("#id_role", "admin")
    page.click("input[name=_save]")
    token = page.locator("#sl-secret-value").inner_text().strip()
    assert token.startswith("slm_")
    screenshot(page, "console-18-token-created")
    page.goto(f"{base}/console/tenants/managementtoken/")
    expect(page.locator("#result_list")).to_contain_text("Deploy bot")
    assert token not in page.content()
    screenshot(page, "console-19-token-list")

    page.goto(f"{base}/console/tenants/membership/add/")
    page.fill("#id_username", "nina")
    page.select_option("#id_role", "operator")
    page.click("input[name=_save]")
    expect(page.locator("#result_list")).to_contain_text("nina")
    screenshot(page, "console-20-memberships")
    assert Membership.objects.get(user__username="nina").pool == admin.memberships.get(role=Role.ADMIN).pool

    # The header switcher changes the pool; the role badge follows the membership.
    page.goto(f"{base}/console/tenants/application/")
    page.select_option("#sl-pool-select", "globex")
    page.wait_for_load_state()
    expect(page.locator("#result_list")).to_contain_text(other_application.name)
    expect(page.locator(".sl-role")).to_have_text("Operator")
    screenshot(page, "console-21-switched-pool")
    assert page.locator("text=Management tokens").count() == 0
    assert ManagementToken.objects.filter(pool=other_pool).count() == 0
