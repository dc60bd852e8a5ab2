"""Reads whose SQL is compiled once per database connection, not once per request.

Turning a queryset into SQL costs Django's ORM far more than running it: the read a
submission PUT starts with (the expected report with its form, version, unit and the
period's closing day) takes about 1.2 ms of CPU to compile and 0.15 ms to run on
PostgreSQL. A request path that makes the same few reads thousands of times a minute
(the deadline burst) compiles each once here and then only runs it, with the request's
values as parameters, and builds its model instances as the queryset would (its
`select_related` objects and annotations included).

The queryset is built once with a stand-in for each parameter; its SQL and the way rows
become objects are kept per connection (each thread has its own) and database alias
(the router picks it, as for the queryset: a replica for a read-only page).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # For each parameter: the name of the caller's value, or None for a constant.
    names: tuple[str | None, ...]
    casts: tuple[type, ...]
    constants: tuple[Any, ...]
    compiler: Any
    model: type[Model]
    start: int
    end: int
    init_list: list[str]
    populators: list[Any]
    annotations: dict[str, int]
    # How each column's value becomes Python's (Django works these out again for every
    # query it runs: a fifth of a compiled read's CPU).
    converters: dict[int, Any]


def _stand_in(name: str, kind: type, number: int, draft: int) -> str | int:
    """A value to find the parameter's place in the compiled SQL (small, for an integer:
    Django refuses values out of a field's range before they reach the SQL)."""
    if kind is int:
        return 20_011 + 100 * draft + number
    assert kind is str, f"a compiled read takes strings and integers, not {kind}"
    return f"\x00compiled-read-{draft}:{name}\x00"


def _kind(value: Any) -> type | None:
    """str or int for a value that may stand in for the caller's (a backend's own integer
    types, e.g. psycopg's Int2, count as int), None for any other constant."""
    if isinstance(value, str):
        return str
    if isinstance(value, int) and not isinstance(value, bool):
        return int
    return None


class CompiledRead(Generic[M]):
    """`build(**values)` compiled once per connection; `first(**values)` runs it.

    `build` must return a queryset of model instances ordered and sliced as wanted (e.g.
    `.order_by("pk")[:1]`) that compares each of its keyword values, of the kind `params`
    names (str or int), as it is (a code, a hash, an id), so that a stand-in value can
    mark its place. A read under `select_for_update` is run inside the caller's
    transaction, as Django requires."""

    def __init__(self, model: type[M], build: Callable[..., QuerySet[M]], **params: type) -> None:
        self.model = model
        self.build = build
        self.params = params
        self._compiled: weakref.WeakKeyDictionary[Any, _Compiled] = weakref.WeakKeyDictionary()

    def _compile(self, alias: str) -> _Compiled:
        """Compile the queryset twice with different stand-ins: a parameter that follows
        them is the caller's value, one that stays is the queryset's own constant."""
        drafts = []
        for draft in (1, 2):
            stand_ins = {
                name: _stand_in(name, kind, number, draft)
                for number, (name, kind) in enumerate(self.params.items())
            }
            compiler = self.build(**stand_ins).using(alias).query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            by_value = {(_kind(value), value): name for name, value in stand_ins.items()}
            drafts.append((compiler, sql, params, by_value))
        (compiler, sql, params, by_value), (_c, other_sql, other_params, other_by_value) = drafts
        assert sql == other_sql and len(params) == len(other_params), "the SQL follows values"
        names, casts = [], []
        for first, second in zip(params, other_params, strict=True):
            name = by_value.get((_kind(first), first))
            assert name == other_by_value.get((_kind(second), second)), "a value is not plain"
            assert name is not None or first == second, "a value is not plain"
            names.append(name)
            # The backend's own type for the value (PostgreSQL: Int2 for a small integer).
            casts.append(type(first))
        missing = set(self.params) - set(names)
        assert not missing, f"the compiled read does not use {missing}"
        select, klass_info = compiler.select, compiler.klass_info
        columns = [s[0] for s in select[0 : compiler.col_count]]
        assert not compiler.has_composite_fields(columns), "no composite keys in a compiled read"
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            sql=sql,
            names=tuple(names),
            casts=tuple(casts),
            constants=tuple(params),
            compiler=compiler,
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=[f[0].target.attname for f in select[start:end]],
            # (The stubs describe Django 6, whose function takes a fetch mode too.)
            populators=get_related_populators(klass_info, select, alias),  # type: ignore[call-arg]
            annotations=dict(compiler.annotation_col_map or {}),
            converters=compiler.get_converters(columns),
        )

    def all(self, **values: str | int) -> list[M]:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(alias)
        params = [
            cast(values[name]) if name is not None else constant
            for name, cast, constant in zip(
                compiled.names, compiled.casts, compiled.constants, strict=True
            )
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        found: list[M] = []
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        for row in rows:
            obj = compiled.model.from_db(
                alias, compiled.init_list, row[compiled.start : compiled.end]
            )
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)  # type: ignore[arg-type]
        return found

    def first(self, **values: str | int) -> M | None:
        found = self.all(**values)
        return found[0] if found else None
