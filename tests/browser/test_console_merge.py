"""The console in a real browser, in English and Chinese: accounts sharing a phone, merging two,
and the connection page's notes on phones that already have an account."""
import pytest

from accounts.models import EndUser
from accounts.services import end_user_create, identity_link
from tests.fixtures.core import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"filter": "Accounts sharing a phone", "merge": "Merge two accounts", "done": "was merged into",
           "note": "One account per verified phone"},
    "zh-hans": {"filter": "共用手机号的账号", "merge": "合并两个账号", "done": "已合并到", "note": "一个已验证手机号只对应一个账号"},
}


def _login(chromium, live_server, staff, lang, next_url):
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale=lang)
    page = context.new_page()
    page.goto(f"{live_server.url}/console/login/?next={next_url}")
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    return context, page


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_admin_finds_accounts_sharing_a_phone_and_merges_them(live_server, chromium, admin, pool, connection, screenshot, lang):
    keep = end_user_create(pool=pool, phone="+8613912345678", phone_verified=True, nickname="Keep")
    dup = end_user_create(pool=pool, phone="+8613912345678", phone_verified=False, nickname="Dup")
    identity_link(user=dup, connection=connection, app_id="wx00000000000000d0", openid="o-dup")
    end_user_create(pool=pool, phone="+8613000000000", phone_verified=True, nickname="Alone")
    context, page = _login(chromium, live_server, admin, lang, "/console/accounts/enduser/")
    try:
        page.get_by_role("link", name=TEXT[lang]["filter"]).click()
        rows = page.locator("#result_list tbody tr")
        rows.first.wait_for()
        assert rows.count() == 2 and "Alone" not in page.locator("#result_list").inner_text()
        screenshot(page, f"console-accounts-sharing-a-phone-{lang}")
        page.check("#action-toggle")
        page.select_option("select[name=action]", "merge_accounts")
        page.click("button[name=index]")
        page.locator("#merge-accounts").wait_for()
        assert TEXT[lang]["merge"] in page.content()
        screenshot(page, f"console-merge-accounts-{lang}")
        page.check(f"#survivor-{keep.pk}")
        page.click("#merge-accounts input[type=submit]")
        page.locator(".messagelist").wait_for()
        assert TEXT[lang]["done"] in page.locator(".messagelist").inner_text()
        assert EndUser.objects.get(pk=dup.pk).merged_into_id == keep.pk
        page.goto(f"{live_server.url}/console/accounts/enduser/{dup.pk}/change/")
        screenshot(page, f"console-merged-account-{lang}")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_connection_page_explains_phones_that_have_an_account(live_server, chromium, admin, pool, connection, screenshot, lang):
    user = end_user_create(pool=pool, phone="+8613912345678", phone_verified=True)
    identity_link(user=user, connection=connection, app_id="wx00000000000000d0", openid="o-1")
    context, page = _login(chromium, live_server, admin, lang, f"/console/connections/connection/{connection.pk}/change/")
    try:
        section = page.locator("fieldset.sl-section-link")
        section.wait_for()
        assert TEXT[lang]["note"] in section.inner_text()
        assert "AppID" in page.locator("fieldset.sl-section-mp").inner_text()
        screenshot(page, f"console-connection-linking-note-{lang}")
    finally:
        context.close()
