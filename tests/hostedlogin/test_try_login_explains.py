"""A code WeChat refuses to draw: in Try login (console staff, the one-time grant) the JSON error carries
`"detail": {"api", "errcode", "hint"}` and where to fix it; a normal login gets the contract's error
only (no errcode, no hint). Real HTTP to the WeChat simulator."""
import pytest
from django.test import Client

from connections.services import connection_create, connection_enable_for
from hostedlogin.trylogin import try_grant_issue
from tests.fixtures.scanflow import Browser
from wechatsim.testing import sim_app, sim_fault

pytestmark = pytest.mark.django_db

APP_ID = "wx0123456789abcdef"
SECRET = "Q7w8E9r0T1y2U3i4O5p6A7s8D9f0G1h2"


@pytest.fixture
def unknown_app(pool, login_app):
    """A private deployment whose AppID WeChat does not know (the issue's case), enabled for the application."""
    conn = connection_create(pool=pool, identifier="own-mp", display_name="Own", callback_url="https://shop.example.com/cb",
                             private_deployment=True, app_id=APP_ID, app_secret=SECRET)
    connection_enable_for(connection=conn, application=login_app)
    return conn


def trying_browser(pool, app, staff) -> Browser:
    """A browser that opened the console's Try-login link (the grant is redeemed by the login page)."""
    client = Client()
    page = client.get(f"/u/{pool.slug}/login", {"app_id": app.client_id, "try": try_grant_issue(staff=staff, application=app)})
    assert page.status_code == 200 and b'"try_mode": true' in page.content
    return Browser(pool, app, client=client)


def draw(browser, connection="own-mp", **headers):
    ticket = browser.new_ticket(connection, **{"try": True})
    return ticket, browser.client.get(browser.url(f"/{ticket.key}/qrcode.png"), **headers)


def test_try_login_says_what_wechat_refused_and_where_to_fix_it(pool, login_app, operator, unknown_app, wechat_sim):
    ticket, answer = draw(trying_browser(pool, login_app, operator))
    assert ticket.try_mode and answer.status_code == 502 and answer["Content-Type"] == "application/json"
    body = answer.json()
    assert body["error"] == "wechat_misconfigured" and body["message"]
    detail = body["detail"]
    assert (detail["api"], detail["errcode"]) == ("token", 40013)
    assert detail["hint"].startswith("WeChat does not know this AppID (40013).") and "connection page" in detail["hint"]
    assert detail["connection_url"] == f"/console/connections/connection/{unknown_app.pk}/change/"
    assert SECRET not in answer.content.decode()


def test_an_end_user_gets_no_wechat_internals(pool, login_app, unknown_app, wechat_sim):
    ticket, answer = draw(Browser(pool, login_app))  # `try` without the grant is ignored
    assert not ticket.try_mode and answer.status_code == 502
    assert set(answer.json()) == {"error", "message"} and answer.json()["error"] == "wechat_misconfigured"
    assert "40013" not in answer.content.decode()


@pytest.mark.parametrize("register, errcode, words", [
    ({"secret": "X" * 32}, 40125, "WeChat refused the AppSecret (40125)."),
    ({"secret": SECRET, "ip_whitelist": ["198.51.100.4"]}, 40164, "IP address 127.0.0.1 (40164)"),
    ({"secret": SECRET, "secret_frozen": True}, 40243, "frozen (40243)"),
])
def test_each_credential_refusal_is_explained(pool, login_app, operator, unknown_app, wechat_sim, register, errcode, words):
    sim_app(wechat_sim, APP_ID, **register)
    detail = draw(trying_browser(pool, login_app, operator))[1].json()["detail"]
    assert detail["errcode"] == errcode and words in detail["hint"]


def test_a_refusal_of_the_drawing_itself_is_explained(pool, login_app, operator, unknown_app, wechat_sim):
    sim_app(wechat_sim, APP_ID, SECRET)
    sim_fault(wechat_sim, "wxacode", errcode=41030, count=3)
    detail = draw(trying_browser(pool, login_app, operator))[1].json()["detail"]
    assert (detail["api"], detail["errcode"]) == ("wxacode", 41030) and "released version" in detail["hint"]


def test_an_unreachable_wechat_has_no_errcode(pool, login_app, operator, unknown_app, settings):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.WECHAT_API_BASE = f"http://127.0.0.1:{port}"
    answer = draw(trying_browser(pool, login_app, operator))[1]
    assert answer.status_code == 502 and answer.json()["error"] == "wechat_unavailable"
    detail = answer.json()["detail"]
    assert detail["errcode"] is None and "could not be reached" in detail["hint"]


def test_the_hint_speaks_the_staff_members_language(pool, login_app, operator, unknown_app, wechat_sim):
    detail = draw(trying_browser(pool, login_app, operator), HTTP_ACCEPT_LANGUAGE="zh-hans")[1].json()["detail"]
    assert detail["errcode"] == 40013 and "微信不认识此 AppID（40013）" in detail["hint"]


def test_the_default_connection_sends_staff_to_the_platform_operator(pool, login_app, operator, wechat_sim, settings):
    settings.WECHAT_DEFAULT_APP_SECRET = "X" * 32
    answer = draw(trying_browser(pool, login_app, operator), connection="wechat-pc")[1]
    assert answer.json()["detail"]["errcode"] == 40125 and "platform operator" in answer.json()["detail"]["hint"]
