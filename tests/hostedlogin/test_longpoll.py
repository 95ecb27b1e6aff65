"""The long-poll answers as soon as the ticket changes: woken by Redis pub/sub, or by DB polling without it."""
import threading
import time

import pytest
from django.db import connections

from hostedlogin.models import TicketStatus
from hostedlogin.tickets import transition

pytestmark = pytest.mark.django_db(transaction=True)


def _change_later(ticket, delay):
    def run():
        time.sleep(delay)
        transition(ticket, old=TicketStatus.PENDING, new=TicketStatus.SCANNED, actor="phone", openid="o", scanned_nickname="W**")
        connections.close_all()
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_waiting_browser_is_woken_by_redis(browser, settings):
    assert settings.REDIS_URL, "CI runs this with Redis"
    ticket = browser.new_ticket()
    thread = _change_later(ticket, 0.5)
    started = time.monotonic()
    answer = browser.status(ticket.key, since="pending", wait=10).json()
    elapsed = time.monotonic() - started
    thread.join()
    assert answer["status"] == "scanned" and answer["scanned_by"]["nickname"] == "W**"
    assert elapsed < 5  # woken by the change, not by the 10 s wait


def test_without_redis_the_wait_falls_back_to_polling(browser, settings):
    settings.REDIS_URL = ""
    ticket = browser.new_ticket()
    thread = _change_later(ticket, 0.5)
    answer = browser.status(ticket.key, since="pending", wait=10).json()
    thread.join()
    assert answer["status"] == "scanned"


def test_with_redis_down_the_wait_falls_back_to_polling(browser, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    ticket = browser.new_ticket()
    thread = _change_later(ticket, 0.5)
    answer = browser.status(ticket.key, since="pending", wait=10).json()
    thread.join()
    assert answer["status"] == "scanned"


def test_the_wait_ends_at_expiry_with_expired(browser, settings):
    settings.QR_TICKET_TTL = 1
    ticket = browser.new_ticket()
    started = time.monotonic()
    answer = browser.status(ticket.key, since="pending", wait=10).json()
    assert answer["status"] == "expired" and time.monotonic() - started < 5


def test_an_unchanged_ticket_answers_after_wait(browser):
    ticket = browser.new_ticket()
    answer = browser.status(ticket.key, since="pending", wait=1).json()
    assert answer["status"] == "pending" and answer["expires_in"] > 0
