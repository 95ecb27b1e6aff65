"""Scan flow benchmark: 200 browsers long-polling their tickets at once on one machine.

Prints, for the production shape (uvicorn + the async long-poll view + Redis pub/sub):
  * the time from a ticket's confirm (the transition that commits and publishes) to the waiting
    browser's answer: median and p99 (target p99 ≤ 100 ms);
  * database queries per status request: while waiting on Redis (target 0) and in total per
    request (target ≤ 1); and the same figures for the no-Redis fallback (short DB polling).

Standalone (`make bench`): sets up Django itself, creates its own database
(BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/scanlogin_bench), uses
BENCH_REDIS_URL (default redis://127.0.0.1:6379/3), and serves the ASGI app with uvicorn in a
thread on a free port.
"""
import asyncio
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WAITERS = int(os.environ.get("BENCH_WAITERS", "200"))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scanlogin_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ.update({"DATABASE_URL": DB_URL, "REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "scanlogin.settings",
                   "LOG_LEVEL": "WARNING", "DEBUG": "true"})


def ensure_database():
    if not DB_URL.startswith("postgres"):
        return
    import psycopg

    parts = urlsplit(DB_URL)
    name = parts.path.lstrip("/")
    admin = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


class QueryCounter:
    """Counts SQL statements the server runs, on every database connection it opens."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, execute, sql, params, many, context):
        with self.lock:
            self.count += 1
        return execute(sql, params, many, context)


def setup_django():
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db.backends.signals import connection_created

    counter = QueryCounter()
    def count_on(sender, connection, **kw):  # a pooled connection "connects" at every checkout: install once
        if counter not in connection.execute_wrappers:
            connection.execute_wrappers.append(counter)

    connection_created.connect(count_on, weak=False)
    return counter


def make_fixture(n):
    """A pool, application and connection, and n scanned tickets each bound to its own browser."""
    import hashlib
    import secrets

    from connections.models import Connection
    from connections.services import connection_create, connection_enable_for
    from tenants.models import Application, UserPool
    from tenants.services import application_create
    from hostedlogin.models import LoginTicket, TicketStatus
    from hostedlogin.tickets import ticket_create

    pool, _ = UserPool.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    LoginTicket.objects.filter(pool=pool).delete()
    app = Application.objects.filter(pool=pool).first() or application_create(pool=pool, name="Bench app")[0]
    conn = Connection.objects.filter(pool=pool, identifier="wechat-pc").first() or connection_create(
        pool=pool, identifier="wechat-pc", display_name="WeChat", callback_url="https://bench.example/cb")
    connection_enable_for(connection=conn, application=app)
    browsers = []
    for _ in range(n):
        secret = secrets.token_urlsafe(32)
        ticket = ticket_create(pool=pool, application=app, connection=conn, browser_hash=hashlib.sha256(secret.encode()).hexdigest())
        LoginTicket.objects.filter(pk=ticket.pk).update(status=TicketStatus.SCANNED, openid="o-bench")
        ticket.status = TicketStatus.SCANNED
        browsers.append((ticket, secret))
    return browsers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server():
    import uvicorn

    from scanlogin.asgi import application

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                           backlog=4096, limit_concurrency=10000))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, port


async def http_get(port, path, cookie):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sl_browser={cookie}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    return data


async def run_round(port, browsers, counter, *, confirm_gap=0.01):
    """All browsers wait (since=scanned); then each ticket is confirmed in turn; returns the figures."""
    from asgiref.sync import sync_to_async

    from hostedlogin.models import TicketStatus
    from hostedlogin.tickets import transition

    answered = {}

    async def wait(ticket, secret):
        body = await http_get(port, f"/u/bench/api/qr-tickets/{ticket.key}?since=scanned&wait=30", secret)
        answered[ticket.key] = (time.perf_counter(), b'"confirmed"' in body)

    start_count = counter.count
    tasks = []
    for i, (ticket, secret) in enumerate(browsers):
        tasks.append(asyncio.create_task(wait(ticket, secret)))
        if i % 20 == 19:
            await asyncio.sleep(0.05)  # arrive like browsers do, not in one burst of 200 connects
    deadline = time.perf_counter() + 30
    while counter.count - start_count < len(browsers) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)  # until every waiter has read its ticket once
    await asyncio.sleep(0.3)
    waiting_from = counter.count
    await asyncio.sleep(1.0)
    waiting_queries = counter.count - waiting_from

    confirmed_at = {}

    def confirm_all():
        for ticket, _secret in browsers:
            confirmed_at[ticket.key] = time.perf_counter()
            transition(ticket, old=TicketStatus.SCANNED, new=TicketStatus.CONFIRMED, actor="bench")
            time.sleep(confirm_gap)

    confirm_queries_before = counter.count
    await sync_to_async(confirm_all, thread_sensitive=False)()
    confirm_queries = counter.count - confirm_queries_before
    await asyncio.gather(*tasks)
    latencies = sorted((answered[k][0] - confirmed_at[k]) * 1000 for k in confirmed_at)
    ok = sum(1 for _t, good in answered.values() if good)
    status_queries = counter.count - start_count - confirm_queries
    return {"latencies": latencies, "ok": ok, "waiting_queries": waiting_queries, "per_request": status_queries / len(browsers)}


def p99(values):
    return values[min(len(values) - 1, int(round(0.99 * (len(values) - 1))))]


def report(title, r, n):
    lat = r["latencies"]
    print(f"-- {title}")
    print(f"   answered confirmed:            {r['ok']}/{n}")
    print(f"   confirm -> answer median:      {statistics.median(lat):7.1f} ms")
    print(f"   confirm -> answer p99:         {p99(lat):7.1f} ms   (target <= 100 ms)")
    print(f"   DB queries while waiting:      {r['waiting_queries']}   (all {n} waiters, 1 s window)")
    print(f"   DB queries per status request: {r['per_request']:.2f}")


def main():
    counter = setup_django()
    from django.conf import settings

    from hostedlogin import longpoll

    server, port = start_server()
    print(f"scanflow bench: {WAITERS} browsers long-polling at once; uvicorn on 127.0.0.1:{port}; DB {urlsplit(DB_URL).path.lstrip('/')}")
    try:
        redis_round = asyncio.run(run_round(port, make_fixture(WAITERS), counter))
        report("Redis pub/sub (production shape)", redis_round, WAITERS)
        settings.REDIS_URL = ""  # the fallback: the server's database poller
        for hub in list(longpoll._hubs.values()):  # the server loop's next request makes a hub without Redis
            for task in hub._tasks:
                task.get_loop().call_soon_threadsafe(task.cancel)
        longpoll._hubs.clear()
        poll_round = asyncio.run(run_round(port, make_fixture(WAITERS), counter))
        report("No Redis: DB polling fallback", poll_round, WAITERS)
    finally:
        server.should_exit = True
        time.sleep(0.3)
    return 0 if redis_round["ok"] == WAITERS else 1


if __name__ == "__main__":
    sys.exit(main())
