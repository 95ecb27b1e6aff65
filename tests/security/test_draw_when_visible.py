"""The hosted page draws its first code only when someone looks at it: a page loaded hidden (a
background tab, a prerender) creates no ticket and costs no WeChat call until it is shown."""
import pytest

from hostedlogin.models import LoginTicket
from wechatsim.testing import sim_get

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The page is loaded as a background tab would be: document.visibilityState "hidden" until __show().
HIDDEN_UNTIL_SHOWN = """
(() => {
  let state = "hidden";
  Object.defineProperty(Document.prototype, "visibilityState", { get() { return state; }, configurable: true });
  Object.defineProperty(Document.prototype, "hidden", { get() { return state !== "visible"; }, configurable: true });
  window.__show = () => { state = "visible"; document.dispatchEvent(new Event("visibilitychange")); };
})();
"""


def test_a_hidden_page_draws_nothing_until_it_is_shown(live_server, page, login_app, wechat_sim):
    page.add_init_script(HIDDEN_UNTIL_SHOWN)
    page.goto(f"{live_server.url}/u/acme/login?app_id={login_app.client_id}")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#panel", "data-state") == "loading"
    assert LoginTicket.objects.count() == 0 and sim_get(wechat_sim, "/sim/wxacodes") == []

    page.evaluate("__show()")
    page.wait_for_selector('#panel[data-state="pending"]', timeout=10000)
    assert LoginTicket.objects.count() == 1 and len(sim_get(wechat_sim, "/sim/wxacodes")) == 1
    page.reload()  # the same ticket's code is not drawn again; a new page view is a new ticket once visible
    page.wait_for_load_state("networkidle")
    page.evaluate("__show()")
    page.wait_for_selector('#panel[data-state="pending"]', timeout=10000)
    assert LoginTicket.objects.count() == 2 and len(sim_get(wechat_sim, "/sim/wxacodes")) == 2


def test_a_visible_page_draws_at_once_and_a_refused_drawing_says_why(live_server, page, login_app, wechat_sim, settings,
                                                                    screenshot):
    settings.WECHAT_QUOTA = {**settings.WECHAT_QUOTA, "wxacode": "1/minute"}
    url = f"{live_server.url}/u/acme/login?app_id={login_app.client_id}"
    page.goto(url)
    page.wait_for_selector('#panel[data-state="pending"]', timeout=10000)
    page.reload()  # a new ticket, whose drawing the spent budget refuses
    page.wait_for_selector('#panel[data-state="error"]', timeout=10000)
    assert "Too many logins right now" in page.inner_text("#hint")
    screenshot(page, "security-wechat-quota-exhausted")
