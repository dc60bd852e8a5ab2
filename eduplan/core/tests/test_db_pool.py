"""A pooled connection is checked with a round trip to the server only when it rested in
the pool; one known broken is refused without asking (core/db_pool.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from psycopg import pq

from eduplan.core import db_pool
from eduplan.core.db_pool import CHECKED_AFTER_IDLE, BrokenConnection, pool_check


@dataclass
class FakePgConn:
    status: pq.ConnStatus = pq.ConnStatus.OK


@dataclass
class FakeConnection:
    """What the check reads of a psycopg connection, and the empty queries it sent."""

    closed: bool = False
    autocommit: bool = True
    pgconn: FakePgConn = field(default_factory=FakePgConn)
    sent: list[str] = field(default_factory=list)

    def execute(self, query: str) -> None:
        self.sent.append(query)


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(db_pool, "monotonic", lambda: now[0])
    return now


def test_a_connection_handed_out_a_moment_ago_is_handed_out_again_without_a_round_trip(clock):
    conn = FakeConnection()
    pool_check(conn)  # never checked: asked once
    clock[0] += CHECKED_AFTER_IDLE / 2
    pool_check(conn)
    clock[0] += CHECKED_AFTER_IDLE / 2 - 0.01
    pool_check(conn)
    assert conn.sent == [""]


def test_a_connection_that_rested_in_the_pool_is_tried_before_a_request_gets_it(clock):
    conn = FakeConnection()
    pool_check(conn)
    clock[0] += CHECKED_AFTER_IDLE
    pool_check(conn)
    assert conn.sent == ["", ""]


def test_a_connection_known_broken_is_refused_without_asking_the_server(clock):
    broken = FakeConnection()
    pool_check(broken)
    broken.pgconn.status = pq.ConnStatus.BAD
    with pytest.raises(BrokenConnection):
        pool_check(broken)
    closed = FakeConnection(closed=True)
    with pytest.raises(BrokenConnection):
        pool_check(closed)
    assert (broken.sent, closed.sent) == ([""], [])


def test_a_connection_whose_empty_query_fails_is_refused(clock):
    class Dead(FakeConnection):
        def execute(self, query: str) -> None:
            raise OSError("server closed the connection unexpectedly")

    with pytest.raises(OSError):
        pool_check(Dead())


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_pooled_database_checks_its_connections_this_way():
    """Django gives the pool no check of its own (CONN_HEALTH_CHECKS off, as the settings
    set it for a pool); the first connection taken installs this one."""
    from django.db import connections
    from django.db.utils import load_backend

    configured = {
        **connections["default"].settings_dict,
        "CONN_HEALTH_CHECKS": False,
        "OPTIONS": {"pool": {"min_size": 1, "max_size": 2}},
    }
    pooled = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, "pool-check-test")
    try:
        with pooled.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert pooled.pool._check is pool_check
    finally:
        pooled.close()
        pooled.close_pool()


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
