"""The API's statements are prepared on a pooled PostgreSQL connection, and the
connection goes back to client-side binding after (core/db_pool.py)."""

from __future__ import annotations

import pytest


@pytest.mark.postgres
@pytest.mark.django_db
def test_inside_the_api_scope_a_statement_run_again_is_prepared_and_the_way_is_restored():
    """`statements_prepared` (around every API request): parameters apart from the SQL
    and a statement prepared from its second run; outside, the connection binds on the
    client again, as the rest of the application expects."""
    from django.db import connection

    from eduplan.core.db_pool import statements_prepared

    def prepared() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall()}

    connection.ensure_connection()
    if connection.pool is None:
        pytest.skip("the suite runs without the web process's pool (DB_POOL=false)")
    client_side = connection.connection.cursor_factory
    probe = "SELECT %s::int + 20111"
    with statements_prepared():
        for number in range(3):
            with connection.cursor() as cursor:
                cursor.execute(probe, [number])
                assert cursor.fetchone() == (20111 + number,)
        assert "SELECT $1::int + 20111" in prepared()
    assert connection.connection.cursor_factory is client_side
    with connection.cursor() as cursor:
        cursor.execute(probe, [1])
        assert "$1" not in connection.ops.last_executed_query(cursor, probe, [1])
