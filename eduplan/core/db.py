"""Database chores around bulk writes, and a first write that may find its row there."""

from __future__ import annotations

from django.db import connection, connections, router
from django.db.models import Model, signals
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery


def statistics_refresh(*models: type[Model]) -> None:
    """Let the query planner see rows just written in bulk.

    On PostgreSQL this ANALYZEs the models' tables. Otherwise the next queries are planned
    from what the statistics saw before the load (an empty table, or another data set of
    the same shape), until autovacuum catches up. A plan chosen for a handful of rows can
    take minutes on thousands: the "latest per unit" window over DataValue did exactly
    that. ANALYZE is allowed inside a transaction and sees that transaction's own rows.
    SQLite keeps no statistics unless asked to, so it is left alone.
    """
    if connection.vendor != "postgresql" or not models:
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def insert_unless_present(instance: Model) -> bool:
    """Insert a new instance unless a row with the same unique values is there: True (its
    pk set, saved as `save()` would, signals included) or False, nothing written.

    One statement (`INSERT … ON CONFLICT DO NOTHING RETURNING`), where `create()` inside a
    savepoint catching the IntegrityError costs three: a PostgreSQL transaction cannot go
    on after a failed statement without one. A concurrent insert of the same unique
    values makes it wait until that transaction ends, as the unique index would. (SQLite's
    `INSERT OR IGNORE` also skips a row refused by a NOT NULL or CHECK constraint: the
    caller, finding no row there, must not take that for success.)"""
    model = type(instance)
    meta = model._meta
    assert instance._state.adding and meta.auto_field is not None, "a new row with an auto pk"
    alias = router.db_for_write(model, instance=instance)
    signals.pre_save.send(
        sender=model, instance=instance, raw=False, using=alias, update_fields=None
    )
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.pk]
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [instance])
    compiler = query.get_compiler(using=alias)
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding, instance._state.db = False, alias
    signals.post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=alias
    )
    return True
