"""The hosted login's HTML pages: what they show, and friendly 404 pages instead of 500s."""
import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import EndUser
from accounts.services import end_user_authenticate
from connections.models import Connection
from connections.services import connection_create, connection_enable_for, connection_update
from tenants.models import Application

pytestmark = pytest.mark.django_db


def test_the_login_page_shows_the_application_and_a_button_per_enabled_connection(client, login_app, pool):
    second = connection_create(pool=pool, identifier="wechat-vip", display_name="WeChat VIP", callback_url="https://x.example/cb")
    connection_enable_for(connection=second, application=login_app)
    connection_create(pool=pool, identifier="not-enabled", display_name="Hidden one", callback_url="https://x.example/cb")
    page = client.get(f"/u/acme/login?app_id={login_app.client_id}")
    html = page.content.decode()
    assert page.status_code == 200 and "Log in to Acme shop" in html
    assert 'data-connection="wechat-pc"' in html and 'data-connection="wechat-vip"' in html
    assert "Hidden one" not in html
    assert page.cookies["sl_browser"]["httponly"]
    assert "//cdn" not in html and "https://" not in html.split("hosted-config")[0]  # self-contained


def test_a_disabled_connection_is_not_offered(client, login_app, connection):
    connection_update(connection=connection, enabled=False)
    html = client.get(f"/u/acme/login?app_id={login_app.client_id}").content.decode()
    assert "No login method is available" in html


@pytest.mark.parametrize("path, text", [
    ("/u/acme/login?app_id=nope", "Unknown application"),
    ("/u/acme/login?app_id=a%00b", "Unknown application"),
    ("/u/acme/login", "Unknown application"),
    ("/u/nowhere/login?app_id=x", "Page not found"),
    ("/u/acme/bind/not-a-ticket", "Login request not found"),
    ("/u/acme/try/not-a-ticket", "Login request not found"),
    ("/u/nowhere/welcome", "Page not found"),
])
def test_unknown_things_get_a_friendly_404_page(client, login_app, path, text):
    page = client.get(path)
    assert page.status_code == 404 and text in page.content.decode()


def test_an_application_of_another_pool_is_unknown_here(client, login_app, other_application):
    page = client.get(f"/u/acme/login?app_id={other_application.client_id}")
    assert page.status_code == 404


def test_seed_demo_has_connections_whose_settings_change_the_outcome(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # idempotent
    demo_app = Application.objects.get(client_id="demo-app")
    assert demo_app.check_client_secret("demo-client-secret")  # the README's OIDC sample uses it
    conns = {c.identifier: c for c in Connection.objects.filter(pool__slug="demo")}
    assert conns["wechat-members"].login_only
    assert conns["wechat-link"].linking_enabled and conns["wechat-link"].link_ask_bind and conns["wechat-link"].link_match_fields == ["phone"]
    assert all(c.links.filter(application__client_id="demo-app").exists() for c in conns.values())
    user = EndUser.objects.get(pool__slug="demo", username="demo-user")
    assert user.phone_verified and end_user_authenticate(pool=user.pool, login="demo-user", password="demo-user-pass") == user
    assert Client().get("/u/demo/login?app_id=demo-app").content.decode().count('class="method"') == 3


def test_the_login_page_masks_its_csrf_token_once_and_the_token_works(login_app):
    import json
    import re

    browser = Client(enforce_csrf_checks=True)
    html = browser.get(f"/u/acme/login?app_id={login_app.client_id}").content.decode()
    config = json.loads(re.search(r'<script id="hosted-config" type="application/json">(.*?)</script>', html, re.S).group(1))
    form_tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert form_tokens == [config["csrf"]]  # the language form and the page's script share one masked token
    switched = browser.post("/i18n/setlang/", {"language": "zh-hans", "csrfmiddlewaretoken": form_tokens[0]})
    assert switched.status_code == 302  # accepted by the CSRF check
    assert browser.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": "x" * 64}).status_code == 403
