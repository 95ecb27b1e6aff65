"""Small query helpers for the login path, where the ORM's work on a query (building and compiling
it: about 1 ms of CPU on a small machine) costs more than PostgreSQL's answer (about 0.2 ms)."""


def unique_row(queryset):
    """The one row of a query on a unique key, or None: `.first()` without the ORDER BY it adds
    (by the model's ordering or the primary key), which Django compiles again on every call."""
    return next(iter(queryset[:1]), None)


def unique_row_where(model, where: str, params: list):
    """The one row of `model` matching `where` (SQL on the model's own columns, with %s
    placeholders: a unique key), or None, as a model instance: a raw query, which Django runs
    without building or compiling anything and still converts each column as the ORM would."""
    table = model._meta.db_table
    return next(iter(model.objects.raw(f'SELECT * FROM "{table}" WHERE {where} LIMIT 1', params)), None)


def columns_sql(model, values: dict, *, joiner: str, connection) -> tuple[str, list]:
    """`"column" = %s` for each field name of `model` in `values`, joined by `joiner` (", " for a SET,
    " AND " for a WHERE), with each value prepared as the ORM would save it. A foreign key may be
    named by its field ("user", a model instance or None) or its column ("user_id"). A name ending
    in "__isnull" tests for NULL. Anything else is refused, so a typo cannot widen a WHERE."""
    parts, params = [], []
    for name, value in values.items():
        column_name, isnull = (name[: -len("__isnull")], True) if name.endswith("__isnull") else (name, False)
        field = model._meta.get_field(column_name)
        column = connection.ops.quote_name(field.column)
        if isnull:
            parts.append(f"{column} IS {'' if value else 'NOT '}NULL")
            continue
        if hasattr(value, "_meta"):  # a related instance: its key
            value = value.pk
        parts.append(f"{column} = %s")
        params.append(field.get_db_prep_save(value, connection))
    return joiner.join(parts), params
