"""Small query helpers shared by the hot paths."""


def unique_row(queryset):
    """The one row of a query on a unique key, or None: `.first()` without the ORDER BY it adds
    (by the model's ordering or the primary key), which Django compiles again on every call."""
    return next(iter(queryset[:1]), None)
