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
