"""The six flaw classes of QR-code login found in the field (USENIX Security 2025, "Demystifying the
(In)Security of QR Code-based Login in Real-world Deployments"): one test per class, each failing if
the flaw came back. The browser is Django's test client, the phone posts to /api/miniprogram/* with
codes the WeChat simulator issues, ScanLogin talks to the simulator over HTTP."""
import json

import pytest

from accounts.models import EndUser
from hostedlogin.models import LoginTicket
from tests.fixtures.scanflow import Browser, link_identity
from wechatsim.testing import sim_code, sim_get

pytestmark = pytest.mark.django_db

AVATAR = "https://thirdwx.qlogo.cn/mmopen/lin-wei/132"


def test_flaw_unbound_session_id(browser, phone, wx_user, pool, login_app):
    """Whoever learns a QR's id (it is in the code's URL) must not receive the login it leads to:
    the ticket answers only the browser that created it, before and after the phone confirms."""
    ticket = browser.new_ticket()
    attacker = Browser(pool, login_app)
    assert phone.scan_and_confirm(ticket, wx_user).status_code == 200
    for answer in (attacker.status(ticket.key), attacker.exchange(ticket.key),
                   attacker.client.get(attacker.url(f"/{ticket.key}/qrcode.png"))):
        assert answer.status_code == 404 and answer.json()["error"] == "ticket_not_found"
    assert "sl_end_user" not in str(attacker.client.session.items())
    assert browser.exchange(ticket.key).json()["status"] == "consumed"  # the binding browser alone


def test_flaw_reusable_qr_code(browser, phone, wx_user):
    """A code logs in once: after its login, scanning it again, confirming again with its scan token
    or exchanging it again logs nobody in."""
    ticket = browser.new_ticket()
    scanned = phone.scan(ticket, wx_user).json()
    assert phone.confirm(scanned["scan_token"], wx_user).status_code == 200
    assert browser.exchange(ticket.key).status_code == 200
    rescan = phone.scan(ticket, wx_user)
    assert rescan.status_code in (409, 410) and rescan.json()["error"] in ("ticket_already_scanned", "ticket_expired")
    reconfirm = phone.confirm(scanned["scan_token"], wx_user)
    assert reconfirm.status_code == 409 and reconfirm.json()["error"] == "ticket_already_used"
    again = browser.exchange(ticket.key)
    assert again.status_code == 409 and again.json()["error"] == "ticket_already_used"
    assert LoginTicket.objects.get(pk=ticket.pk).transitions.filter(new="consumed").count() == 1


def test_flaw_predictable_qr_id(browser, settings):
    """QR ids (ticket keys) and the scenes in the codes are random: ≥128 bits, unrelated to each
    other, to time or to a counter."""
    settings.RATE_LIMITS_ENABLED = False
    tickets = [browser.new_ticket() for _ in range(200)]
    keys, scenes = [t.key for t in tickets], [t.scene for t in tickets]
    assert len(set(keys)) == len(set(scenes)) == 200
    assert all(len(k) >= 32 for k in keys) and all(len(s) == 32 for s in scenes)
    bits = "".join(bin(int(s, 16))[2:].zfill(128) for s in scenes)
    assert 0.47 < bits.count("1") / len(bits) < 0.53  # 25,600 bits: a counter or a clock would be far off
    for a, b in zip(scenes, scenes[1:]):
        assert a[:6] != b[:6] and abs(int(a, 16) - int(b, 16)) > 2 ** 100  # neighbours are not close
    assert not any(t.scene in t.key or t.key.startswith(t.scene[:8]) for t in tickets)


def test_flaw_controllable_qr_id(browser, phone, wx_user, wechat_sim):
    """Nobody chooses a QR id: ids a client sends are ignored, ids the server did not make lead nowhere,
    and no code is ever drawn for a scene a client chose."""
    chosen = "attacker-chosen-id-0000000000000000"
    made = browser.client.post(browser.url(), json.dumps({"app_id": browser.app.client_id, "connection": "wechat-pc",
                                                          "ticket": chosen, "scene": "f" * 32, "key": chosen}),
                               content_type="application/json")
    assert made.status_code == 201 and made.json()["ticket"] != chosen
    assert LoginTicket.objects.get().scene != "f" * 32
    assert browser.status(chosen).status_code == 404
    assert browser.client.get(browser.url(f"/{chosen}/qrcode.png")).status_code == 404
    assert phone.scan(LoginTicket(scene="f" * 32), wx_user).status_code == 404
    assert LoginTicket.objects.count() == 1 and sim_get(wechat_sim, "/sim/wxacodes") == []


def test_flaw_missing_token_validation(browser, phone, wx_user, wechat_sim, settings):
    """Every token the phone sends is checked by its issuer: the login code and the phone code by
    WeChat, the scan token by ScanLogin; a phone number or an identity the client states is ignored."""
    ticket = browser.new_ticket()
    forged = phone.post("scan", {"scene": ticket.scene, "code": "forged-login-code", "openid": "o-victim"})
    assert forged.status_code == 400 and forged.json()["error"] == "wechat_code_invalid"
    scanned = phone.scan(ticket, wx_user).json()
    assert phone.post("confirm", {"scan_token": "made-up-token", "phone_code": phone.phone_code(wx_user)}).status_code == 404
    other_app = sim_code(wechat_sim, appid=settings.WECHAT_DEFAULT_APP_ID, user=wx_user["id"], kind="phone",
                         watermark_appid="wx9999999999999999")
    watermark = phone.post("confirm", {"scan_token": scanned["scan_token"], "phone_code": other_app})
    assert watermark.status_code == 400 and watermark.json()["error"] == "wechat_code_invalid"
    stated = phone.post("confirm", {"scan_token": scanned["scan_token"], "phone_code": phone.phone_code(wx_user),
                                    "phone": "+8613999999999", "phone_number": "+8613999999999"})
    assert stated.status_code == 200
    assert LoginTicket.objects.get(pk=ticket.pk).phone == "+8613800138000"  # WeChat's verified number
    assert not EndUser.objects.filter(phone="+8613999999999").exists()


def test_flaw_sensitive_data_leakage(browser, phone, wx_user, existing_user, connection, settings):
    """The status answer carries no personal data: a masked nickname, and the account's avatar only
    once this browser is to receive the login anyway (confirmed), never while a phone merely scanned."""
    EndUser.objects.filter(pk=existing_user.pk).update(nickname="Lin Wei", avatar=AVATAR)
    link_identity(existing_user, connection, wx_user, settings.WECHAT_DEFAULT_APP_ID)
    ticket = browser.new_ticket()
    allowed = {"ticket", "status", "expires_at", "expires_in", "scanned_by", "reason"}

    pending = browser.status(ticket.key).json()
    scanned_answer = phone.scan(ticket, wx_user).json()
    scanned = browser.status(ticket.key).json()
    assert scanned["status"] == "scanned" and scanned["scanned_by"] == {"nickname": "L***i", "avatar": ""}
    phone.confirm(scanned_answer["scan_token"], wx_user)
    confirmed = browser.status(ticket.key).json()
    assert confirmed["scanned_by"] == {"nickname": "L***i", "avatar": AVATAR}

    secrets_and_data = [existing_user.phone, "13800138000", str(existing_user.sub), existing_user.username,
                        existing_user.email, wx_user["openids"][settings.WECHAT_DEFAULT_APP_ID], wx_user["unionid"],
                        scanned_answer["scan_token"], "Lin Wei"]
    for answer in (pending, scanned, confirmed):
        assert set(answer) <= allowed
        text = json.dumps(answer)
        assert not [s for s in secrets_and_data if s and s in text]
    # The phone learns about the asking browser, nothing about other accounts.
    assert set(scanned_answer) == {"scan_token", "expires_in", "app", "pool", "connection", "client"}
    assert set(scanned_answer["client"]) <= {"ip", "user_agent", "region"}
