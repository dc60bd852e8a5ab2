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

from eduplan.core.figure_store import _grouped, ancestors, parent_of, settings_digest, span
from eduplan.core.metrics import Metric, OverTime
from eduplan.core.models import FigurePath, StoredMetric, TreeFigure, UnitFigure

NEW_UNITS = "figure_build_units"  # temporary tables of one build
NEW_TREE = "figure_build_tree"


def metric_build(m: Metric) -> None:
    """The metric's stored figures counted again from its rows."""
    assert m.rows is not None
    StoredMetric.objects.filter(key=m.key).delete()
    if connection.vendor == "postgresql":
        _build_by_difference(m)
    else:
        UnitFigure.objects.filter(key=m.key).delete()
        TreeFigure.objects.filter(key=m.key).delete()
        _insert_select(UnitFigure, {"key": Value(m.key), **_unit_columns(m)}, _rows(m))
        _paths_known(m.key)
        _roll_up(m.key)
    StoredMetric.objects.create(key=m.key, settings_digest=settings_digest(m))


def _rows(m: Metric) -> QuerySet[Any]:
    assert m.rows is not None
    return _grouped(m.rows(span(m.period_type)))


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


def _roll_up(key: str) -> None:
    """Every unit's roll-up of the metric, from its units' figures, in one grouped join."""
    q = connection.ops.quote_name
    tree, unit, paths = (m._meta.db_table for m in (TreeFigure, UnitFigure, FigurePath))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {tree} ({q('key')}, path, parent, period, until, num, den,"
            " num_rows, den_rows, units)"
            " SELECT %s, a.ancestor, a.parent, f.period, f.until, SUM(f.num), SUM(f.den),"
            " COUNT(f.num), COUNT(f.den), COUNT(*)"
            f" FROM {unit} f JOIN {paths} a ON a.path = f.unit_path"
            f" WHERE f.{q('key')} = %s"
            " GROUP BY a.ancestor, a.parent, f.period, f.until",
            [key, key],
        )


# The stored numbers' type: a new figure is compared as it would be stored.
NUMBER = "numeric(30, 8)"


def _build_by_difference(m: Metric) -> None:
    """PostgreSQL: count the metric's unit figures and roll-ups into temporary tables,
    then delete the stored rows that differ and insert the missing ones."""
    key = m.key
    unit_table, tree_table, paths = (t._meta.db_table for t in (UnitFigure, TreeFigure, FigurePath))
    sql, params = _rows(m).query.sql_with_params()
    columns = _unit_columns(m)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NEW_UNITS}, {NEW_TREE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {NEW_UNITS} ON COMMIT DROP AS"
            f" SELECT {columns['unit_path']} AS unit_path, {columns['period']} AS period,"
            f" {columns['until']} AS until, CAST({columns['num']} AS {NUMBER}) AS num,"
            f" CAST({columns['den']} AS {NUMBER}) AS den, {columns['rows']} AS rows"
            f" FROM ({sql}) inner_rows",
            params,
        )
        cursor.execute(f"ANALYZE {NEW_UNITS}")
        cursor.execute(
            f"DELETE FROM {unit_table} u WHERE u.key = %s AND NOT EXISTS (SELECT 1"
            f" FROM {NEW_UNITS} n WHERE n.unit_path = u.unit_path AND n.period = u.period"
            " AND n.until = u.until AND n.num IS NOT DISTINCT FROM u.num"
            " AND n.den IS NOT DISTINCT FROM u.den AND n.rows = u.rows)",
            [key],
        )
        cursor.execute(
            f"INSERT INTO {unit_table} (key, unit_path, period, until, num, den, rows)"
            f" SELECT %s, n.unit_path, n.period, n.until, n.num, n.den, n.rows"
            f" FROM {NEW_UNITS} n WHERE NOT EXISTS (SELECT 1 FROM {unit_table} u"
            " WHERE u.key = %s AND u.unit_path = n.unit_path AND u.period = n.period)",
            [key, key],
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
        cursor.execute(f"ANALYZE {NEW_TREE}")
        cursor.execute(
            f"DELETE FROM {tree_table} t WHERE t.key = %s AND NOT EXISTS (SELECT 1"
            f" FROM {NEW_TREE} n WHERE n.path = t.path AND n.period = t.period"
            " AND n.until = t.until AND n.parent = t.parent"
            " AND n.num IS NOT DISTINCT FROM t.num AND n.den IS NOT DISTINCT FROM t.den"
            " AND n.num_rows = t.num_rows AND n.den_rows = t.den_rows AND n.units = t.units)",
            [key],
        )
        cursor.execute(
            f"INSERT INTO {tree_table} (key, path, parent, period, until, num, den,"
            " num_rows, den_rows, units)"
            " SELECT %s, n.path, n.parent, n.period, n.until, n.num, n.den,"
            " n.num_rows, n.den_rows, n.units"
            f" FROM {NEW_TREE} n WHERE NOT EXISTS (SELECT 1 FROM {tree_table} t"
            " WHERE t.key = %s AND t.path = n.path AND t.period = n.period"
            " AND t.until = n.until)",
            [key, key],
        )
        cursor.execute(f"DROP TABLE {NEW_UNITS}, {NEW_TREE}")
