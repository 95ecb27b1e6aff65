"""Default → private mini-program: with field matching by verified phone, returning users keep their
account and their OIDC subject.

Two mini-programs are registered in the WeChat simulator: the platform's default and the tenant's
own, not under one Open Platform account (no shared unionid), so the same person has two openids.
The browser logs in through OIDC on the test client; the phone takes its codes from the simulator
over HTTP, and ScanLogin calls the simulator over HTTP as it would WeChat.
"""
import pytest
from django.test import Client

from accounts.models import EndUser, LoginEvent, LoginOutcome
from tests.fixtures.oidc import OidcLogin
from tests.fixtures.scanflow import Phone
from wechatsim.testing import sim_app

pytestmark = pytest.mark.django_db

PRIVATE_APPID = "wx5a5a5a5a5a5a5a5a"
PRIVATE_SECRET = "S" * 16 + "0123456789abcdef"
PHONE = "+8613800138000"


def _sub_after_login(rp, wx_user) -> str:
    code = rp.code_for(wx_user)["code"]
    tokens = rp.token({"grant_type": "authorization_code", "code": code}, rp.app.secret)
    assert tokens.status_code == 200, tokens.content
    info = rp.userinfo(tokens.json()["access_token"])
    assert info.status_code == 200
    return info.json()["sub"]


def _switch_to_private(api_client, linking: dict):
    response = api_client.patch("/api/v1/connections/wechat-pc", {
        "private_deployment": True, "app_id": PRIVATE_APPID, "app_secret": PRIVATE_SECRET, "identity_linking": linking,
    }, format="json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def private_mini_program(wechat_sim):
    sim_app(wechat_sim, PRIVATE_APPID, PRIVATE_SECRET, unionid=False, pages=["pages/login/login", "pages/index/index"])
    return Phone(wechat_sim, PRIVATE_APPID)


def test_returning_users_keep_their_account_and_sub_after_the_switch(rp, wx_user, pool, api_client,
                                                                      private_mini_program, settings):
    sub_before = _sub_after_login(rp, wx_user)

    answer = _switch_to_private(api_client, {"enabled": True, "match_fields": ["phone"], "ask_bind": False})
    assert [w["code"] for w in answer["warnings"]] == ["mini_program_changed"]
    assert "1 user signed in" in answer["warnings"][0]["message"] and PRIVATE_APPID in answer["warnings"][0]["message"]

    later = OidcLogin(pool, rp.app, private_mini_program, client=Client())  # another day, a fresh browser
    assert _sub_after_login(later, wx_user) == sub_before
    user = EndUser.objects.get(pool=pool)
    assert set(user.identities.values_list("app_id", flat=True)) == {settings.WECHAT_DEFAULT_APP_ID, PRIVATE_APPID}
    assert list(LoginEvent.objects.order_by("created_at", "id").values_list("outcome", flat=True)) == [
        LoginOutcome.CREATED, LoginOutcome.MATCHED]
    # and the next time the new identity is simply known
    assert _sub_after_login(OidcLogin(pool, rp.app, private_mini_program, client=Client()), wx_user) == sub_before


def test_without_phone_matching_the_answer_warns_and_returning_users_are_refused_not_duplicated(
        rp, wx_user, pool, api_client, private_mini_program, browser):
    _sub_after_login(rp, wx_user)
    answer = _switch_to_private(api_client, {"enabled": False, "match_fields": [], "ask_bind": False})
    assert [w["code"] for w in answer["warnings"]] == ["mini_program_changed_users_lost"]
    assert "field matching by verified phone" in answer["warnings"][0]["message"]

    ticket = browser.new_ticket()
    refused = private_mini_program.scan_and_confirm(ticket, wx_user)
    assert refused.status_code == 403 and refused.json()["error"] == "phone_in_use"
    assert EndUser.objects.filter(pool=pool, phone=PHONE).count() == 1


def test_no_warning_when_nothing_changes_or_nobody_signed_in(api_client, connection, private_mini_program):
    first = _switch_to_private(api_client, {"enabled": False, "match_fields": [], "ask_bind": False})
    assert first["warnings"] == []  # nobody has signed in through the default one
    again = api_client.patch("/api/v1/connections/wechat-pc", {"display_name": "WeChat scan"}, format="json")
    assert again.json()["warnings"] == []
