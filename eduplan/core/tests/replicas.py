"""Helpers of the replica tests: a database alias added for one test, and a record of
which alias ran which statement."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import dj_database_url
from django.db import connections
from django.db.utils import load_backend


def alias_add(alias: str, url: str, *, name: str | None = None) -> None:
    """Open a database alias in this thread (a replica); `name` overrides the URL's.

    The connection is set in `connections` without an entry in its settings: Django's
    test cases refuse every configured alias a test did not declare, and the test
    database set-up would try to create or flush a database on a replica.
    """
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    if name is not None:
        config["NAME"] = name
    config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    default = connections.settings["default"]
    configured = connections.configure_settings({"default": default, alias: config})[alias]
    connections[alias] = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, alias)


def alias_remove(alias: str) -> None:
    connections[alias].close()
    del connections[alias]


class Statements:
    """Every statement run through the watched aliases, as (alias, SQL)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def on(self, alias: str) -> list[str]:
        return [sql for where, sql in self.seen if where == alias]

    def touching(self, alias: str, table: str) -> list[str]:
        return [sql for sql in self.on(alias) if f'"{table}"' in sql]

    def recorder(self, alias: str) -> Callable[..., Any]:
        def record(
            execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
        ) -> Any:
            self.seen.append((alias, sql))
            return execute(sql, params, many, context)

        return record


@contextmanager
def statements(*aliases: str) -> Iterator[Statements]:
    """Record which alias runs each statement inside the block."""
    found = Statements()
    with ExitStack() as stack:
        for alias in aliases:
            stack.enter_context(connections[alias].execute_wrapper(found.recorder(alias)))
        yield found
