"""The console's "Check credentials" button on an identity source's page, and the warning a save of new
credentials gives (the save stands). Real HTTP to the WeChat simulator."""
import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import Client

from connections.models import Connection
from connections.wechat.client import WeChatClient
from connections.wechat.tokens import token_cache_key
from tests.fixtures.console import APP_ID, APP_SECRET
from wechatsim.testing import sim_app, sim_token_calls

pytestmark = pytest.mark.django_db

CONN = "/console/connections/connection/"
FORM = {"identifier": "own", "display_name": "Own mini-program", "callback_url": "https://shop.example.com/done",
        "enabled": "on", "private_deployment": "on", "app_id": APP_ID, "app_secret": APP_SECRET}


def check(client, conn, **extra):
    return client.post(f"{CONN}{conn.pk}/check-credentials/", **extra)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_page_offers_the_button_as_a_post_form(operator_console, private_connection):
    html = operator_console.get(f"{CONN}{private_connection.pk}/change/").content.decode()
    assert f'action="{CONN}{private_connection.pk}/check-credentials/"' in html and 'id="check-credentials"' in html
    assert 'name="csrfmiddlewaretoken"' in html.split('id="credentials"')[1].split("</form>")[0]


def test_accepted_credentials_say_so(admin_console, private_connection, wechat_sim):
    sim_app(wechat_sim, APP_ID, APP_SECRET)
    response = check(admin_console, private_connection)
    assert response.status_code == 302 and response["Location"] == f"{CONN}{private_connection.pk}/change/#credentials"
    assert texts(response) == [f"WeChat accepts the AppID {APP_ID} and its AppSecret from this server."]


def test_a_refusal_says_what_to_fix(operator_console, private_connection, wechat_sim):
    sim_app(wechat_sim, APP_ID, "X" * 32)
    response = check(operator_console, private_connection, follow=True)
    page = response.content.decode()
    assert "WeChat refused the credentials: WeChat refused the AppSecret (40125)." in page
    assert "messagelist" in page


def test_the_button_needs_the_csrf_token(admin, private_connection, wechat_sim):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    assert check(client, private_connection).status_code == 403
    assert sim_token_calls(wechat_sim, APP_ID) == 0


def test_another_pools_staff_get_404_and_get_is_refused(outsider_console, admin_console, private_connection, wechat_sim):
    assert check(outsider_console, private_connection).status_code == 404
    assert admin_console.get(f"{CONN}{private_connection.pk}/check-credentials/").status_code == 405
    assert check(admin_console, type("Missing", (), {"pk": 999999})).status_code == 404
    assert sim_token_calls(wechat_sim, APP_ID) == 0


def test_too_many_checks_are_refused_in_words(admin_console, private_connection, wechat_sim, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "credential_check_per_connection": "1/minute"}
    sim_app(wechat_sim, APP_ID, APP_SECRET)
    check(admin_console, private_connection, follow=True)  # shown (and so used up) on the page
    assert texts(check(admin_console, private_connection)) == [
        "The credentials of this connection were checked too often. Wait a moment and try again."]


def test_saving_credentials_wechat_refuses_saves_and_warns(admin_console, pool, wechat_sim):
    response = admin_console.post(f"{CONN}add/?mode=wechat_miniprogram_pc", FORM)
    assert response.status_code == 302
    conn = Connection.objects.get(pool=pool, identifier="own")
    assert conn.wechat_credentials() == (APP_ID, APP_SECRET)
    [saved, warning] = texts(response)
    assert "was added successfully" in saved
    assert warning.startswith("WeChat refused the credentials: WeChat does not know this AppID (40013).")
    # Saving again without new credentials asks WeChat nothing; new ones are checked again.
    sim_app(wechat_sim, APP_ID, APP_SECRET)
    admin_console.get(CONN)  # the messages are shown (and used up)
    unchanged = admin_console.post(f"{CONN}{conn.pk}/change/", {**FORM, "app_secret": "", "display_name": "Renamed"})
    assert len(texts(unchanged)) == 1 and sim_token_calls(wechat_sim, APP_ID) == 1  # the creation's check only


def test_the_warning_speaks_chinese(admin_console, pool, wechat_sim):
    response = admin_console.post(f"{CONN}add/?mode=wechat_miniprogram_pc", FORM, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302
    assert any("40013" in text and "微信" in text for text in texts(response))


def test_a_new_secret_saved_in_the_console_drops_the_old_token(admin_console, private_connection, wechat_sim,
                                                                django_capture_on_commit_callbacks):
    sim_app(wechat_sim, APP_ID, APP_SECRET)
    WeChatClient(APP_ID, APP_SECRET).access_token()
    old_key = token_cache_key(app_id=APP_ID, secret=APP_SECRET, base_url=wechat_sim.base_url, endpoint="token")
    assert cache.get(old_key)
    new_secret = "N" * 31 + "4"
    sim_app(wechat_sim, APP_ID, new_secret)  # the secret was reset in WeChat's console
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_console.post(f"{CONN}{private_connection.pk}/change/",
                                      {**FORM, "identifier": private_connection.identifier, "app_secret": new_secret})
    assert response.status_code == 302
    assert cache.get(old_key) is None  # the console's save drops it as the API's does


def test_switching_the_mini_program_in_the_console_says_what_happens_to_returning_users(admin_console, connection, wechat_sim,
                                                                                       settings):
    from accounts.services import end_user_create, identity_link

    user = end_user_create(pool=connection.pool, phone="+8613800138000", phone_verified=True)
    identity_link(user=user, connection=connection, app_id=settings.WECHAT_DEFAULT_APP_ID, openid="o-returning", unionid="")
    response = admin_console.post(f"{CONN}{connection.pk}/change/", {**FORM, "identifier": connection.identifier})
    assert response.status_code == 302
    assert Connection.objects.get(pk=connection.pk).wechat_app_id == APP_ID
    assert any("through the previous mini-program" in text for text in texts(response))
