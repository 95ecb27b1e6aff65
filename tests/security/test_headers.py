"""Security headers: a Content-Security-Policy without inline script on the hosted pages, the OIDC
pages and the console (Django's admin keeps working in Chromium), frame-ancestors, HSTS and Secure
cookies when DEBUG is off."""
import re
import secrets
from pathlib import Path

import pytest
import requests

from tests.fixtures.core import PASSWORD
from tests.fixtures.outage import database_url_for, server_env

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_strict(response):
    csp = policy(response)
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in csp[directive] and "'unsafe-eval'" not in csp[directive]
        assert not any(src in ("*", "https:", "http:") for src in csp[directive])
    return csp


@pytest.mark.django_db
def test_the_hosted_oidc_and_console_pages_carry_a_strict_policy(client, admin_console, login_app, pool):
    pages = [
        client.get(f"/u/{pool.slug}/login?app_id={login_app.client_id}"),
        client.get(f"/u/{pool.slug}/login?app_id=unknown"),
        client.get(f"/u/{pool.slug}/welcome"),
        client.get(f"/u/{pool.slug}/oidc/authorize?client_id=nope"),
        client.get("/console/login/"),
        admin_console.get("/console/"),
        admin_console.get("/console/connections/connection/"),
        admin_console.get("/api/v1/docs/"),
    ]
    for response in pages:
        assert response.status_code in (200, 400, 404), response.status_code
        assert_strict(response)
    assert "form-action" in policy(pages[4]) and policy(pages[4])["form-action"] == ["'self'"]


@pytest.mark.django_db
def test_json_answers_carry_the_policy_too(client, login_app, pool):
    response = client.post(f"/u/{pool.slug}/api/qr-tickets", "{}", content_type="application/json")
    assert response.status_code == 400 and assert_strict(response)


def test_no_template_has_inline_script_or_event_handlers():
    """Everything the policy would have to allow wholesale stays out of the templates."""
    offenders = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            text = path.read_text()
            for match in re.finditer(r"<script\b[^>]*>", text):
                if "src=" not in match.group(0):
                    offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
            for match in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0).strip()}")
            for match in re.finditer(r"<style\b|\sstyle\s*=\s*[\"']", text):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0).strip()}")
    assert offenders == []


@pytest.mark.django_db
def test_a_nonce_is_available_to_a_template_that_needs_one(rf, settings):
    """The policy is django-csp's middleware driven by settings: a page may use request.csp_nonce."""
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    request = rf.get("/")
    middleware = CSPMiddleware(lambda r: HttpResponse(f"<script nonce='{r.csp_nonce}'></script>"))
    response = middleware(request)
    assert f"'nonce-{request._csp_nonce}'" in policy(response)["script-src"]


# -- the console in Chromium under the policy --------------------------------------------------------

@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_console_works_under_the_policy(live_server, page, admin, login_app, wechat_sim, screenshot):
    base = live_server.url
    csp_violations = []
    page.on("console", lambda msg: csp_violations.append(page.url + " " + msg.text) if "Content Security Policy" in msg.text else None)
    page.context.on("page", lambda popup: popup.on(
        "console", lambda msg: csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None))
    page.goto(f"{base}/console/login/?next=/console/")
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/console/")
    for path in ("/console/connections/connection/", "/console/connections/connection/create/",
                 "/console/connections/connection/add/?mode=wechat_miniprogram_pc",
                 f"/console/tenants/application/{login_app.pk}/change/", "/console/accounts/loginevent/",
                 "/console/tenants/managementtoken/", "/api/v1/docs/"):
        page.goto(base + path)
        page.wait_for_load_state("networkidle", timeout=60000)  # a loaded machine serves slowly
    page.wait_for_selector(".swagger-ui .info", timeout=15000)  # Swagger UI ran (script from our origin)
    screenshot(page, "security-api-docs-under-csp")

    # Django admin's own script still runs: "select all" on a change list ticks every row.
    page.goto(f"{base}/console/tenants/application/")
    page.check("#action-toggle")
    assert page.locator("input.action-select:checked").count() == page.locator("input.action-select").count() >= 1
    # The console's script still runs: the connection form shows the credentials when switched on.
    page.goto(f"{base}/console/connections/connection/add/?mode=wechat_miniprogram_pc")
    page.check("#id_private_deployment")
    page.wait_for_selector(".field-app_id", state="visible")
    # The Try login popup opens and draws its code.
    page.goto(f"{base}/console/tenants/application/{login_app.pk}/change/")
    with page.expect_popup() as popup_info:
        page.click("#try-login")
    popup = popup_info.value
    popup.wait_for_selector('#panel[data-state="pending"]', timeout=15000)
    assert csp_violations == []


# -- HSTS and Secure cookies with DEBUG off -------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_with_debug_off_https_answers_carry_hsts_and_every_cookie_is_secure(scanlogin_server, login_app, wechat_sim,
                                                                           settings):
    server = scanlogin_server(**server_env(database_url=database_url_for(), redis_url=settings.REDIS_URL,
                                           wechat_api_base=wechat_sim.base_url, TRUSTED_PROXIES="127.0.0.1/32"))
    https = {"X-Forwarded-Proto": "https", "Accept": "text/html"}
    page = requests.get(f"{server.url}/u/acme/login?app_id={login_app.client_id}", headers=https, timeout=10)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    console = requests.get(f"{server.url}/console/login/", headers=https, timeout=10)
    cookies = [*page.raw.headers.getlist("Set-Cookie"), *console.raw.headers.getlist("Set-Cookie")]
    names = {c.split("=", 1)[0] for c in cookies}
    assert {"sl_browser", "csrftoken"} <= names
    for cookie in cookies:
        assert "; Secure" in cookie, cookie
    assert all("HttpOnly" in c for c in cookies if c.startswith("sl_browser"))

    # A request that did not come through the trusted proxy as HTTPS gets no HSTS (it is plain http).
    plain = requests.get(f"{server.url}/console/login/", timeout=10)
    assert "Strict-Transport-Security" not in plain.headers
    assert "Content-Security-Policy" in plain.headers


def test_debug_off_settings_make_cookies_secure_and_hsts_on(tmp_path):
    import subprocess
    import sys

    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='scanlogin.settings'; django.setup(); "
            "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.LANGUAGE_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_HTTPONLY)")
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(48),
           "FIELD_ENCRYPTION_KEY": secrets.token_urlsafe(32),
           "WECHAT_SIMULATOR_ENABLED": "false"}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "True", "True", "31536000", "False", "True"]
    dev = subprocess.run([sys.executable, "-c", code], env={"PATH": "/usr/bin:/bin"}, cwd=ROOT, capture_output=True, text=True)
    assert dev.stdout.split()[:4] == ["False", "False", "False", "0"]
