"""The WeChat quota guard (a budget per AppID and API, refused without calling WeChat) and access
tokens bound to the secret that fetched them (a wrong secret never gets the owner's token)."""
import pytest
from django.core.cache import cache

from accounts.models import LoginEvent
from connections.services import connection_create, connection_enable_for, connection_update
from connections.wechat.quota import quota_refused
from connections.wechat.tokens import token_cache_key
from hostedlogin.models import LoginTicket
from tests.fixtures.scanflow import Browser, Phone
from wechatsim.testing import sim_app, sim_expire_tokens, sim_get, sim_stats, sim_token_fetches, sim_user

pytestmark = pytest.mark.django_db

OWNER_APP_ID = "wx0123456789abcdef"
OWNER_SECRET = "A" * 31 + "1"
IMPOSTOR_SECRET = "B" * 31 + "2"


@pytest.fixture
def budgets(settings):
    def set_budget(**rates):
        settings.WECHAT_QUOTA = {**settings.WECHAT_QUOTA, **rates}
    return set_budget


@pytest.fixture
def refusals():
    heard = []

    def listener(sender, signal, **kwargs):
        heard.append(kwargs)
    quota_refused.connect(listener)
    yield heard
    quota_refused.disconnect(listener)


def draw(browser, ticket):
    return browser.client.get(browser.url(f"/{ticket.key}/qrcode.png"))


def drawn(sim) -> list[dict]:
    return sim_get(sim, "/sim/wxacodes")


def test_a_spent_code_budget_refuses_without_calling_wechat(browser, wechat_sim, budgets, refusals, settings):
    budgets(wxacode="2/minute")
    tickets = [browser.new_ticket() for _ in range(3)]
    assert [draw(browser, t).status_code for t in tickets[:2]] == [200, 200]
    refused = draw(browser, tickets[2])
    assert refused.status_code == 503 and refused.json()["error"] == "wechat_quota_exhausted"
    assert 1 <= int(refused["Retry-After"]) <= 60 and refused.json()["message"]
    assert len(drawn(wechat_sim)) == 2  # WeChat was not asked a third time
    assert draw(browser, tickets[0]).status_code == 200  # a code already drawn is still shown (cached)
    assert refusals == [{"app_id": settings.WECHAT_DEFAULT_APP_ID, "api": "wxacode", "retry_after": int(refused["Retry-After"])}]
    event = LoginEvent.objects.get()
    assert (event.outcome, event.reason, event.ip) == ("failed", "wechat_quota_exhausted:wxacode", "127.0.0.1")


def test_the_budget_is_per_app_id(pool, login_app, browser, wechat_sim, budgets):
    budgets(wxacode="1/minute")
    assert draw(browser, browser.new_ticket()).status_code == 200
    sim_app(wechat_sim, OWNER_APP_ID, OWNER_SECRET)
    own = connection_create(pool=pool, identifier="own-mp", display_name="Own", callback_url="https://shop.example.com/a",
                            private_deployment=True, app_id=OWNER_APP_ID, app_secret=OWNER_SECRET)
    connection_enable_for(connection=own, application=login_app)
    assert draw(browser, browser.new_ticket("own-mp")).status_code == 200
    assert draw(browser, browser.new_ticket()).status_code == 503


def test_the_refusal_is_translated(browser, wechat_sim, budgets):
    budgets(wxacode="1/minute")
    draw(browser, browser.new_ticket())
    refused = browser.client.get(browser.url(f"/{browser.new_ticket().key}/qrcode.png"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.json()["message"] == "当前登录人数过多，请一分钟后再试。"


def test_a_spent_phone_budget_refuses_the_confirm_and_the_ticket_waits(browser, phone, wx_user, wechat_sim, budgets):
    budgets(phone="1/minute")
    assert phone.scan_and_confirm(browser.new_ticket(), wx_user).status_code == 200
    ticket = browser.new_ticket()
    token = phone.scan(ticket, wx_user).json()["scan_token"]
    refused = phone.confirm(token, wx_user)
    assert refused.status_code == 503 and refused.json()["error"] == "wechat_quota_exhausted" and refused["Retry-After"]
    assert LoginTicket.objects.get(pk=ticket.pk).status == "scanned"
    assert sim_stats(wechat_sim)["calls:phone"]["*"] == 1
    assert LoginEvent.objects.filter(reason="wechat_quota_exhausted:phone").count() == 1


def test_a_spent_token_budget_stops_refetching(browser, wechat_sim, budgets, settings):
    budgets(token="1/day")
    assert draw(browser, browser.new_ticket()).status_code == 200
    sim_expire_tokens(wechat_sim)
    refused = draw(browser, browser.new_ticket())
    assert refused.status_code == 503 and refused.json()["error"] == "wechat_quota_exhausted"
    assert sim_token_fetches(wechat_sim, settings.WECHAT_DEFAULT_APP_ID) == 1


# -- tokens bound to their secret ----------------------------------------------------------------------

@pytest.fixture
def same_app_id_twice(pool, login_app, other_pool, other_application, wechat_sim):
    """The owner's connection and, in another pool, one that names the owner's (public) AppID with a wrong secret."""
    sim_app(wechat_sim, OWNER_APP_ID, OWNER_SECRET)
    owner = connection_create(pool=pool, identifier="owner", display_name="Owner", callback_url="https://shop.example.com/a",
                              private_deployment=True, app_id=OWNER_APP_ID, app_secret=OWNER_SECRET)
    connection_enable_for(connection=owner, application=login_app)
    impostor = connection_create(pool=other_pool, identifier="impostor", display_name="Impostor",
                                 callback_url="https://portal.example.org/a", private_deployment=True,
                                 app_id=OWNER_APP_ID, app_secret=IMPOSTOR_SECRET)
    connection_enable_for(connection=impostor, application=other_application)
    return owner, impostor


def test_a_wrong_secret_never_gets_the_owners_cached_token(pool, login_app, other_pool, other_application,
                                                          same_app_id_twice, wechat_sim):
    owner_browser = Browser(pool, login_app)
    assert draw(owner_browser, owner_browser.new_ticket("owner")).status_code == 200  # the owner's token is now cached
    impostor_browser = Browser(other_pool, other_application)
    ticket = impostor_browser.new_ticket("impostor")
    refused = draw(impostor_browser, ticket)
    assert refused.status_code == 502 and refused.json()["error"] == "wechat_misconfigured"
    assert [c["scene"] for c in drawn(wechat_sim)] != [ticket.scene] and len(drawn(wechat_sim)) == 1
    assert sim_token_fetches(wechat_sim, OWNER_APP_ID) == 1  # only the owner's fetch succeeded

    # Nor can it decode a phone number or a login code with the owner's credentials.
    wx = sim_user(wechat_sim, "13700137000", appid=OWNER_APP_ID)
    scanned = Phone(wechat_sim, OWNER_APP_ID).scan(ticket, wx)
    assert scanned.status_code == 502 and scanned.json()["error"] == "wechat_misconfigured"
    assert LoginTicket.objects.get(pk=ticket.pk).status == "pending"


def test_the_owner_keeps_working_beside_the_impostor(pool, login_app, other_pool, other_application, same_app_id_twice, wechat_sim):
    impostor_browser = Browser(other_pool, other_application)
    assert draw(impostor_browser, impostor_browser.new_ticket("impostor")).status_code == 502
    owner_browser = Browser(pool, login_app)
    assert draw(owner_browser, owner_browser.new_ticket("owner")).status_code == 200


def test_the_cache_key_holds_no_secret_and_differs_per_secret(settings):
    one = token_cache_key(app_id=OWNER_APP_ID, secret=OWNER_SECRET, base_url="https://api.weixin.qq.com", endpoint="token")
    two = token_cache_key(app_id=OWNER_APP_ID, secret=IMPOSTOR_SECRET, base_url="https://api.weixin.qq.com", endpoint="token")
    assert one != two and OWNER_SECRET not in one and OWNER_SECRET[:8] not in one
    settings.SECRET_KEY = "another-deployment-key"
    assert token_cache_key(app_id=OWNER_APP_ID, secret=OWNER_SECRET, base_url="https://api.weixin.qq.com", endpoint="token") != one


def test_changing_a_connections_secret_drops_its_cached_token(pool, login_app, same_app_id_twice, wechat_sim, settings,
                                                              django_capture_on_commit_callbacks):
    owner, _ = same_app_id_twice
    browser = Browser(pool, login_app)
    assert draw(browser, browser.new_ticket("owner")).status_code == 200
    old_key = token_cache_key(app_id=OWNER_APP_ID, secret=OWNER_SECRET, base_url=wechat_sim.base_url, endpoint="token")
    assert cache.get(old_key)
    new_secret = "C" * 31 + "3"
    sim_app(wechat_sim, OWNER_APP_ID, new_secret)  # the secret was reset in WeChat's console
    with django_capture_on_commit_callbacks(execute=True):
        connection_update(connection=owner, app_secret=new_secret)
    assert cache.get(old_key) is None
    assert draw(browser, browser.new_ticket("owner")).status_code == 200
    assert sim_token_fetches(wechat_sim, OWNER_APP_ID) == 2


def test_editing_other_fields_keeps_the_token(pool, login_app, same_app_id_twice, wechat_sim, django_capture_on_commit_callbacks):
    owner, _ = same_app_id_twice
    browser = Browser(pool, login_app)
    draw(browser, browser.new_ticket("owner"))
    with django_capture_on_commit_callbacks(execute=True):
        connection_update(connection=owner, display_name="Owner (renamed)", app_secret="")
    draw(browser, browser.new_ticket("owner"))
    assert sim_token_fetches(wechat_sim, OWNER_APP_ID) == 1
