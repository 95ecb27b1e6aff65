"""The whole scan flow over HTTP: browser (test client) ↔ ScanLogin ↔ the WeChat simulator (real HTTP)."""
import pytest
from django.utils import timezone

from accounts.models import EndUser, Identity, LoginEvent, LoginOutcome
from accounts.sessions import get_end_user
from connections.services import connection_update
from hostedlogin.models import LoginTicket, TicketStatus, TicketTransition
from tests.fixtures.scanflow import BIND_PASSWORD, link_identity
from wechatsim.testing import sim_fault, sim_user

pytestmark = pytest.mark.django_db


def _session_user(browser, pool):
    request = type("R", (), {"session": browser.client.session})()
    return get_end_user(request, pool)


def test_new_user_is_created_and_logged_in(browser, phone, wx_user, pool, connection):
    created = browser.create()
    assert created.status_code == 201
    body = created.json()
    assert set(body) >= {"ticket", "status", "qrcode_url", "expires_in", "expires_at"}
    assert body["status"] == "pending" and 0 < body["expires_in"] <= 120
    ticket = LoginTicket.objects.get(key=body["ticket"])

    scanned = phone.scan(ticket, wx_user)
    assert scanned.status_code == 200
    ctx = scanned.json()
    assert ctx["app"] == {"name": "Acme shop"} and ctx["pool"] == {"name": "Acme"}
    assert ctx["connection"] == {"display_name": "WeChat"} and ctx["client"]["ip"] == "127.0.0.1"
    assert "session_key" not in scanned.content.decode()
    assert browser.status(ticket.key).json()["status"] == "scanned"

    confirmed = phone.confirm(ctx["scan_token"], wx_user)
    assert confirmed.status_code == 200 and confirmed.json() == {"status": "confirmed"}
    status = browser.status(ticket.key, since="scanned").json()
    assert status["status"] == "confirmed"
    assert "user" not in status and "phone" not in str(status)  # nothing personal before the exchange

    exchanged = browser.exchange(ticket.key)
    assert exchanged.json() == {"status": "consumed", "redirect_to": "https://shop.example.com/after-login"}
    user = EndUser.objects.get(pool=pool)
    assert user.phone == "+8613800138000" and user.phone_verified
    assert Identity.objects.get(user=user).openid == wx_user["openids"][phone.appid]
    assert _session_user(browser, pool) == user
    assert LoginEvent.objects.get(pool=pool).outcome == LoginOutcome.CREATED
    assert list(TicketTransition.objects.filter(ticket=ticket).values_list("old", "new")) == [
        ("pending", "scanned"), ("scanned", "confirmed"), ("confirmed", "consumed")]


def test_known_user_logs_in_without_a_new_account(browser, phone, wx_user, existing_user, connection, pool):
    link_identity(existing_user, connection, wx_user, phone.appid)
    ticket = browser.new_ticket()
    assert phone.scan_and_confirm(ticket, wx_user).status_code == 200
    assert browser.status(ticket.key).json()["scanned_by"]["nickname"] == "L**"  # masked "Lin"
    assert browser.exchange(ticket.key).status_code == 200
    assert EndUser.objects.filter(pool=pool).count() == 1
    assert _session_user(browser, pool) == existing_user
    assert LoginEvent.objects.get().outcome == LoginOutcome.LOGGED_IN


def test_same_unionid_from_another_mini_program_is_the_same_user(browser, phone, wx_user, existing_user, connection, pool):
    Identity.objects.create(pool=pool, user=existing_user, app_id="wx00000000000000aa", openid="other", unionid=wx_user["unionid"])
    ticket = browser.new_ticket()
    phone.scan_and_confirm(ticket, wx_user)
    browser.exchange(ticket.key)
    assert _session_user(browser, pool) == existing_user
    assert existing_user.identities.count() == 2


def test_login_only_refuses_an_unknown_user(browser, phone, wx_user, connection, pool):
    connection_update(connection=connection, login_only=True)
    ticket = browser.new_ticket()
    refused = phone.scan_and_confirm(ticket, wx_user)
    assert refused.status_code == 403 and refused.json()["error"] == "login_only"
    status = browser.status(ticket.key).json()
    assert status["status"] == "rejected" and status["reason"] == "login_only"
    assert browser.exchange(ticket.key).json()["error"] == "ticket_not_confirmed"
    assert not EndUser.objects.exists() and not Identity.objects.exists()
    assert LoginEvent.objects.get().reason == "login_only"


def test_login_only_admits_a_known_user(browser, phone, wx_user, existing_user, connection, pool):
    connection_update(connection=connection, login_only=True)
    link_identity(existing_user, connection, wx_user, phone.appid)
    ticket = browser.new_ticket()
    assert phone.scan_and_confirm(ticket, wx_user).status_code == 200
    assert browser.exchange(ticket.key).status_code == 200
    assert _session_user(browser, pool) == existing_user


def test_field_matching_links_by_verified_phone(browser, phone, wx_user, existing_user, connection, pool):
    connection_update(connection=connection, linking_enabled=True, link_match_fields=["phone"])
    ticket = browser.new_ticket()
    phone.scan_and_confirm(ticket, wx_user)
    assert browser.exchange(ticket.key).json()["status"] == "consumed"
    assert EndUser.objects.filter(pool=pool).count() == 1
    assert existing_user.identities.get().openid == wx_user["openids"][phone.appid]
    assert LoginEvent.objects.get().outcome == LoginOutcome.MATCHED


def test_ask_bind_links_after_the_user_signs_in(browser, phone, wx_user, existing_user, connection, pool):
    connection_update(connection=connection, linking_enabled=True, link_ask_bind=True)
    ticket = browser.new_ticket()
    assert phone.scan_and_confirm(ticket, wx_user).json() == {"status": "confirmed"}
    answer = browser.exchange(ticket.key).json()
    assert answer == {"status": "bind_required", "redirect_to": f"/u/acme/bind/{ticket.key}"}
    assert browser.client.get(answer["redirect_to"]).status_code == 200
    wrong = browser.client.post(answer["redirect_to"], {"action": "bind", "login": "linwei", "password": "nope"})
    assert wrong.status_code == 400 and b"wrong" in wrong.content
    done = browser.client.post(answer["redirect_to"], {"action": "bind", "login": "lin@example.com", "password": BIND_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "https://shop.example.com/after-login"
    assert existing_user.identities.get().connection == connection
    assert _session_user(browser, pool) == existing_user
    assert LoginTicket.objects.get(pk=ticket.pk).status == TicketStatus.CONSUMED
    assert browser.exchange(ticket.key).json()["error"] == "ticket_already_used"
    events = list(LoginEvent.objects.order_by("id").values_list("outcome", "reason"))
    assert events == [("bind_required", ""), ("failed", "bind_invalid_credentials"), ("bound", "")]


def test_ask_bind_can_create_a_new_account_unless_login_only(browser, phone, wx_user, existing_user, connection, pool):
    EndUser.objects.filter(pk=existing_user.pk).update(phone="+8613900000009")  # the scanned phone is free
    connection_update(connection=connection, linking_enabled=True, link_ask_bind=True)
    ticket = browser.new_ticket()
    phone.scan_and_confirm(ticket, wx_user)
    assert b'value="create"' in browser.client.get(f"/u/acme/bind/{ticket.key}").content
    done = browser.client.post(f"/u/acme/bind/{ticket.key}", {"action": "create"})
    assert done.status_code == 302
    assert EndUser.objects.filter(pool=pool).count() == 2
    assert _session_user(browser, pool) != existing_user


def test_ask_bind_offers_no_new_account_for_a_phone_that_has_one(browser, phone, wx_user, existing_user, connection, pool):
    connection_update(connection=connection, linking_enabled=True, link_ask_bind=True)
    ticket = browser.new_ticket()
    phone.scan_and_confirm(ticket, wx_user)
    page = browser.client.get(f"/u/acme/bind/{ticket.key}").content
    assert b'value="create"' not in page and b'id="phone-in-use"' in page
    refused = browser.client.post(f"/u/acme/bind/{ticket.key}", {"action": "create"})
    assert refused.status_code == 403 and EndUser.objects.filter(pool=pool).count() == 1
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reason) == (TicketStatus.REJECTED, "phone_in_use")
    assert LoginEvent.objects.filter(outcome=LoginOutcome.REFUSED, reason="phone_in_use").count() == 1


def test_ask_bind_on_login_only_offers_no_sign_up(browser, phone, wx_user, existing_user, connection, pool):
    connection_update(connection=connection, linking_enabled=True, link_ask_bind=True, login_only=True)
    ticket = browser.new_ticket()
    phone.scan_and_confirm(ticket, wx_user)
    page = browser.client.get(f"/u/acme/bind/{ticket.key}")
    assert b'value="create"' not in page.content
    refused = browser.client.post(f"/u/acme/bind/{ticket.key}", {"action": "create"})
    assert refused.status_code == 403 and EndUser.objects.filter(pool=pool).count() == 1
    assert LoginTicket.objects.get(pk=ticket.pk).status == TicketStatus.REJECTED


def test_an_account_already_bound_to_this_connection_cannot_be_bound_again(browser, phone, wx_user, existing_user, connection, wechat_sim):
    connection_update(connection=connection, linking_enabled=True, link_ask_bind=True)
    other = sim_user(wechat_sim, "13900139000")
    link_identity(existing_user, connection, other, phone.appid)
    ticket = browser.new_ticket()
    phone.scan_and_confirm(ticket, wx_user)
    answer = browser.client.post(f"/u/acme/bind/{ticket.key}", {"action": "bind", "login": "linwei", "password": BIND_PASSWORD})
    assert answer.status_code == 400 and b"already bound" in answer.content
    assert existing_user.identities.count() == 1


def test_another_browser_cannot_use_the_bind_page(browser, phone, wx_user, existing_user, connection, pool, login_app):
    from tests.fixtures.scanflow import Browser

    connection_update(connection=connection, linking_enabled=True, link_ask_bind=True)
    ticket = browser.new_ticket()
    phone.scan_and_confirm(ticket, wx_user)
    stranger = Browser(pool, login_app)
    answer = stranger.client.post(f"/u/acme/bind/{ticket.key}", {"action": "bind", "login": "linwei", "password": BIND_PASSWORD})
    assert answer.status_code == 404 and not existing_user.identities.exists()


def test_blocked_user_is_refused(browser, phone, wx_user, existing_user, connection, pool):
    link_identity(existing_user, connection, wx_user, phone.appid)
    EndUser.objects.filter(pk=existing_user.pk).update(blocked=True)
    ticket = browser.new_ticket()
    refused = phone.scan_and_confirm(ticket, wx_user)
    assert refused.status_code == 403 and refused.json()["error"] == "user_blocked"
    assert browser.status(ticket.key).json()["reason"] == "user_blocked"
    assert _session_user(browser, pool) is None


def test_phone_cancels(browser, phone, wx_user):
    ticket = browser.new_ticket()
    token = phone.scan(ticket, wx_user).json()["scan_token"]
    assert phone.post("cancel", {"scan_token": token}).json() == {"status": "cancelled"}
    assert browser.status(ticket.key).json()["status"] == "cancelled"
    again = phone.confirm(token, wx_user)
    assert again.status_code == 409 and again.json()["error"] == "ticket_cancelled"
    assert LoginEvent.objects.get().outcome == LoginOutcome.CANCELLED


def test_a_read_treats_an_overdue_ticket_as_expired(browser, phone, wx_user):
    ticket = browser.new_ticket()
    LoginTicket.objects.filter(pk=ticket.pk).update(expires_at=timezone.now())
    status = browser.status(ticket.key).json()
    assert status["status"] == "expired" and status["expires_in"] == 0
    assert LoginTicket.objects.get(pk=ticket.pk).status == TicketStatus.EXPIRED
    late = phone.scan(ticket, wx_user)
    assert late.status_code == 410 and late.json()["error"] == "ticket_expired"


def test_scanning_an_overdue_ticket_is_410_even_before_any_sweep(browser, phone, wx_user):
    ticket = browser.new_ticket()
    LoginTicket.objects.filter(pk=ticket.pk).update(expires_at=timezone.now())
    assert phone.scan(ticket, wx_user).json()["error"] == "ticket_expired"


def test_a_confirmed_ticket_must_be_exchanged_within_the_window(browser, phone, wx_user):
    ticket = browser.new_ticket()
    phone.scan_and_confirm(ticket, wx_user)
    ticket.refresh_from_db()
    assert (ticket.expires_at - timezone.now()).total_seconds() <= 60
    LoginTicket.objects.filter(pk=ticket.pk).update(expires_at=timezone.now())
    late = browser.exchange(ticket.key)
    assert late.status_code == 410 and late.json()["error"] == "ticket_expired"


def test_exchange_before_confirm_and_twice(browser, phone, wx_user):
    ticket = browser.new_ticket()
    early = browser.exchange(ticket.key)
    assert early.status_code == 409 and early.json()["error"] == "ticket_not_confirmed"
    phone.scan_and_confirm(ticket, wx_user)
    assert browser.exchange(ticket.key).status_code == 200
    twice = browser.exchange(ticket.key)
    assert twice.status_code == 409 and twice.json()["error"] == "ticket_already_used"


def test_second_scan_is_refused(browser, phone, wx_user, wechat_sim):
    ticket = browser.new_ticket()
    assert phone.scan(ticket, wx_user).status_code == 200
    again = phone.scan(ticket, sim_user(wechat_sim, "13700137000"))
    assert again.status_code == 409 and again.json()["error"] == "ticket_already_scanned"


def test_unknown_scene_is_404(phone, wx_user, db):
    answer = phone.post("scan", {"scene": "0" * 32, "code": phone.login_code(wx_user)})
    assert answer.status_code == 404 and answer.json()["error"] == "ticket_not_found"


def test_a_login_code_used_twice_is_refused(browser, phone, wx_user):
    first, second = browser.new_ticket(), browser.new_ticket()
    code = phone.login_code(wx_user)
    assert phone.post("scan", {"scene": first.scene, "code": code}).status_code == 200
    reused = phone.post("scan", {"scene": second.scene, "code": code})
    assert reused.status_code == 400 and reused.json()["error"] == "wechat_code_invalid"
    assert LoginTicket.objects.get(pk=second.pk).status == TicketStatus.PENDING


def test_a_phone_code_used_twice_is_refused(browser, phone, wx_user):
    ticket = browser.new_ticket()
    token = phone.scan(ticket, wx_user).json()["scan_token"]
    code = phone.phone_code(wx_user)
    other = browser.new_ticket()
    token2 = phone.scan(other, wx_user).json()["scan_token"]
    assert phone.post("confirm", {"scan_token": token, "phone_code": code}).status_code == 200
    reused = phone.post("confirm", {"scan_token": token2, "phone_code": code})
    assert reused.status_code == 400 and reused.json()["error"] == "wechat_code_invalid"
    assert LoginTicket.objects.get(pk=other.pk).status == TicketStatus.SCANNED


@pytest.mark.parametrize("errcode, status, error", [
    (-1, 502, "wechat_unavailable"),
    (45011, 429, "wechat_rate_limited"),
    (40013, 502, "wechat_misconfigured"),
    (40029, 400, "wechat_code_invalid"),
    (40226, 403, "wechat_user_blocked"),
])
def test_wechat_failures_on_scan_map_to_contract_errors(browser, phone, wx_user, wechat_sim, errcode, status, error):
    ticket = browser.new_ticket()
    code = phone.login_code(wx_user)
    sim_fault(wechat_sim, "jscode2session", errcode=errcode)
    answer = phone.post("scan", {"scene": ticket.scene, "code": code})
    assert answer.status_code == status and answer.json()["error"] == error
    assert code not in answer.content.decode()
    assert LoginTicket.objects.get(pk=ticket.pk).status == TicketStatus.PENDING
    assert LoginEvent.objects.get().outcome == LoginOutcome.FAILED


def test_wechat_failure_on_confirm_leaves_the_ticket_scanned(browser, phone, wx_user, wechat_sim):
    ticket = browser.new_ticket()
    token = phone.scan(ticket, wx_user).json()["scan_token"]
    code = phone.phone_code(wx_user)
    sim_fault(wechat_sim, "phone", errcode=-1)
    answer = phone.post("confirm", {"scan_token": token, "phone_code": code})
    assert answer.status_code == 502 and answer.json()["error"] == "wechat_unavailable"
    assert LoginTicket.objects.get(pk=ticket.pk).status == TicketStatus.SCANNED
    assert not EndUser.objects.exists()


def test_try_login_lands_on_the_success_page(browser, phone, wx_user, pool, operator):
    from hostedlogin.trylogin import try_grant_issue
    grant = try_grant_issue(staff=operator, application=browser.app)  # the console's "Try login" button
    browser.client.get("/u/acme/login", {"app_id": browser.app.client_id, "try": grant})
    ticket = browser.new_ticket(**{"try": True})
    phone.scan_and_confirm(ticket, wx_user)
    target = browser.exchange(ticket.key).json()["redirect_to"]
    assert target == f"/u/acme/try/{ticket.key}"
    page = browser.client.get(target)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Signed up" in text and wx_user["openids"][phone.appid] in text and "+8613800138000" in text


def test_oidc_next_is_honoured_only_as_this_applications_authorization_request(browser, phone, wx_user):
    good = f"/u/acme/oidc/authorize?client_id={browser.app.client_id}&state=1"
    for bad in ["https://evil.example/u/acme/oidc/", "//evil.example/x", "/u/globex/oidc/authorize",
                "/u/acme/oidc/../../console/", "/u/acme/welcome", "/u/acme/oidc/authorize?client_id=x&state=1"]:
        refused = browser.create(next=bad)
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_next", bad
    ticket = browser.new_ticket(next=good)
    phone.scan_and_confirm(ticket, wx_user)
    assert browser.exchange(ticket.key).json()["redirect_to"] == good


def test_welcome_shows_who_is_logged_in(browser, phone, wx_user):
    assert b"Nobody is logged in" in browser.client.get("/u/acme/welcome").content
    ticket = browser.new_ticket()
    phone.scan_and_confirm(ticket, wx_user)
    browser.exchange(ticket.key)
    page = browser.client.get("/u/acme/welcome").content.decode()
    assert "Welcome" in page and "+8613800138000" in page
    browser.client.post("/u/acme/logout")
    assert b"Nobody is logged in" in browser.client.get("/u/acme/welcome").content


def test_the_code_is_drawn_by_wechat_once_per_ticket_and_scans_to_the_ticket(browser, phone, wx_user, wechat_sim):
    from wechatsim.testing import sim_get

    body = browser.create().json()
    first = browser.client.get(body["qrcode_url"])
    assert first.status_code == 200 and first["Content-Type"] == "image/png" and first.content.startswith(b"\x89PNG")
    assert browser.client.get(body["qrcode_url"]).content == first.content
    drawn = sim_get(wechat_sim, "/sim/wxacodes")
    assert len(drawn) == 1  # cached: the second request did not call WeChat
    scanned = phone.post("scan", {"scene": drawn[0]["scene"], "code": phone.login_code(wx_user)})
    assert scanned.status_code == 200
    assert browser.status(body["ticket"]).json()["status"] == "scanned"


def test_a_wechat_failure_drawing_the_code_is_a_clear_error(browser, wechat_sim):
    body = browser.create().json()
    sim_fault(wechat_sim, "wxacode", errcode=45009)
    answer = browser.client.get(body["qrcode_url"])
    assert answer.status_code == 429 and answer.json()["error"] == "wechat_rate_limited"


def test_an_expired_ticket_has_no_code(browser):
    body = browser.create().json()
    LoginTicket.objects.filter(key=body["ticket"]).update(expires_at=timezone.now())
    assert browser.client.get(body["qrcode_url"]).status_code == 410


def test_a_connection_disabled_after_the_code_was_drawn_cannot_be_scanned(browser, phone, wx_user, connection):
    ticket = browser.new_ticket()
    connection_update(connection=connection, enabled=False)
    answer = phone.scan(ticket, wx_user)
    assert answer.status_code == 404 and answer.json()["error"] == "ticket_not_found"


def test_the_phone_gets_the_browsers_raw_user_agent(pool, login_app, phone, wx_user):
    """The mini-program names the browser in the phone's language, so the server sends the header as is."""
    from django.test import Client

    from tests.fixtures.scanflow import Browser

    agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 QBCore/4.0"
    browser = Browser(pool, login_app, Client(HTTP_USER_AGENT=agent))
    ticket = browser.new_ticket()
    assert phone.scan(ticket, wx_user).json()["client"]["user_agent"] == agent
