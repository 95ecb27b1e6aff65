"""Daily counters of the login flow (the pool dashboard reads them): ticket funnel stages and
WeChat failures. Each count is one upsert in the caller's transaction.

`count_up` is INSERT … ON CONFLICT (key) DO UPDATE SET count = count + n: one statement, no
read-modify-write race, on PostgreSQL and on SQLite (the embedded default) alike. Django's
bulk_create(update_conflicts=True) can only overwrite the column, not add to it.
"""
import random

from django.db import connection as db
from django.utils import timezone

from .models import FUNNEL_STAGES, STAGE_SHARDS, TicketStageDay, WeChatFailureDay


def count_up(model, *, by: int = 1, **key) -> None:
    """Add `by` to the counter row of `model` whose unique key is `key` (created at `by` if missing)."""
    sql, params = count_up_sql(model, by=by, **key)
    with db.cursor() as cursor:
        cursor.execute(sql, params)


def count_up_sql(model, *, by: int = 1, source: str = "", **key) -> tuple[str, list]:
    """The upsert of `count_up`, as SQL and parameters. `source` ("FROM moved") makes the row count
    only if that relation has one: how a transition counts in its own statement (tickets.py)."""
    fields = [model._meta.get_field(name) for name in key]
    columns = [db.ops.quote_name(f.column) for f in fields]
    table = db.ops.quote_name(model._meta.db_table)
    count = db.ops.quote_name("count")
    params = [f.get_db_prep_value(key[f.name], db) for f in fields]
    # INSERT … SELECT … WHERE true: SQLite needs the WHERE to read ON CONFLICT as the upsert's
    sql = (f"INSERT INTO {table} ({', '.join(columns)}, {count}) SELECT {', '.join(['%s'] * len(columns))}, %s {source} WHERE true "
           f"ON CONFLICT ({', '.join(columns)}) DO UPDATE SET {count} = {table}.{count} + EXCLUDED.{count}")
    return sql, [*params, by]


def stage_reached(*, pool_id: int, stage: str, now=None) -> None:
    """Count one ticket of the pool reaching a funnel stage today (no-op for other states)."""
    if counted := stage_count_sql(pool_id=pool_id, stage=stage, now=now):
        with db.cursor() as cursor:
            cursor.execute(*counted)


def stage_count_sql(*, pool_id: int, stage: str, now=None, source: str = "") -> tuple[str, list] | None:
    """The upsert that counts one ticket reaching a funnel stage today, or None for other states."""
    if stage not in FUNNEL_STAGES:
        return None
    return count_up_sql(TicketStageDay, source=source, pool=pool_id, day=timezone.localdate(now), stage=stage,
                        shard=random.randrange(STAGE_SHARDS))


def wechat_failure_seen(*, pool_id: int, connection: str, api: str, errcode: int, now=None) -> None:
    """Count one failed WeChat call of the pool's login flow today."""
    count_up(WeChatFailureDay, pool=pool_id, day=timezone.localdate(now), connection=connection[:31],
             api=(api or "unknown")[:32], errcode=int(errcode))
