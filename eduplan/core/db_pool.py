"""How a web process checks a pooled PostgreSQL connection before a request gets it.

Django's own check (CONN_HEALTH_CHECKS with a pool) sends an empty query every time a
connection leaves the pool: one more round trip to the server for every request, about
a tenth of a submission PUT's time during the deadline burst. A connection that served a
request a moment ago is almost never the broken one; the one that sat idle through a
server restart or a network cut is. So only a connection last handed out more than
`CHECKED_AFTER_IDLE` seconds ago is tried with the empty query, and one that psycopg
already knows to be broken (closed, or its last query failed on the wire) is refused
without asking the server. A connection that breaks between two requests a moment apart
fails that one request, as it would fail a request under way; the pool then replaces it.

Django builds the pool itself and gives it no check when CONN_HEALTH_CHECKS is off (as
settings.database_from_url sets it for a pooled database), so the first connection a
process opens installs this one on its pool (`pool_check_install`, on Django's
`connection_created`, connected in core's AppConfig).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from time import monotonic
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import pq
from psycopg_pool import ConnectionPool

# Seconds a connection may rest in the pool and still be handed out unchecked.
CHECKED_AFTER_IDLE = 5.0
_HANDED_AT = "_eduplan_handed_at"


class BrokenConnection(Exception):
    """psycopg knows this connection cannot be used: the pool drops it and takes another."""


def pool_check(conn: Any) -> None:
    """psycopg_pool's `check` callback (settings.database_from_url): refuse a connection
    known broken, try one idle for longer than CHECKED_AFTER_IDLE with an empty query,
    hand over any other as it is."""
    now = monotonic()
    handed_at: float | None = getattr(conn, _HANDED_AT, None)
    if conn.closed or conn.pgconn.status != pq.ConnStatus.OK:
        raise BrokenConnection("the connection is closed or broken")
    if handed_at is None or now - handed_at >= CHECKED_AFTER_IDLE:
        ConnectionPool.check_connection(conn)
    setattr(conn, _HANDED_AT, now)


def pool_check_install(*, connection: Any, **_kwargs: Any) -> None:
    """`connection_created` receiver: a pooled connection's pool checks with `pool_check`
    (Django made it without a check; psycopg_pool keeps the callback as `_check`)."""
    pool = getattr(connection, "pool", None)
    if pool is not None and pool._check is not pool_check:
        pool._check = pool_check


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
