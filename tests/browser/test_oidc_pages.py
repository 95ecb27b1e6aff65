"""The OIDC provider's own pages in headless Chromium: the refused request, logout confirm and done."""
from urllib.parse import urlencode

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_authorization_request_and_the_logout_pages(live_server, page, oidc_app, screenshot):
    base = f"{live_server.url}/u/{oidc_app.pool.slug}/oidc"
    bad = urlencode({"client_id": oidc_app.client_id, "redirect_uri": "https://evil.example.net/cb", "response_type": "code", "scope": "openid"})
    response = page.goto(f"{base}/authorize?{bad}")
    assert response.status == 400 and page.url.startswith(live_server.url)  # shown here, never sent away
    assert "cannot be completed" in page.inner_text("h1")
    screenshot(page, "oidc-refused-request")

    page.goto(f"{base}/end-session?{urlencode({'client_id': oidc_app.client_id})}")
    assert "Log out?" in page.inner_text("h1") and "Acme shop" in page.inner_text("body")
    screenshot(page, "oidc-logout-confirm")
    page.click("button[type=submit]")
    page.get_by_text("You are logged out").wait_for()
    assert "You are logged out" in page.inner_text("h1")
    screenshot(page, "oidc-logged-out")
