"""Races on PostgreSQL with real threads: two scans, two confirms, two exchanges → one winner each."""
import threading

import pytest
from django.db import connection as db_connection

from accounts.models import EndUser, Identity, LoginEvent
from hostedlogin.models import LoginTicket, TicketStatus, TicketTransition
from tests.fixtures.scanflow import Browser
from wechatsim.testing import sim_user

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    """Run the calls at the same moment in threads (each with its own DB connection).

    A call that raises makes the race raise that exception (not a later, unrelated error).
    """
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except BaseException as exc:  # re-raised in the test's thread below
            errors.append(exc)
        finally:
            from django.db import connections
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads), "a racing call did not finish within 30 s"
    if errors:
        raise errors[0]
    return results


def test_two_scans_one_winner(browser, phone, wx_user, wechat_sim):
    assert db_connection.vendor == "postgresql"
    ticket = browser.new_ticket()
    other = sim_user(wechat_sim, "13700137000")
    codes = [phone.login_code(wx_user), phone.login_code(other)]
    answers = race(*[lambda c=c: phone.post("scan", {"scene": ticket.scene, "code": c}) for c in codes])
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert [a.json()["error"] for a in answers if a.status_code == 409] == ["ticket_already_scanned"]
    winner = next(a for a in answers if a.status_code == 200)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SCANNED
    assert TicketTransition.objects.filter(ticket=ticket).count() == 1
    assert phone.confirm(winner.json()["scan_token"], wx_user if ticket.openid == wx_user["openids"][phone.appid] else other).status_code == 200


def test_two_confirms_one_winner_nothing_half_written(browser, phone, wx_user):
    ticket = browser.new_ticket()
    token = phone.scan(ticket, wx_user).json()["scan_token"]
    codes = [phone.phone_code(wx_user), phone.phone_code(wx_user)]
    answers = race(*[lambda c=c: phone.post("confirm", {"scan_token": token, "phone_code": c}) for c in codes])
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert [a.json()["error"] for a in answers if a.status_code == 409] == ["ticket_already_confirmed"]
    assert EndUser.objects.count() == 1 and Identity.objects.count() == 1 and LoginEvent.objects.count() == 1
    assert TicketTransition.objects.filter(ticket=ticket, new=TicketStatus.CONFIRMED).count() == 1


def test_two_exchanges_one_winner(browser, phone, wx_user):
    ticket = browser.new_ticket()
    phone.scan_and_confirm(ticket, wx_user)
    twin = Browser(browser.pool, browser.app)
    twin.client.cookies = browser.client.cookies  # two tabs of the same browser
    answers = race(lambda: browser.exchange(ticket.key), lambda: twin.exchange(ticket.key))
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert [a.json()["error"] for a in answers if a.status_code == 409] == ["ticket_already_used"]
    assert TicketTransition.objects.filter(ticket=ticket, new=TicketStatus.CONSUMED).count() == 1


def test_first_logins_of_one_wechat_user_on_two_tickets_make_one_user(browser, phone, wx_user):
    tickets = [browser.new_ticket(), browser.new_ticket()]
    tokens = [phone.scan(t, wx_user).json()["scan_token"] for t in tickets]
    codes = [phone.phone_code(wx_user), phone.phone_code(wx_user)]
    answers = race(*[lambda t=t, c=c: phone.post("confirm", {"scan_token": t, "phone_code": c}) for t, c in zip(tokens, codes)])
    assert [a.status_code for a in answers] == [200, 200]
    assert EndUser.objects.count() == 1 and Identity.objects.count() == 1
    assert set(LoginTicket.objects.values_list("user_id", flat=True)) == {EndUser.objects.get().pk}


def test_sweep_and_confirm_racing_leave_one_outcome(browser, phone, wx_user):
    from django.utils import timezone

    from hostedlogin.tickets import tickets_expire_overdue

    ticket = browser.new_ticket()
    token = phone.scan(ticket, wx_user).json()["scan_token"]
    code = phone.phone_code(wx_user)
    LoginTicket.objects.filter(pk=ticket.pk).update(expires_at=timezone.now() + timezone.timedelta(milliseconds=300))
    import time
    time.sleep(0.35)
    answer, expired = race(lambda: phone.post("confirm", {"scan_token": token, "phone_code": code}), tickets_expire_overdue)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.EXPIRED and answer.status_code == 410
    assert TicketTransition.objects.filter(ticket=ticket, new=TicketStatus.EXPIRED).count() == 1
    assert not EndUser.objects.exists()
