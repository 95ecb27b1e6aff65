"""Rate limits on every unauthenticated surface: 429 {"error": "rate_limited", "message"} with Retry-After.

Each limit is a setting (RATE_LIMITS[name]); the tests lower one at a time. Counters are in Redis
(the suite's REDIS_URL); the Redis-down fallback is tested in test_outage_redis.py.
"""
import json
import subprocess
import sys
from urllib.parse import urlencode

import pytest
from django.test import Client

from accounts.models import LoginEvent
from connections.services import connection_update
from hostedlogin.models import LoginTicket
from tests.fixtures.oidc import basic_auth
from tests.fixtures.scanflow import Browser
from wechatsim.testing import sim_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    """limits(name="2/minute", ...) lowers those limits for this test."""
    def lower(**rates):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}
    return lower


def assert_limited(response):
    assert response.status_code == 429, response.content[:300]
    assert response.json()["error"] == "rate_limited" and response.json()["message"]
    assert 1 <= int(response["Retry-After"]) <= 3600


def forwarded(ip: str) -> dict:
    return {"HTTP_X_FORWARDED_FOR": ip}


def create(browser, **extra):
    body = json.dumps({"app_id": browser.app.client_id, "connection": "wechat-pc"})
    return browser.client.post(browser.url(), body, content_type="application/json", **extra)


def test_one_browser_is_limited_before_its_address(browser, pool, login_app, limits):
    limits(tickets_per_browser="3/minute")
    assert [create(browser).status_code for _ in range(3)] == [201] * 3
    assert_limited(create(browser))
    assert LoginTicket.objects.count() == 3  # nothing half-written for the refused one
    assert create(Browser(pool, login_app)).status_code == 201  # another browser, same address


def test_one_address_is_limited_whatever_its_browsers(pool, login_app, limits):
    limits(tickets_per_ip="4/minute")
    assert [create(Browser(pool, login_app)).status_code for _ in range(4)] == [201] * 4
    assert_limited(create(Browser(pool, login_app)))


def test_addresses_behind_a_trusted_proxy_count_apart(pool, login_app, limits, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    limits(tickets_per_ip="2/minute")
    for _ in range(2):
        assert create(Browser(pool, login_app), **forwarded("198.51.100.1")).status_code == 201
    assert_limited(create(Browser(pool, login_app), **forwarded("198.51.100.1")))
    assert create(Browser(pool, login_app), **forwarded("198.51.100.2")).status_code == 201


def test_a_pool_is_limited_as_a_whole_and_others_are_not(pool, login_app, other_pool, other_application,
                                                         other_connection, limits, settings):
    from connections.services import connection_enable_for

    connection_enable_for(connection=other_connection, application=other_application)
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    limits(tickets_per_pool="3/minute")
    for n in range(3):
        assert create(Browser(pool, login_app), **forwarded(f"198.51.100.{n}")).status_code == 201
    assert_limited(create(Browser(pool, login_app), **forwarded("198.51.100.77")))
    assert create(Browser(other_pool, other_application), **forwarded("198.51.100.78")).status_code == 201


def test_a_refused_address_does_not_use_up_the_pools_limit(pool, login_app, limits, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    limits(tickets_per_ip="1/minute", tickets_per_pool="3/minute")
    assert create(Browser(pool, login_app), **forwarded("203.0.113.66")).status_code == 201
    for _ in range(20):  # one script from one address keeps trying
        assert_limited(create(Browser(pool, login_app), **forwarded("203.0.113.66")))
    assert create(Browser(pool, login_app), **forwarded("198.51.100.5")).status_code == 201


def test_an_office_behind_one_address_logs_in_at_nine_under_the_defaults(pool, login_app):
    """Hundreds of people behind one NAT each open the login page at once: nobody is refused."""
    answers = [create(Browser(pool, login_app)).status_code for _ in range(300)]
    assert answers == [201] * 300


def test_a_script_in_one_browser_is_stopped_under_the_defaults(browser, settings):
    per_minute = int(settings.RATE_LIMITS["tickets_per_browser"].split("/")[0])
    answers = [create(browser).status_code for _ in range(per_minute + 5)]
    assert answers[:per_minute] == [201] * per_minute and set(answers[per_minute:]) == {429}


def test_the_code_image_is_limited_per_browser_and_drawn_once(browser, wechat_sim, limits):
    limits(qrcode_per_browser="2/minute")
    ticket = browser.new_ticket()
    url = browser.url(f"/{ticket.key}/qrcode.png")
    assert [browser.client.get(url).status_code for _ in range(2)] == [200, 200]
    assert_limited(browser.client.get(url))
    assert len(sim_get(wechat_sim, "/sim/wxacodes")) == 1


def test_the_code_image_is_limited_per_address(pool, login_app, wechat_sim, limits):
    limits(qrcode_per_ip="2/minute")
    browsers = [Browser(pool, login_app) for _ in range(3)]
    tickets = [b.new_ticket() for b in browsers]
    answers = [b.client.get(b.url(f"/{t.key}/qrcode.png")) for b, t in zip(browsers, tickets)]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert_limited(answers[2])


def test_the_phone_api_is_limited_per_address(phone, limits):
    limits(miniprogram_per_ip="3/minute")
    answers = [phone.post("scan", {"scene": "0" * 32, "code": "x"}) for _ in range(3)]
    assert {a.status_code for a in answers} == {404}
    assert_limited(phone.post("confirm", {"scan_token": "t", "phone_code": "c"}))
    assert_limited(phone.post("cancel", {"scan_token": "t"}))


def test_one_scan_token_is_limited(browser, phone, wx_user, limits):
    limits(miniprogram_per_scan_token="2/minute")
    ticket = browser.new_ticket()
    token = phone.scan(ticket, wx_user).json()["scan_token"]
    for _ in range(2):
        wrong = phone.post("confirm", {"scan_token": token, "phone_code": "not-a-code"})
        assert wrong.json()["error"] == "wechat_code_invalid"
    assert_limited(phone.confirm(token, wx_user))
    assert LoginTicket.objects.get(pk=ticket.pk).status == "scanned"


@pytest.fixture
def bind_ticket(browser, phone, wx_user, existing_user, connection):
    connection_update(connection=connection, linking_enabled=True, link_ask_bind=True)
    other = {"phone": "13900139000"}
    from wechatsim.testing import sim_user

    stranger = sim_user(phone.sim, other["phone"])
    ticket = browser.new_ticket()
    assert phone.scan_and_confirm(ticket, stranger).status_code == 200
    assert browser.exchange(ticket.key).json()["status"] == "bind_required"
    return ticket


@pytest.mark.parametrize("language, text", [("en", "Too many attempts"), ("zh-hans", "尝试次数过多")])
def test_the_bind_page_is_limited_per_ticket_with_a_friendly_page(browser, bind_ticket, limits, language, text):
    limits(bind_per_ticket="2/minute")
    url = f"/u/acme/bind/{bind_ticket.key}"
    for _ in range(2):
        assert browser.client.post(url, {"action": "bind", "login": "x", "password": "y"}).status_code == 400
    page = browser.client.post(url, {"action": "bind", "login": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 429 and int(page["Retry-After"]) >= 1
    assert page["Content-Type"].startswith("text/html") and text in page.content.decode()
    assert browser.client.get(url).status_code == 200  # looking at the page is not limited


def test_the_bind_page_is_limited_per_address(browser, bind_ticket, limits):
    limits(bind_per_ip="1/minute")
    url = f"/u/acme/bind/{bind_ticket.key}"
    assert browser.client.post(url, {"action": "bind", "login": "x", "password": "y"}).status_code == 400
    assert browser.client.post(url, {"action": "bind", "login": "x", "password": "y"}).status_code == 429


def test_the_token_endpoint_is_limited_per_client(pool, application, other_application, limits):
    limits(oidc_token_per_client="2/minute")
    application.web_origins = ["https://shop.example.com"]
    application.save(update_fields=["web_origins"])
    client = Client(HTTP_ORIGIN="https://shop.example.com")

    def token(client_id, *, basic=True):
        data = {"grant_type": "authorization_code", "code": "nope", "redirect_uri": "https://shop.example.com/callback"}
        headers = {"HTTP_AUTHORIZATION": basic_auth(client_id, "wrong")} if basic else {}
        if not basic:
            data.update(client_id=client_id, client_secret="wrong")
        return client.post(f"/u/{pool.slug}/oidc/token", urlencode(data), content_type="application/x-www-form-urlencoded", **headers)

    assert token(application.client_id).status_code == 401
    assert token(application.client_id, basic=False).status_code == 401  # the same client, counted either way
    refused = token(application.client_id)
    assert_limited(refused)
    # A browser app on one of the pool's web origins can read why (CORS: hostedlogin/cors.py).
    assert refused["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert "Retry-After" in refused["Access-Control-Expose-Headers"]
    assert token("someone-else").status_code == 401
    preflight = client.options(f"/u/{pool.slug}/oidc/token", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert preflight.status_code == 200  # preflights are not counted


def test_each_limit_is_read_from_its_own_environment_variable(tmp_path):
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='scanlogin.settings'; django.setup(); "
            "from django.conf import settings as s; print(s.RATE_LIMITS['tickets_per_ip'], s.RATE_LIMITS['bind_per_ticket'] == '', "
            "s.RATE_LIMITS_ENABLED, s.WECHAT_QUOTA['wxacode'])")
    env = {"PATH": "/usr/bin:/bin", "RATE_LIMIT_TICKETS_PER_IP": "5000/minute", "RATE_LIMIT_BIND_PER_TICKET": "",
           "RATE_LIMITS_ENABLED": "false", "WECHAT_QUOTA_WXACODE": "10/second"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["5000/minute", "True", "False", "10/second"]
    bad = subprocess.run([sys.executable, "-c", code], env={**env, "RATE_LIMIT_TICKETS_PER_IP": "lots"}, capture_output=True, text=True)
    assert bad.returncode != 0 and "RATE_LIMIT_TICKETS_PER_IP" in bad.stderr


def test_limits_can_be_switched_off_for_benchmarks(browser, limits, settings):
    limits(tickets_per_browser="1/minute")
    settings.RATE_LIMITS_ENABLED = False
    assert {create(browser).status_code for _ in range(5)} == {201}


def test_a_refused_request_writes_no_login_event(browser, limits):
    limits(tickets_per_browser="1/minute")
    create(browser)
    assert_limited(create(browser))
    assert not LoginEvent.objects.exists()
