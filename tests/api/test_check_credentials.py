"""POST /api/v1/connections/<identifier>/check-credentials, and the check a save of new credentials runs.

Real HTTP to the WeChat simulator (its registered mini-programs decide 40013 / 40125 / 40164 / 40243)."""
import pytest

from connections.models import Connection
from connections.services import connection_create
from wechatsim.testing import sim_app, sim_token_calls

from .helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/connections"
APP_ID = "wx0123456789abcdef"
SECRET = "0123456789abcdefABCDEF0123456789"
WRONG = "W" * 31 + "x"


def check_url(identifier):
    return f"{URL}/{identifier}/check-credentials"


@pytest.fixture
def own(pool):
    return connection_create(pool=pool, identifier="own-mp", display_name="Own", callback_url="https://shop.example.com/cb",
                             private_deployment=True, app_id=APP_ID, app_secret=SECRET)


def test_accepted_credentials_answer_ok(api_client, own, wechat_sim):
    sim_app(wechat_sim, APP_ID, SECRET)
    response = api_client.post(check_url("own-mp"))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "app_id": APP_ID, "private_deployment": True}


@pytest.mark.parametrize("register, errcode, words", [
    ({}, 40013, "does not know this AppID"),
    ({"secret": WRONG}, 40125, "refused the AppSecret"),
    ({"ip_whitelist": ["198.51.100.4"]}, 40164, "IP address 127.0.0.1"),
    ({"secret_frozen": True}, 40243, "frozen"),
])
def test_each_refusal_has_its_errcode_and_a_reason(api_client, own, wechat_sim, register, errcode, words):
    if register:
        sim_app(wechat_sim, APP_ID, **{"secret": SECRET, **register})
    body = api_client.post(check_url("own-mp"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["ok"] is False and body["errcode"] == errcode and words in body["reason"], body
    assert set(body) == {"ok", "app_id", "private_deployment", "errcode", "reason"} | ({"egress_ip"} if errcode == 40164 else set())
    assert SECRET not in str(body) and WRONG not in str(body)


def test_the_reason_follows_the_requests_language(api_client, own, wechat_sim):
    body = api_client.post(check_url("own-mp"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["errcode"] == 40013 and "微信" in body["reason"]


def test_the_default_connection_checks_the_platforms_mini_program(api_client, connection, wechat_sim, settings):
    body = api_client.post(check_url(connection.identifier)).json()
    assert body == {"ok": True, "app_id": settings.WECHAT_DEFAULT_APP_ID, "private_deployment": False}


def test_operators_may_check_but_another_pools_token_gets_404(operator_client, other_api_client, own, wechat_sim):
    sim_app(wechat_sim, APP_ID, SECRET)
    assert operator_client.post(check_url("own-mp")).json()["ok"] is True
    assert_error(other_api_client.post(check_url("own-mp")), 404, "not_found")
    assert_error(other_api_client.post(check_url("no-such-thing")), 404, "not_found")
    assert sim_token_calls(wechat_sim, APP_ID) == 1  # the outsider's calls never reached WeChat


def test_only_post(api_client, own):
    assert_error(api_client.get(check_url("own-mp")), 405, "method_not_allowed")


def test_a_button_cannot_burn_the_quota(api_client, own, wechat_sim, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "credential_check_per_connection": "2/minute"}
    sim_app(wechat_sim, APP_ID, SECRET)
    assert [api_client.post(check_url("own-mp")).status_code for _ in range(2)] == [200, 200]
    refused = api_client.post(check_url("own-mp"))
    assert_error(refused, 429, "rate_limited")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert sim_token_calls(wechat_sim, APP_ID) == 2


def test_a_spent_token_budget_is_503_with_retry_after(api_client, own, wechat_sim, settings):
    settings.WECHAT_QUOTA = {**settings.WECHAT_QUOTA, "token": "1/day"}
    sim_app(wechat_sim, APP_ID, SECRET)
    assert api_client.post(check_url("own-mp")).json()["ok"] is True
    refused = api_client.post(check_url("own-mp"))
    assert_error(refused, 503, "wechat_quota_exhausted")
    assert int(refused["Retry-After"]) >= 1


def test_creating_with_credentials_wechat_refuses_saves_and_warns(api_client, pool, wechat_sim):
    response = api_client.post(URL, {"identifier": "own-mp", "display_name": "Own", "callback_url": "https://shop.example.com/cb",
                                     "private_deployment": True, "app_id": APP_ID, "app_secret": SECRET}, format="json")
    assert response.status_code == 201, response.content
    credentials = response.json()["credentials"]
    assert credentials["ok"] is False and credentials["errcode"] == 40013 and credentials["reason"]
    assert Connection.objects.filter(pool=pool, identifier="own-mp").exists()  # a warning, not a refusal
    assert "credentials" not in api_client.get(f"{URL}/own-mp").json()


def test_an_update_checks_only_when_it_changes_the_credentials(api_client, own, wechat_sim):
    sim_app(wechat_sim, APP_ID, SECRET)
    renamed = api_client.patch(f"{URL}/own-mp", {"display_name": "Renamed"}, format="json")
    assert renamed.status_code == 200 and "credentials" not in renamed.json()
    wrong = api_client.patch(f"{URL}/own-mp", {"app_secret": WRONG}, format="json")
    assert wrong.status_code == 200 and wrong.json()["credentials"]["errcode"] == 40125
    assert Connection.objects.get(identifier="own-mp").app_secret == WRONG
    fixed = api_client.patch(f"{URL}/own-mp", {"app_secret": SECRET}, format="json")
    assert fixed.json()["credentials"] == {"ok": True, "app_id": APP_ID, "private_deployment": True}


def test_a_platform_connection_save_checks_nothing(api_client, wechat_sim):
    response = api_client.post(URL, {"identifier": "plain", "display_name": "Plain", "callback_url": "https://shop.example.com/cb"},
                               format="json")
    assert response.status_code == 201 and "credentials" not in response.json()
