"""Expire overdue tickets (and purge old ones) without Celery: the embedded default's sweeper.

    python manage.py sweep_tickets            # once
    python manage.py sweep_tickets --every 5  # loop (scripts/run-dev.sh starts this)
"""
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from connections.logo_cleanup import logo_files_purge_orphans
from hostedlogin.tickets import tickets_expire_overdue, tickets_purge_finished
from oidc.services import oidc_purge_stale

PURGE_EVERY = 3600


class Command(BaseCommand):
    help = "Expire overdue login tickets and purge finished ones (same services as the Celery tasks)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="Repeat every N seconds (0: run once).")

    def handle(self, *args, every, **options):
        last_purge = 0.0
        while True:
            expired = tickets_expire_overdue()
            if time.monotonic() - last_purge >= PURGE_EVERY:
                purged = tickets_purge_finished() + oidc_purge_stale() + logo_files_purge_orphans()
                last_purge = time.monotonic()
            else:
                purged = 0
            if expired or purged or not every:
                self.stdout.write(f"expired {expired}, purged {purged}")
            if not every:
                return
            close_old_connections()
            time.sleep(every)
