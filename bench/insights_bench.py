"""The pool dashboard on a million login events: its queries' times and PostgreSQL's plans.

Loads 1,000,000 login events over 60 days into a database of its own (one INSERT … SELECT from
generate_series: 10 pools, the first holding half of the events, 3 connections and 3 applications
each), plus 60 days of funnel and WeChat-failure counters, then VACUUM ANALYZE (as autovacuum
would), and for the big pool and for a small one prints the time of the whole dashboard
(console/insights.py, 7 and 30 days; best of 5) and EXPLAIN (ANALYZE, BUFFERS) of each of its
queries. Figures only; nothing here asserts a time.

  .venv/bin/python bench/insights_bench.py
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/scanlogin_dashbench;
the database is created if missing and its tables emptied first), BENCH_EVENTS (default 1000000),
BENCH_LOAD=0 (measure the events a previous run loaded).
"""
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scanlogin_dashbench")
EVENTS = int(os.environ.get("BENCH_EVENTS", "1000000"))
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scanlogin.settings")
os.environ.setdefault("DB_POOL", "false")


def create_database() -> None:
    import psycopg

    base, _sep, name = DB_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def load(pools) -> None:
    from django.db import connection

    from accounts.models import LoginEvent
    from hostedlogin.models import TicketStageDay, WeChatFailureDay

    conns = {p.pk: [c.pk for c in p.connections.order_by("pk")] for p in pools}
    apps = {p.pk: [a.pk for a in p.applications.order_by("pk")] for p in pools}
    big = pools[0].pk
    pool_ids = [p.pk for p in pools]
    table = LoginEvent._meta.db_table
    started = time.perf_counter()
    with connection.cursor() as cur:
        # Half the events in the first pool, the rest spread over the other nine; 60 days back;
        # outcomes weighted like a live pool (mostly logged in, some sign-ups, few refusals).
        cur.execute(f"""
            INSERT INTO {table} (pool_id, connection_id, application_id, outcome, reason, region, user_agent, created_at)
            SELECT p.pool, (%(conns)s::jsonb -> p.pool::text ->> (g %% 3)::int)::bigint,
                   (%(apps)s::jsonb -> p.pool::text ->> ((g / 7) %% 3)::int)::bigint,
                   (ARRAY['logged_in','logged_in','logged_in','logged_in','logged_in','created','created','matched',
                          'bound','bind_required','refused','cancelled','expired','failed'])[1 + ((g * 7919) %% 14)::int],
                   CASE WHEN (g * 7919) %% 14 = 10 THEN (ARRAY['login_only','user_blocked','phone_in_use'])[1 + (g %% 3)::int] ELSE '' END,
                   '{{}}'::jsonb, '', now() - ((g * 104729) %% (60 * 86400)) * interval '1 second'
            FROM generate_series(1::bigint, %(n)s::bigint) AS g
            CROSS JOIN LATERAL (SELECT CASE WHEN g %% 2 = 0 THEN %(big)s
                                            ELSE (%(ids)s::bigint[])[2 + (g %% 9)::int] END AS pool) p
        """, {"n": EVENTS, "big": big, "ids": pool_ids,
              "conns": _json({str(k): v for k, v in conns.items()}), "apps": _json({str(k): v for k, v in apps.items()})})
    print(f"loaded {EVENTS:,} login events in {time.perf_counter() - started:.1f} s", flush=True)
    from django.utils import timezone
    from datetime import timedelta

    today = timezone.localdate()
    TicketStageDay.objects.bulk_create([
        TicketStageDay(pool_id=pid, day=today - timedelta(days=d), stage=stage, shard=s, count=n)
        for pid in pool_ids for d in range(60) for s in range(8)
        for stage, n in (("pending", 90), ("scanned", 60), ("confirmed", 50), ("consumed", 48))])
    WeChatFailureDay.objects.bulk_create([
        WeChatFailureDay(pool_id=pid, day=today - timedelta(days=d), connection=f"wechat-{c}", api=api, errcode=code, count=3)
        for pid in pool_ids for d in range(60) for c in range(3)
        for api, code in (("phone", -1), ("jscode2session", 40029), ("wxacode", 45009))])
    with connection.cursor() as cur:
        cur.execute(f"VACUUM ANALYZE {table}")
        cur.execute(f"VACUUM ANALYZE {TicketStageDay._meta.db_table}")
        cur.execute(f"VACUUM ANALYZE {WeChatFailureDay._meta.db_table}")


def _json(value) -> str:
    import json

    return json.dumps(value)


def setup_pools():
    from accounts.models import LoginEvent
    from connections.models import Connection
    from connections.services import connection_create
    from hostedlogin.models import TicketStageDay, WeChatFailureDay
    from tenants.models import UserPool
    from tenants.services import application_create, pool_create

    LoginEvent.objects.all().delete()
    TicketStageDay.objects.all().delete()
    WeChatFailureDay.objects.all().delete()
    Connection.objects.filter(pool__slug__startswith="bench-").delete()
    UserPool.objects.filter(slug__startswith="bench-").delete()
    pools = []
    for i in range(10):
        pool = pool_create(slug=f"bench-{i}", name=f"Bench {i}")
        for c in range(3):
            connection_create(pool=pool, identifier=f"wechat-{c}", display_name=f"WeChat {c}",
                              callback_url="https://shop.example.com/cb")
            application_create(pool=pool, name=f"App {c}", redirect_uris=["https://shop.example.com/callback"])
        pools.append(pool)
    return pools


def measure(pool, days: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from console.insights import pool_dashboard

    times = []
    for _ in range(5):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            board = pool_dashboard(pool=pool, days=days)
        times.append((time.perf_counter() - started) * 1000)
    print(f"\n== {pool.slug}, {days} days: {board.totals['events']:,} events in the period; "
          f"dashboard best {min(times):.0f} ms, median {sorted(times)[2]:.0f} ms, {len(queries)} queries", flush=True)
    with connection.cursor() as cur:
        for q in queries.captured_queries:
            sql = q["sql"]
            if "loginevent" not in sql and "stageday" not in sql and "failureday" not in sql:
                continue
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cur.fetchall()]
            print(f"\n-- {sql[:160]}{'…' if len(sql) > 160 else ''}")
            print("\n".join("   " + line for line in plan))


def main() -> None:
    create_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if os.environ.get("BENCH_LOAD") == "0":  # measure again the events a previous run loaded
        from tenants.models import UserPool

        pools = list(UserPool.objects.filter(slug__startswith="bench-").order_by("pk"))
    else:
        pools = setup_pools()
        load(pools)
    for pool in (pools[0], pools[1]):
        for days in (7, 30):
            measure(pool, days)


if __name__ == "__main__":
    main()
