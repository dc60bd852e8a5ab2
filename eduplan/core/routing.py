"""Read replicas: which database a query goes to.

With `DATABASE_REPLICA_URLS` set, settings.py adds the aliases `replica1`, `replica2` …
(`EDUPLAN_DB_REPLICAS`). Outside a request (commands, the worker, tests without a
client) and in every request that is not read-only, everything runs on the primary
(`default`), as without replicas. `ReplicaReadsMiddleware` (replica_middleware.py) marks a
read-only request: its reads go to the replica it chose for that request, until the
request writes anything; from then on its reads go to the primary too, so that a request
reads what it wrote. Writes and migrations always go to the primary.

A view is read-only when it is reached by GET or HEAD and either its URL namespace is in
`EDUPLAN_REPLICA_NAMESPACES` (dashboards, public pages, the API) or it is marked with
`replica_reads` (exports elsewhere).
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.http import HttpRequest

PRIMARY = DEFAULT_DB_ALIAS
READ_METHODS = frozenset({"GET", "HEAD"})
# Models read on the primary even in a read-only request: who is signed in, a fresh
# API token, the lock-outs of failed logins, the database cache table.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "api", "django_cache"})
# Writes that change no data a page shows: they leave the request's reads where they are.
NOT_DATA_APPS = frozenset({"sessions", "django_cache"})
LSN = re.compile(r"^([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})$")

View = TypeVar("View", bound=Callable[..., Any])


@dataclass
class Reads:
    """Where the current request reads: `alias`, and whether it has written since."""

    alias: str = PRIMARY
    wrote: bool = False

    @property
    def on_replica(self) -> bool:
        return self.alias != PRIMARY and not self.wrote


_reads: contextvars.ContextVar[Reads | None] = contextvars.ContextVar("eduplan_reads", default=None)


def reads_current() -> Reads | None:
    """The current request's reads, None outside a request."""
    return _reads.get()


def reads_begin(reads: Reads) -> contextvars.Token[Reads | None]:
    return _reads.set(reads)


def reads_end(token: contextvars.Token[Reads | None]) -> None:
    _reads.reset(token)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "EDUPLAN_DB_REPLICAS", []))


def replica_reads(view: View) -> View:
    """Mark a view whose GET only reads (an export, a report): it may read a replica."""
    view.replica_reads = True  # type: ignore[attr-defined]
    return view


def is_read_only(request: HttpRequest, view: Callable[..., Any]) -> bool:
    """Whether this request only reads: GET or HEAD of a view marked read-only."""
    if request.method not in READ_METHODS:
        return False
    if getattr(view, "replica_reads", False):
        return True
    match = request.resolver_match
    namespaces = set(match.namespaces) if match else set()
    return bool(namespaces & set(getattr(settings, "EDUPLAN_REPLICA_NAMESPACES", ())))


def lsn_value(text: str) -> int:
    """A PostgreSQL WAL position ("16/B374D848") as a number, to compare two positions."""
    found = LSN.match(text.strip())
    if found is None:
        raise ValueError(f"not a WAL position: {text!r}")
    return (int(found.group(1), 16) << 32) + int(found.group(2), 16)


class ReplicaRouter:
    """Reads of a read-only request on its replica; every other query on the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        reads = _reads.get()
        if reads is None or not reads.on_replica:
            return PRIMARY if replica_aliases() else None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        return reads.alias

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        reads = _reads.get()
        if reads is not None and model._meta.app_label not in NOT_DATA_APPS:
            reads.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        """A replica holds the primary's rows: objects read from either may be related."""
        databases = {PRIMARY, *replica_aliases()}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        """Migrations run on the primary only: a replica copies its schema."""
        if db in replica_aliases():
            return False
        return None
