"""Database chores around bulk writes."""

from __future__ import annotations

from django.db import connection
from django.db.models import Model


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
