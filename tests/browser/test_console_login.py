"""The console's login page works in a real browser (the foundation of every console test)."""
import pytest

from tests.fixtures.core import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_logs_in_to_the_console(live_server, page, admin, screenshot):
    page.goto(f"{live_server.url}/console/")
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state()
    screenshot(page, "console-index")
    assert "/console/login" not in page.url
    assert page.get_by_text("Log out").count() or page.locator("#logout-form").count()
