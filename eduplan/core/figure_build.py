"""Building one metric of the figures store whole, in SQL: its rows grouped per unit and
period (`UnitFigure`), then every roll-up over the tree in one grouped join over
`FigurePath` (`TreeFigure`). The rows never leave the database.

`metric_build(m)` replaces whatever the store holds for the metric (the caller holds the
store's lock, in a transaction):
- on PostgreSQL by the difference: the new figures are counted into temporary tables
  (dropped at commit), then only the stored rows that differ are deleted and only the
  missing ones inserted. A rebuild that finds the store right writes nothing; deleting
  every row and inserting the same again cost more than counting them (each insert
  checked the unique index against the row just deleted, and left dead rows and index
  entries behind for the next build);
- on SQLite by deleting the metric's rows and inserting them again.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet, Value

from eduplan.core.figure_parts import settings_digest
from eduplan.core.figure_store import _grouped, ancestors, parent_of, span
from eduplan.core.metrics import Metric, OverTime
from eduplan.core.models import FigurePath, StoredMetric, TreeFigure, UnitFigure

NEW_UNITS = "figure_build_units"  # temporary tables of one build
NEW_TREE = "figure_build_tree"
GONE = "figure_build_gone"


def metric_build(m: Metric, *, periods: list[str] | None = None) -> None:
    """The metric's stored figures counted again from its rows; only those of `periods`
    if named (a flow's or a census's: each period's figures stand on their own)."""
    assert m.rows is not None
    assert periods is None or m.over_time is not OverTime.LATEST
    StoredMetric.objects.filter(key=m.key).delete()
    if connection.vendor == "postgresql":
        _build_by_difference(m, periods)
    else:
        within = {} if periods is None else {"period__in": periods}
        UnitFigure.objects.filter(key=m.key, **within).delete()
        TreeFigure.objects.filter(key=m.key, **within).delete()
        _insert_select(UnitFigure, {"key": Value(m.key), **_unit_columns(m)}, _rows(m, periods))
        _paths_known(m.key)
        _roll_up(m.key, periods)
    StoredMetric.objects.create(key=m.key, settings_digest=settings_digest(m))


def _rows(m: Metric, periods: list[str] | None = None) -> QuerySet[Any]:
    assert m.rows is not None
    return _grouped(m.rows(span(m.period_type) if periods is None else periods))


def _within(periods: list[str] | None, table: str = "") -> tuple[str, list[Any]]:
    """SQL that keeps the rows of these periods (all: None), and its parameters."""
    if periods is None:
        return "", []
    column = f"{table}.period" if table else "period"
    return f" AND {column} IN ({', '.join(['%s'] * len(periods))})", list(periods)


def _unit_columns(m: Metric) -> dict[str, str | Value]:
    """UnitFigure's columns over the grouped rows (`inner_rows`). A stock's figure counts
    until the unit's next period (a window over its periods)."""
    until = (
        "COALESCE(LEAD(inner_rows.period) OVER"
        " (PARTITION BY inner_rows.unit_path ORDER BY inner_rows.period), '')"
        if m.over_time is OverTime.LATEST
        else "''"
    )
    return {
        "unit_path": "inner_rows.unit_path",
        "period": "inner_rows.period",
        "until": until,
        "num": "inner_rows.f_num",
        "den": "inner_rows.f_den",
        "rows": "inner_rows.f_rows",
    }


def _insert_select(
    model: type[Model], columns: dict[str, str | Value], query: QuerySet[Any]
) -> None:
    """INSERT INTO model (columns) SELECT … FROM (query) inner_rows: the rows never leave
    the database. `columns` maps each column to a constant or to SQL over the inner
    query's columns (`inner_rows.<name>`)."""
    sql, params = query.query.sql_with_params()
    picks, constants = [], []
    for source in columns.values():
        if isinstance(source, Value):
            picks.append("%s")
            constants.append(source.value)
        else:
            picks.append(source)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({names}) "
            f"SELECT {', '.join(picks)} FROM ({sql}) inner_rows",
            (*constants, *params),
        )


def _paths_known(key: str) -> None:
    """Every unit path of the metric's figures with its ancestors in FigurePath."""
    new = set(
        UnitFigure.objects.filter(key=key)
        .exclude(unit_path__in=FigurePath.objects.values("path"))
        .values_list("unit_path", flat=True)
        .distinct()
    )
    FigurePath.objects.bulk_create(
        [
            FigurePath(path=path, ancestor=above, parent=parent_of(above))
            for path in sorted(new)
            for above in ancestors(path)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )


def _roll_up(key: str, periods: list[str] | None) -> None:
    """Every unit's roll-up of the metric, from its units' figures, in one grouped join."""
    q = connection.ops.quote_name
    tree, unit, paths = (m._meta.db_table for m in (TreeFigure, UnitFigure, FigurePath))
    within, params = _within(periods, "f")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {tree} ({q('key')}, path, parent, period, until, num, den,"
            " num_rows, den_rows, units)"
            " SELECT %s, a.ancestor, a.parent, f.period, f.until, SUM(f.num), SUM(f.den),"
            " COUNT(f.num), COUNT(f.den), COUNT(*)"
            f" FROM {unit} f JOIN {paths} a ON a.path = f.unit_path"
            f" WHERE f.{q('key')} = %s{within}"
            " GROUP BY a.ancestor, a.parent, f.period, f.until",
            [key, key, *params],
        )


# The stored numbers' type: a new figure is compared as it would be stored.
NUMBER = "numeric(30, 8)"
UNIT_COLUMNS = ("unit_path", "period", "until", "num", "den", "rows")
UNIT_UNIQUE = ("unit_path", "period")
TREE_COLUMNS = ("path", "parent", "period", "until", "num", "den", "num_rows", "den_rows", "units")
TREE_UNIQUE = ("path", "period", "until")


def _build_by_difference(m: Metric, periods: list[str] | None) -> None:
    """PostgreSQL: count the metric's unit figures and roll-ups (of `periods`, or all)
    into temporary tables, then delete the stored rows that differ and insert the
    missing ones."""
    key = m.key
    unit_table, tree_table, paths = (t._meta.db_table for t in (UnitFigure, TreeFigure, FigurePath))
    sql, params = _rows(m, periods).query.sql_with_params()
    columns = _unit_columns(m)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NEW_UNITS}, {NEW_TREE}, {GONE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {NEW_UNITS} ON COMMIT DROP AS"
            f" SELECT {columns['unit_path']} AS unit_path, {columns['period']} AS period,"
            f" {columns['until']} AS until, CAST({columns['num']} AS {NUMBER}) AS num,"
            f" CAST({columns['den']} AS {NUMBER}) AS den, {columns['rows']} AS rows"
            f" FROM ({sql}) inner_rows",
            params,
        )
        _replace_by_difference(
            cursor, unit_table, key, UNIT_COLUMNS, UNIT_UNIQUE, NEW_UNITS, periods
        )
        _paths_known(key)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {NEW_TREE} ON COMMIT DROP AS"
            " SELECT a.ancestor AS path, a.parent, f.period, f.until,"
            f" CAST(SUM(f.num) AS {NUMBER}) AS num, CAST(SUM(f.den) AS {NUMBER}) AS den,"
            " COUNT(f.num) AS num_rows, COUNT(f.den) AS den_rows, COUNT(*) AS units"
            f" FROM {NEW_UNITS} f JOIN {paths} a ON a.path = f.unit_path"
            " GROUP BY a.ancestor, a.parent, f.period, f.until"
        )
        _replace_by_difference(
            cursor, tree_table, key, TREE_COLUMNS, TREE_UNIQUE, NEW_TREE, periods
        )
        cursor.execute(f"DROP TABLE {NEW_UNITS}, {NEW_TREE}")


def _replace_by_difference(
    cursor: Any,
    table: str,
    key: str,
    columns: tuple[str, ...],
    unique: tuple[str, ...],
    new: str,
    periods: list[str] | None,
) -> None:
    """The metric's rows in `table` (of `periods`, or all) become those of the temporary
    table `new`: the stored rows that are not among the new ones are deleted, the new
    rows not stored inserted.
    EXCEPT compares whole rows (an empty number equals an empty one) by hashing or
    sorting, whatever the planner guesses of either side's size."""
    names = ", ".join(columns)
    matched = " AND ".join(f"t.{c} = gone.{c}" for c in unique)
    # The rows to delete are kept in a table of their own first: the planner then knows
    # how many there are (it may think the metric has no stored rows at all, from the
    # statistics of an earlier state, and join the two sides row by row).
    within, params = _within(periods)
    cursor.execute(
        f"CREATE TEMPORARY TABLE {GONE} ON COMMIT DROP AS SELECT {', '.join(unique)} FROM"
        f" (SELECT {names} FROM {table} WHERE key = %s{within}"
        f" EXCEPT SELECT {names} FROM {new}) differing",
        [key, *params],
    )
    cursor.execute(f"DELETE FROM {table} t USING {GONE} gone WHERE t.key = %s AND {matched}", [key])
    cursor.execute(f"DROP TABLE {GONE}")
    cursor.execute(
        f"INSERT INTO {table} (key, {names}) SELECT %s, {names} FROM"
        f" (SELECT {names} FROM {new} EXCEPT SELECT {names} FROM {table}"
        f" WHERE key = %s{within}) missing",
        [key, key, *params],
    )
