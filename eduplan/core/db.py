"""Database chores around bulk writes, and a first write that may find its row there."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, connections, router
from django.db.models import Field, Model, signals
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler


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
    return _insert(instance, OnConflict.IGNORE)


def insert_new(instance: Model) -> None:
    """`instance.save()` of a new row (pk set, signals sent), with its INSERT compiled once
    per connection: for rows written on every request, such as the audit events."""
    inserted = _insert(instance, None)
    assert inserted


@dataclass(frozen=True)
class _CompiledInsert:
    sql: str
    fields: list[Field[Any, Any]]
    compiler: SQLInsertCompiler


# One INSERT per model and way (plain, or unless present) for each connection: the SQL
# of a single row of plain values does not depend on them, and building it costs Django
# more than running it (core/compiled_reads.py says the same of reads).
_INSERTS: weakref.WeakKeyDictionary[Any, dict[tuple[type[Model], Any], _CompiledInsert]] = (
    weakref.WeakKeyDictionary()
)


def _insert(instance: Model, on_conflict: OnConflict | None) -> bool:
    model = type(instance)
    meta = model._meta
    assert instance._state.adding and meta.auto_field is not None, "a new row with an auto pk"
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    signals.pre_save.send(
        sender=model, instance=instance, raw=False, using=alias, update_fields=None
    )
    if any(hasattr(getattr(instance, f.attname, None), "resolve_expression") for f in meta.fields):
        raise ValueError("a compiled insert takes plain values, not expressions")
    known = _INSERTS.setdefault(connection, {})
    compiled = known.get((model, on_conflict)) or _insert_compile(instance, alias, on_conflict)
    known[(model, on_conflict)] = compiled
    fields, compiler = compiled.fields, compiled.compiler
    # As the compiler would: auto_now and the like first, then each value as stored.
    values = [compiler.pre_save_val(f, instance) for f in fields]
    if any(hasattr(v, "resolve_expression") for v in values):
        raise ValueError("a compiled insert takes plain values, not expressions")
    params = [compiler.prepare_value(f, v) for f, v in zip(fields, values, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding, instance._state.db = False, alias
    signals.post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=alias
    )
    return True


def _insert_compile(instance: Model, alias: str, on_conflict: OnConflict | None) -> _CompiledInsert:
    """The INSERT … RETURNING pk of one row of the instance's model, its values as
    parameters in the order of `fields`."""
    meta = instance._meta
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.pk]
    query = InsertQuery(type(instance), on_conflict=on_conflict)
    query.insert_values(fields, [instance])
    compiler = query.get_compiler(using=alias)
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    assert len(params) == len(fields), "one parameter per field, none of the SQL's own"
    query.objs = []  # the compiler is kept for its per-field methods, not this row
    return _CompiledInsert(sql, fields, compiler)


# One UPDATE per model and fields for each connection, as the INSERTs above.
_UPDATES: weakref.WeakKeyDictionary[
    Any, dict[tuple[type[Model], tuple[str, ...]], tuple[str, list[Field[Any, Any]]]]
] = weakref.WeakKeyDictionary()


def update_saved(instance: Model, fields: tuple[str, ...]) -> None:
    """`instance.save(update_fields=fields)` of a row already stored (signals sent), with
    its UPDATE compiled once per connection: for rows written on every request, such as
    an idempotency key's answer."""
    model = type(instance)
    meta = model._meta
    assert not instance._state.adding and instance.pk is not None, "a row already stored"
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    update_fields = frozenset(fields)
    signals.pre_save.send(
        sender=model, instance=instance, raw=False, using=alias, update_fields=update_fields
    )
    known = _UPDATES.setdefault(connection, {})
    compiled = known.get((model, fields))
    if compiled is None:
        columns: list[Field[Any, Any]] = []
        for name in fields:
            field = meta.get_field(name)
            assert isinstance(field, Field) and field.concrete and not field.primary_key
            columns.append(field)
        q = connection.ops.quote_name
        assignments = ", ".join(f"{q(str(f.column))} = %s" for f in columns)
        sql = f"UPDATE {q(meta.db_table)} SET {assignments} WHERE {q(str(meta.pk.column))} = %s"
        compiled = known[(model, fields)] = (sql, columns)
    sql, columns = compiled
    params = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in columns]
    params.append(meta.pk.get_db_prep_value(instance.pk, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount != 1:  # as save() says it
            raise DatabaseError("Save with update_fields did not affect any rows.")
    signals.post_save.send(
        sender=model,
        instance=instance,
        created=False,
        update_fields=update_fields,
        raw=False,
        using=alias,
    )
