"""Reading the figures store: a metric's aggregate for a unit's subtree (or for each child,
or for every unit) over a range of its periods, from a handful of roll-up rows.

Each function answers None where the store cannot answer exactly (a metric counted only
from its rows, periods outside the store's span, an average of a flow over several
periods, whose number of units is not a sum); the caller then counts from the rows.
The answers are the same aggregates as `indicators.aggregation` computes from the rows:
`n` the numerators' sum, `d` the denominators', `u` the units counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from eduplan.core.figure_parts import PART_STAMP, settings_digest
from eduplan.core.figure_store import metric_stored, parent_of, span, store_refresh
from eduplan.core.figures_cache import figures_memo
from eduplan.core.metrics import Metric, OverTime, OverUnits
from eduplan.core.models import DataStamp, StoredMetric, TreeFigure, UnitFigure

Row = dict[str, Any]
SUMS = {"n": Sum("num"), "d": Sum("den"), "u": Sum("units")}


_from_rows: ContextVar[bool] = ContextVar("figures_from_rows", default=False)


@contextmanager
def counted_from_rows() -> Iterator[None]:
    """Within this block figures are counted from the rows, not read from the store (to
    check the one against the other)."""
    token = _from_rows.set(True)
    try:
        yield
    finally:
        _from_rows.reset(token)


def _usable(m: Metric, periods: list[str]) -> bool:
    if not periods or _from_rows.get():
        return False
    within = figures_memo(f"store-span:{m.period_type}", lambda: set(span(m.period_type)))
    if periods[0] not in within or periods[-1] not in within:
        return False
    stored = figures_memo("store-keys", _stored_keys)
    digest = settings_digest(m)
    if stored.get(m.key) != digest and metric_stored(m):
        stored[m.key] = digest
    return stored.get(m.key) == digest


def part_stamps() -> dict[str, int]:
    """Each part's stamp, once the marks made so far are worked off (two indexed reads
    when there are none; once per page)."""

    def read() -> dict[str, int]:
        store_refresh()
        rows = DataStamp.objects.filter(name__startswith=PART_STAMP)
        return {name.removeprefix(PART_STAMP): n for name, n in rows.values_list("name", "number")}

    return figures_memo("part-stamps", read)


def _stored_keys() -> dict[str, str]:
    """The stored metrics with what they were built under, once the marks made so far
    are worked off (once per page)."""
    store_refresh()
    return dict(StoredMetric.objects.values_list("key", "settings_digest"))


def _rollups(m: Metric, periods: list[str]) -> QuerySet[TreeFigure] | None:
    """The roll-up rows that make up the figure over `periods` (any unit)."""
    rows = TreeFigure.objects.filter(key=m.key)
    if m.over_time is OverTime.LATEST:
        last = periods[-1]
        return rows.filter(period__gte=periods[0], period__lte=last).filter(
            Q(until="") | Q(until__gt=last)
        )
    if m.over_time is OverTime.LAST_PERIOD:
        census = (
            rows.filter(parent="", period__in=periods)
            .order_by("-period")
            .values_list("period", flat=True)
            .first()
        )
        return rows.filter(period=census) if census else None
    if m.over_units is OverUnits.AVERAGE and len(periods) > 1:
        return None  # units over several periods are not a sum: see `stored_value`
    return rows.filter(period__in=periods)


def stored_value(m: Metric, periods: list[str], path: str) -> Row | None:
    """The aggregate for the unit at `path` and everything beneath it. A unit's roll-up
    rows of a metric are read once per page (a few dozen) and each range added up from
    them: a status, its baseline and every point of its path cost one query together."""
    if not _usable(m, periods):
        return None
    if m.over_time is OverTime.SUM and m.over_units is OverUnits.AVERAGE and len(periods) > 1:
        return UnitFigure.objects.filter(
            key=m.key, unit_path__startswith=path, period__in=periods
        ).aggregate(n=Sum("num"), d=Sum("den"), u=Count("unit_path", distinct=True))
    rows = figures_memo(f"store-tree:{m.key}:{path}", lambda: _tree_rows(m.key, path))
    first, last = periods[0], periods[-1]
    if m.over_time is OverTime.LATEST:
        chosen = [r for r in rows if first <= r[0] <= last and (not r[1] or r[1] > last)]
    elif m.over_time is OverTime.LAST_PERIOD:
        censuses = figures_memo(f"store-censuses:{m.key}", lambda: _censuses(m.key))
        census = max((p for p in periods if p in censuses), default=None)
        chosen = [r for r in rows if r[0] == census]
    else:
        within = set(periods)
        chosen = [r for r in rows if r[0] in within]
    return {
        "n": _sum(r[2] for r in chosen),
        "d": _sum(r[3] for r in chosen),
        "u": sum(r[4] for r in chosen),
    }


TreeRow = tuple[str, str, Decimal | None, Decimal | None, int]


def _tree_rows(key: str, path: str) -> list[TreeRow]:
    """(period, until, num, den, units) of every roll-up row of one unit and metric. With
    its parent too: either index then finds them in a few rows, whichever the planner
    picks (a key its statistics did not sample looks rare enough for the children's
    index, which alone would read every unit's rows of the metric)."""
    rows = TreeFigure.objects.filter(key=key, parent=parent_of(path), path=path)
    return list(rows.values_list("period", "until", "num", "den", "units"))


def _censuses(key: str) -> set[str]:
    """The periods in which any unit has rows of the metric (a census was taken)."""
    roots = TreeFigure.objects.filter(key=key, parent="")
    return set(roots.values_list("period", flat=True))


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    """SQL's SUM: None when every value is None."""
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def stored_by_path(m: Metric, periods: list[str], *, parent: str | None) -> dict[str, Row] | None:
    """The aggregate for each child of the unit at `parent` (None: for every unit), by
    path; a unit with no rows is absent."""
    if not _usable(m, periods):
        return None
    if m.over_units is OverUnits.AVERAGE and m.over_time is OverTime.SUM and len(periods) > 1:
        return None
    rows = _rollups(m, periods)
    if rows is None:
        return {}
    if parent is not None:
        rows = rows.filter(parent=parent)
    grouped: QuerySet[Any] = rows.order_by().values("path").annotate(**SUMS)
    return {r["path"]: r for r in grouped}
