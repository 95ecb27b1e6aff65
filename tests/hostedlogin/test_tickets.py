"""The state machine's services called directly: transitions, audit rows, expiry in batches, purge."""
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import LoginEvent
from hostedlogin import tasks
from hostedlogin.models import LoginTicket, TicketStatus, TicketTransition
from hostedlogin.tickets import (
    mask_nickname,
    public_state,
    ticket_create,
    tickets_expire_overdue,
    tickets_purge_finished,
    transition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_ticket(pool, login_app, connection):
    def make(**kw):
        return ticket_create(pool=pool, application=login_app, connection=connection, browser_hash="b" * 64, **kw)
    return make


def _overdue(*tickets):
    LoginTicket.objects.filter(pk__in=[t.pk for t in tickets]).update(expires_at=timezone.now() - timedelta(seconds=1))


def test_ticket_lives_qr_ticket_ttl(make_ticket, settings):
    settings.QR_TICKET_TTL = 42
    ticket = make_ticket()
    assert 41 <= (ticket.expires_at - timezone.now()).total_seconds() <= 42


def test_a_transition_is_a_compare_and_swap_with_an_audit_row(make_ticket):
    ticket = make_ticket()
    assert transition(ticket, old=TicketStatus.PENDING, new=TicketStatus.SCANNED, actor="phone")
    stale = LoginTicket.objects.get(pk=ticket.pk)
    stale.status = TicketStatus.PENDING  # a second worker that read the ticket before the first wrote
    assert not transition(stale, old=TicketStatus.PENDING, new=TicketStatus.SCANNED, actor="phone")
    row = TicketTransition.objects.get(ticket=ticket)
    assert (row.old, row.new, row.actor) == ("pending", "scanned", "phone") and row.at


def test_no_transition_on_an_overdue_ticket(make_ticket):
    ticket = make_ticket()
    _overdue(ticket)
    ticket.refresh_from_db()
    assert not transition(ticket, old=TicketStatus.PENDING, new=TicketStatus.SCANNED, actor="phone")
    assert ticket.effective_status() == TicketStatus.EXPIRED


def test_public_state_carries_no_personal_data(make_ticket):
    ticket = make_ticket()
    ticket.openid, ticket.phone, ticket.status = "o-secret", "+8613800138000", TicketStatus.SCANNED
    ticket.scanned_nickname = mask_nickname("Zhang San")
    state = public_state(ticket)
    # (not "138" alone: a random ticket key or a time may hold those digits)
    assert "o-secret" not in str(state) and "13800138000" not in str(state)
    assert state["scanned_by"]["nickname"] == "Z***n"


def test_expire_overdue_in_batches_with_one_update_per_batch(make_ticket):
    live = make_ticket()
    overdue = [make_ticket() for _ in range(7)]
    _overdue(*overdue)
    with CaptureQueriesContext(db_connection) as queries:
        assert tickets_expire_overdue(batch_size=3) == 7
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 3  # 3 + 3 + 1: one statement per batch, never one per ticket
    assert LoginTicket.objects.filter(status=TicketStatus.EXPIRED).count() == 7
    assert LoginTicket.objects.get(pk=live.pk).status == TicketStatus.PENDING
    assert TicketTransition.objects.filter(new=TicketStatus.EXPIRED, actor="sweeper").count() == 7


def test_expiry_of_a_scanned_ticket_is_a_login_event(make_ticket):
    ticket = make_ticket()
    transition(ticket, old=TicketStatus.PENDING, new=TicketStatus.SCANNED, actor="phone", openid="o1")
    _overdue(ticket)
    tickets_expire_overdue()
    assert LoginEvent.objects.get().outcome == "expired"


def test_the_task_expires_overdue_tickets(make_ticket):
    ticket = make_ticket()
    _overdue(ticket)
    assert tasks.expire_overdue_tickets() == 1
    assert LoginTicket.objects.get(pk=ticket.pk).status == TicketStatus.EXPIRED


def test_the_sweep_command_runs_the_same_service(make_ticket, capsys):
    ticket = make_ticket()
    _overdue(ticket)
    call_command("sweep_tickets")
    assert LoginTicket.objects.get(pk=ticket.pk).status == TicketStatus.EXPIRED
    assert "expired 1" in capsys.readouterr().out


def test_purge_keeps_live_and_recent_tickets(make_ticket, settings):
    old_done, recent_done, live = make_ticket(), make_ticket(), make_ticket()
    LoginTicket.objects.filter(pk__in=[old_done.pk, recent_done.pk]).update(status=TicketStatus.EXPIRED)
    LoginTicket.objects.filter(pk=old_done.pk).update(updated_at=timezone.now() - timedelta(days=8))
    TicketTransition.objects.create(ticket=old_done, old="pending", new="expired", actor="sweeper")
    assert tasks.purge_finished_tickets() == 1
    assert set(LoginTicket.objects.values_list("pk", flat=True)) == {recent_done.pk, live.pk}
    assert tickets_purge_finished(retention_seconds=0) == 1


def test_beat_schedules_each_periodic_task_and_each_exists(settings):
    from scanlogin.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names == {"hostedlogin.tasks.expire_overdue_tickets", "hostedlogin.tasks.purge_finished_tickets",
                     "hostedlogin.tasks.purge_try_grants", "oidc.tasks.purge_stale_grants", "connections.tasks.purge_orphan_logos"}
    assert names <= set(app.tasks)
