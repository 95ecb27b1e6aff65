"""The ticket transition on SQLite, the embedded default (`make run`): there the conditional UPDATE,
its audit row and its funnel count run as three statements (on PostgreSQL, which the rest of the
suite uses, they are one: hostedlogin/tickets.py `_moved`), and the ticket lock has no FOR UPDATE; the login path's plain-SQL reads and INSERTs work there too. Run in a process of its own on a
fresh SQLite file, migrated as `make run` does."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json
from django.db.models import Sum
from connections.services import connection_create
from hostedlogin.models import LoginTicket, TicketStageDay, TicketTransition
from django.db import transaction
from hostedlogin.tickets import ticket_create, ticket_lock, transition
from accounts.models import Identity, LoginEvent
from accounts.services import end_user_create, identity_link, login_event_record
from scanlogin.queries import unique_row_where
from scanlogin.sessions import SessionStore
from tenants.services import application_create, pool_create

pool = pool_create(slug="acme", name="Acme")
app, _ = application_create(pool=pool, name="Shop", redirect_uris=["https://shop.example.com/cb"])
conn = connection_create(pool=pool, identifier="wechat-pc", display_name="WeChat", callback_url="https://shop.example.com/after")
ticket = ticket_create(pool=pool, application=app, connection=conn, browser_hash="b" * 64)
won = transition(ticket, old="pending", new="scanned", actor="phone", openid="o-1", scanned_nickname="W**g")
lost = transition(ticket, old="pending", new="scanned", actor="phone", openid="o-2")
guarded = transition(ticket, old="scanned", new="confirmed", actor="phone", where={"bind_pending": True})
with transaction.atomic():
    locks = [ticket_lock(ticket, status="scanned"), ticket_lock(ticket, status="pending")]
row = LoginTicket.objects.get(pk=ticket.pk)
read = unique_row_where(LoginTicket, '"key" = %s', [ticket.key], related=("user",))
user = end_user_create(pool=pool, phone="+8613800138000", phone_verified=True)
identity = identity_link(user=user, connection=conn, app_id="wx00000000000000d0", openid="o-1", profile={"a": 1})
event = login_event_record(pool=pool, outcome="created", connection=conn, user=user, ip="1.2.3.4")
session = SessionStore()
session["who"] = user.pk
session.save()
print(json.dumps({
    "won": won, "lost": lost, "guarded": guarded, "locks": locks, "status": row.status, "openid": row.openid,
    "nickname": row.scanned_nickname, "in_memory": ticket.status,
    "read": [read.pk == row.pk, read.status, read.user is None, read.created_at == row.created_at],
    "written": [Identity.objects.get(pk=identity.pk).user_id == user.pk, identity.profile,
                LoginEvent.objects.get(pk=event.pk).user_id == user.pk, SessionStore(session.session_key)["who"] == user.pk],
    "audit": list(TicketTransition.objects.filter(ticket=ticket).values_list("old", "new", "actor")),
    "funnel": {s: TicketStageDay.objects.filter(pool=pool, stage=s).aggregate(n=Sum("count"))["n"] for s in ("pending", "scanned", "confirmed")},
}))
"""


def test_a_transition_and_a_lock_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "DJANGO_"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "REDIS_URL": "", "DEBUG": "true"})
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    out = subprocess.run([*manage, "shell", "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert (found["won"], found["lost"], found["guarded"]) == (True, False, False)
    assert found["locks"] == [True, False]  # the lock finds the ticket only in the state asked for
    assert (found["status"], found["openid"], found["nickname"], found["in_memory"]) == ("scanned", "o-1", "W**g", "scanned")
    assert found["read"] == [True, "scanned", True, True]  # the plain-SQL read of the login path (scanlogin/queries.py)
    assert found["written"] == [True, {"a": 1}, True, True]  # plain INSERTs: an account, its identity, an event, a session
    assert found["audit"] == [["pending", "scanned", "phone"]]
    assert found["funnel"] == {"pending": 1, "scanned": 1, "confirmed": None}
