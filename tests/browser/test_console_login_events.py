"""The console's login events in a real browser, in English and Chinese: where each login came from."""
import pytest

from accounts.models import LoginOutcome
from accounts.services import login_event_record
from tests.fixtures.core import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang, local", [("en", "Local network"), ("zh-hans", "本地网络")])
def test_login_events_show_the_region_under_the_ip(live_server, chromium, operator, pool, connection, application,
                                                    screenshot, lang, local):
    login_event_record(pool=pool, outcome=LoginOutcome.CREATED, connection=connection, application=application,
                       ip="113.116.0.1")
    login_event_record(pool=pool, outcome=LoginOutcome.REFUSED, connection=connection, application=application,
                       reason="login_only", ip="192.168.1.20")
    context = chromium.new_context(viewport={"width": 1440, "height": 640}, locale=lang)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/console/login/?next=/console/accounts/loginevent/")
        page.fill("input[name=username]", operator.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        cells = page.locator("td.field-ip_origin")
        cells.first.wait_for()
        assert [text.split("\n") for text in cells.all_inner_texts()] == [["192.168.1.20", local], ["113.116.0.1", "中国 广东 深圳"]]
        # The column is seen without scrolling the list sideways (on a 1440-pixel screen; at 1280 the
        # list with the filter beside it is wider than its box and scrolls).
        shown = page.locator("#changelist .results").bounding_box()
        for cell in cells.all():
            box = cell.bounding_box()
            assert box["x"] + box["width"] <= shown["x"] + shown["width"] + 1
        screenshot(page, f"console-login-events-{lang}")
    finally:
        context.close()
