"""A REAL Celery worker (celery.contrib.testing, Redis broker) expires a ticket through the beat task."""
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from hostedlogin.models import LoginTicket, TicketStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def celery_worker_on_redis():
    from celery.contrib.testing.worker import start_worker

    from scanlogin.celery import app

    app.conf.broker_url = settings.REDIS_URL
    app.loader.import_default_modules()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def test_a_real_worker_expires_an_overdue_ticket(celery_worker_on_redis, browser):
    from hostedlogin.tasks import expire_overdue_tickets

    ticket = browser.new_ticket()
    LoginTicket.objects.filter(pk=ticket.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expire_overdue_tickets.delay()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and LoginTicket.objects.get(pk=ticket.pk).status != TicketStatus.EXPIRED:
        time.sleep(0.1)
    assert LoginTicket.objects.get(pk=ticket.pk).status == TicketStatus.EXPIRED
    assert ticket.transitions.get().actor == "sweeper"
