"""Prepared statements for the API's requests on a pooled PostgreSQL connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

# A statement run this many times on a connection is prepared on it (psycopg), so the
# server parses and plans it once instead of every time.
PREPARED_AFTER = 2


@contextmanager
def statements_prepared(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside: a pooled PostgreSQL connection sends parameters apart from the SQL
    (server-side binding) and prepares what it runs again, so the API's few statements
    per request, the same every time, are no longer parsed and planned each time: half
    the database's CPU per submission PUT. Only on a connection from the web process's
    own pool: an external pooler in transaction mode (PgBouncer, DB_POOL=false) may hand
    each transaction another server connection, without the statements prepared on it.
    The connection's way is restored on leaving; what was prepared stays with it."""
    connection = connections[using]
    if connection.vendor != "postgresql" or getattr(connection, "pool", None) is None:
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    conn = connection.connection
    kept = conn.cursor_factory, conn.prepare_threshold
    conn.cursor_factory, conn.prepare_threshold = ServerBindingCursor, PREPARED_AFTER
    try:
        yield
    finally:
        conn.cursor_factory, conn.prepare_threshold = kept
