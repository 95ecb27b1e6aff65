"""Where a login comes from: the scan answer's client.region, and the region kept on login events.

The browser's address is the test client's REMOTE_ADDR: a real public address of China Telecom in
Shenzhen, a documentation address (unknown), or loopback (the local network).
"""
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import LoginEvent, LoginOutcome
from hostedlogin.models import LoginTicket
from hostedlogin.tickets import tickets_expire_overdue
from tests.fixtures.scanflow import Browser

pytestmark = pytest.mark.django_db

SHENZHEN_IP = "113.116.0.1"
SHENZHEN = {"country": "中国", "province": "广东", "city": "深圳"}
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"


def browser_at(pool, login_app, ip):
    return Browser(pool, login_app, client=Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=CHROME))


@pytest.mark.parametrize("ip, region", [
    (SHENZHEN_IP, SHENZHEN),
    ("8.8.8.8", {"country": "美国", "province": "", "city": ""}),
    ("127.0.0.1", {"local": True}),
    ("192.168.1.20", {"local": True}),
    ("203.0.113.9", {}),  # a documentation address: unknown
])
def test_the_scan_answer_says_where_the_browser_is(phone, wx_user, pool, login_app, ip, region):
    ticket = browser_at(pool, login_app, ip).new_ticket()
    answer = phone.scan(ticket, wx_user)
    assert answer.status_code == 200
    body = answer.json()
    # The contract only grows: every field it had, unchanged, and client.region beside them.
    assert set(body) == {"scan_token", "expires_in", "app", "pool", "connection", "client"}
    assert body["client"] == {"ip": ip, "user_agent": CHROME, "region": region}


def test_the_login_event_keeps_the_region_of_the_confirmed_login(phone, wx_user, pool, login_app):
    browser = browser_at(pool, login_app, SHENZHEN_IP)
    ticket = browser.new_ticket()
    assert phone.scan_and_confirm(ticket, wx_user).status_code == 200
    event = LoginEvent.objects.get(pool=pool)
    assert event.outcome == LoginOutcome.CREATED
    assert event.ip == SHENZHEN_IP and event.region == SHENZHEN
    assert event.region_text() == "中国 广东 深圳"


def test_a_refusal_from_the_local_network_says_so(phone, wx_user, pool, login_app, connection):
    from connections.services import connection_update

    connection_update(connection=connection, login_only=True)
    ticket = browser_at(pool, login_app, "10.0.0.8").new_ticket()
    assert phone.scan_and_confirm(ticket, wx_user).status_code == 403
    event = LoginEvent.objects.get(pool=pool)
    assert event.outcome == LoginOutcome.REFUSED and event.region == {"local": True}
    assert event.region_text() == "Local network"


def test_an_expired_scanned_ticket_writes_its_region_too(phone, wx_user, pool, login_app):
    ticket = browser_at(pool, login_app, SHENZHEN_IP).new_ticket()
    assert phone.scan(ticket, wx_user).status_code == 200
    LoginTicket.objects.filter(pk=ticket.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tickets_expire_overdue() == 1
    event = LoginEvent.objects.get(pool=pool)
    assert event.outcome == LoginOutcome.EXPIRED and event.region == SHENZHEN
