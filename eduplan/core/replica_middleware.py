"""The request side of read replicas (routing.py has the router).

Each request starts on the primary. When the view is read-only (routing.is_read_only), the
middleware first loads who is signed in from the primary, then picks a replica for the
rest of the request's reads: one at random among those that are up and have replayed the
caller's last write.

Read-your-writes: after a request that wrote (a POST, PUT, PATCH or DELETE that
succeeded, or any write through the router), the primary's WAL position
(`pg_current_wal_lsn()`) goes into a signed cookie. A read-only request carrying that
cookie reads a replica only once the replica's `pg_last_wal_replay_lsn()` has reached that
position (and drops the cookie then); until it has, it reads the primary. The cookie
serves browser sessions and API clients alike.

A replica that refuses connections or fails the check is left alone for
`EDUPLAN_REPLICA_RETRY_SECONDS` (logged): its readers read the primary, never a 500.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

from eduplan.core.routing import (
    PRIMARY,
    READ_METHODS,
    Reads,
    is_read_only,
    lsn_value,
    reads_begin,
    reads_current,
    reads_end,
    replica_aliases,
)

logger = logging.getLogger("eduplan.replicas")

WRITTEN_COOKIE = "eduplan_written"
WRITTEN_SALT = "eduplan.replicas.written"
# How long a write keeps its writer on the primary at most, should no read-only request
# come to drop the cookie: far longer than any replica may lag before it is repaired.
WRITTEN_MAX_AGE = 24 * 3600

# Replica alias → monotonic time before which it is not tried again.
_down_until: dict[str, float] = {}


def replicas_down_forget() -> None:
    """Try every replica again at the next request (tests; an operator's repair)."""
    _down_until.clear()


def replica_mark_down(alias: str, error: Exception) -> None:
    retry = float(getattr(settings, "EDUPLAN_REPLICA_RETRY_SECONDS", 30))
    _down_until[alias] = time.monotonic() + retry
    logger.warning("replica %s unusable, reading the primary for %.0f s: %s", alias, retry, error)
    with contextlib.suppress(DatabaseError):
        connections[alias].close()


def replica_replayed(alias: str) -> int | None:
    """The WAL position the replica has replayed, None if it is not a standby."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
        row = cursor.fetchone()
    return None if row is None or row[0] is None else lsn_value(row[0])


def replica_choose(*, written_at: int | None) -> str:
    """A replica that is up and has replayed `written_at`; the primary if none has."""
    now = time.monotonic()
    candidates = [a for a in replica_aliases() if _down_until.get(a, 0.0) <= now]
    random.shuffle(candidates)
    for alias in candidates:
        try:
            replayed = replica_replayed(alias)
        except DatabaseError as error:
            replica_mark_down(alias, error)
            continue
        if replayed is None:
            replica_mark_down(alias, DatabaseError("not in recovery: not a standby"))
            continue
        if written_at is None or replayed >= written_at:
            return alias
    return PRIMARY


def primary_position() -> int | None:
    """The primary's current WAL position (None on a database without one)."""
    connection = connections[PRIMARY]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        row = cursor.fetchone()
    return None if row is None else lsn_value(row[0])


def written_at(request: HttpRequest) -> int | None:
    """The WAL position of the caller's last write, from the signed cookie."""
    try:
        value = request.get_signed_cookie(WRITTEN_COOKIE, salt=WRITTEN_SALT, max_age=None)
        return int(value or "")
    except (KeyError, signing.BadSignature, ValueError):
        return None


def _wrote(request: HttpRequest, response: HttpResponse, reads: Reads) -> bool:
    return reads.wrote or (request.method not in READ_METHODS and response.status_code < 400)


class ReplicaReadsMiddleware:
    """Sends a read-only request's reads to a replica; remembers where a writer wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_aliases():
            return self.get_response(request)
        reads = Reads()
        token = reads_begin(reads)
        try:
            response = self.get_response(request)
        finally:
            reads_end(token)
        if _wrote(request, response, reads):
            self._remember_write(response)
        elif reads.alias != PRIMARY and WRITTEN_COOKIE in request.COOKIES:
            response.delete_cookie(WRITTEN_COOKIE)  # the replica has caught up
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Iterable[Any],
        view_kwargs: dict[str, Any],
    ) -> None:
        reads = reads_current()
        if reads is None or not is_read_only(request, view_func):
            return None
        # Who is signed in comes from the primary: a session or password changed a
        # moment ago may not be on the replica yet.
        user = getattr(request, "user", None)
        if user is not None:
            bool(user.is_authenticated)
        reads.alias = replica_choose(written_at=written_at(request))
        return None

    @staticmethod
    def _remember_write(response: HttpResponse) -> None:
        try:
            position = primary_position()
        except DatabaseError as error:  # the write's own error is the response's business
            logger.warning("could not read the primary's WAL position: %s", error)
            return
        if position is None:
            return
        response.set_signed_cookie(
            WRITTEN_COOKIE,
            str(position),
            salt=WRITTEN_SALT,
            max_age=WRITTEN_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
