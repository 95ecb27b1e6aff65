"""Small query helpers for the login path, where the ORM's work on a query (building and compiling
it: about 1 ms of CPU on a small machine) costs more than PostgreSQL's answer (about 0.2 ms)."""
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models.sql import Query


def unique_row_where(model, where: str, params: list, *, order: str = "", related: tuple = ()):
    """The one row of `model` matching `where` (SQL on the model's own columns, with %s
    placeholders: a unique key), or None, as a model instance, with the rows its foreign keys
    named in `related` point to loaded in the same query (None where the key is empty). `order`
    (SQL) picks the first of several rows.

    Plain SQL, written once per shape: the ORM would build and compile the query on every call.
    Each column is still converted as the ORM converts it (JSON, encrypted fields).
    """
    db = connections[model.objects.db]
    sql, shapes = _statement(db, model, where, order, related)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    found = _instance(db, shapes[0], row)
    for field, shape in zip((model._meta.get_field(name) for name in related), shapes[1:]):
        field.set_cached_value(found, _instance(db, shape, row))
    return found


_STATEMENTS: dict = {}


def _statement(db, model, where: str, order: str, related: tuple):
    key = (db.alias, model, where, order, related)
    if key not in _STATEMENTS:
        q = db.ops.quote_name
        table = f"SELECT * FROM {q(model._meta.db_table)} WHERE {where}{f' ORDER BY {order}' if order else ''} LIMIT 1"
        shapes, columns, joins = [_Shape(db, model, "t", 0)], [], []
        for number, name in enumerate(related):
            field = model._meta.get_field(name)
            alias = f"r{number}"
            shapes.append(_Shape(db, field.related_model, alias, shapes[-1].end))
            joins.append(f" LEFT JOIN {q(field.related_model._meta.db_table)} AS {alias} "
                         f"ON {alias}.{q(field.target_field.column)} = t.{q(field.column)}")
        for shape in shapes:
            columns += [f"{shape.alias}.{q(column)}" for column in shape.columns]
        _STATEMENTS[key] = (f"SELECT {', '.join(columns)} FROM ({table}) AS t{''.join(joins)}", shapes)
    return _STATEMENTS[key]


class _Shape:
    """Where a model's columns sit in a row, and the converters the ORM would apply to them."""

    def __init__(self, db, model, alias: str, start: int):
        fields = model._meta.concrete_fields
        self.model, self.alias, self.start, self.end = model, alias, start, start + len(fields)
        self.columns = [f.column for f in fields]
        self.attnames = [f.attname for f in fields]
        self.pk_at = start + [f.primary_key for f in fields].index(True)
        compiler = db.ops.compiler("SQLCompiler")(Query(model), db, db.alias)
        self.converters = list(compiler.get_converters([f.get_col(model._meta.db_table) for f in fields]).items())


def _instance(db, shape: _Shape, row):
    """The model instance of `shape`'s part of `row` (None for a LEFT JOIN that found nothing)."""
    if row[shape.pk_at] is None:
        return None
    values = list(row[shape.start:shape.end])
    for position, (converters, expression) in shape.converters:
        for converter in converters:
            values[position] = converter(values[position], expression, db)
    return shape.model.from_db(db.alias, shape.attnames, values)


def set_sql(model, values: dict, *, connection) -> tuple[str, list]:
    """`"column" = %s, …` for the fields of `model` named in `values` (a foreign key by its field,
    "user" with an instance or None, or its column, "user_id"), each value prepared as the ORM saves it."""
    parts, params = [], []
    for name, value in values.items():
        field = model._meta.get_field(name)
        parts.append(f"{connection.ops.quote_name(field.column)} = %s")
        params.append(field.get_db_prep_save(_key_of(value), connection))
    return ", ".join(parts), params


def where_sql(model, conditions: dict, *, connection) -> tuple[str, list]:
    """`"column" = %s AND …` for the fields of `model` named in `conditions`, as a QuerySet filter
    reads them: None and "<name>__isnull" test for NULL, "<name>__gt" compares. Any other name is
    refused (FieldDoesNotExist), so a typo cannot widen a WHERE."""
    parts, params = [], []
    for name, value in conditions.items():
        name, _, lookup = name.partition("__")
        field = model._meta.get_field(name)
        column = connection.ops.quote_name(field.column)
        if lookup == "isnull" or (value is None and not lookup):
            null = value if lookup else True
            parts.append(f"{column} IS {'' if null else 'NOT '}NULL")
            continue
        if lookup not in ("", "gt"):
            raise FieldDoesNotExist(f"{model.__name__} has no lookup {lookup!r} here (only isnull and gt)")
        parts.append(f"{column} {'>' if lookup else '='} %s")
        params.append(field.get_db_prep_value(_key_of(value), connection))
    return " AND ".join(parts), params


def _key_of(value):
    return value.pk if hasattr(value, "_meta") else value  # a related instance: its key


def insert_sql(instance, *, connection, source: str = "") -> tuple[str, list]:
    """The INSERT of a new model instance, without a primary key the database draws (an AutoField),
    with each value prepared as Model.save would prepare it (defaults already set, pre_save applied).
    `source` ("FROM moved") inserts the row only if that relation has one (`INSERT … SELECT`)."""
    model = type(instance)
    fields = [f for f in model._meta.concrete_fields if not _drawn_by_database(f)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    placeholders = ", ".join(["%s"] * len(fields))
    rows = f"SELECT {placeholders} {source}" if source else f"VALUES ({placeholders})"
    return f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) {rows}", params


def insert_row(instance):
    """Model.save() of a new instance on the login path, as one plain INSERT (… RETURNING its key):
    no query built and compiled, no transaction of its own. No model signals are sent: it is for
    models without receivers (an end user, an identity, a login event), and leaves the instance as
    save() would (its key set, no longer adding)."""
    model = type(instance)
    db = connections[model.objects.db]
    sql, params = insert_sql(instance, connection=db)
    pk = model._meta.pk
    with db.cursor() as cursor:
        if _drawn_by_database(pk):
            if db.features.can_return_columns_from_insert:
                cursor.execute(f"{sql} RETURNING {db.ops.quote_name(pk.column)}", params)
                instance.pk = cursor.fetchone()[0]
            else:
                cursor.execute(sql, params)
                instance.pk = db.ops.last_insert_id(cursor, model._meta.db_table, pk.column)
        else:
            cursor.execute(sql, params)
    return saved(instance, db)


def saved(instance, db):
    """The instance as Model.save leaves a new one once its row is written: no longer adding, of `db`."""
    instance._state.adding, instance._state.db = False, db.alias
    return instance


def _drawn_by_database(field) -> bool:
    return field.primary_key and getattr(field, "db_returning", False)


def update_sql(model, values: dict, where: dict, *, connection) -> tuple[str, list]:
    """`UPDATE … SET` the `values` (as in set_sql) of the rows matching `where` (as in where_sql)."""
    assigned, params = set_sql(model, values, connection=connection)
    matched, where_params = where_sql(model, where, connection=connection)
    return f"UPDATE {connection.ops.quote_name(model._meta.db_table)} SET {assigned} WHERE {matched}", [*params, *where_params]


def update_where(model, values: dict, **where) -> int:
    """QuerySet.update for the login path's plain updates, without building a query; rows changed.
    (Configuration tables are not written this way: their per-process copies would not hear of it.)"""
    db = connections[model.objects.db]
    sql, params = update_sql(model, values, where, connection=db)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
