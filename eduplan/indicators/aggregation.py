"""Aggregating a metric over an org subtree and a range of periods, in the database.

Numerators and denominators are summed separately and divided only at the end, so a
share is never an average of percentages. No per-unit Python loops: one query per
figure, one per breakdown.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet, Sum, Value, Window
from django.db.models.functions import Rank, StrIndex, Substr

from eduplan.core.figure_reads import stored_by_path, stored_value
from eduplan.core.figures_cache import figures_memo
from eduplan.core.metrics import Metric, OverTime, OverUnits, metric
from eduplan.core.periods import Period, PeriodType, period_containing, periods_between
from eduplan.org.models import OrgUnit

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Figure:
    """An aggregate: numerator, denominator, the number of units it covers, and its value.

    `units` counts each unit once for a stock, a census and one period. For a flow added
    over several periods and read from the figures store it counts unit-periods: only an
    average divides by it, and an average over several periods is counted from the rows."""

    num: Decimal | None
    den: Decimal | None
    units: int
    over_units: OverUnits

    @property
    def value(self) -> Decimal | None:
        if self.num is None:
            return None
        if self.over_units is OverUnits.SHARE:
            return None if not self.den else HUNDRED * self.num / self.den
        if self.over_units is OverUnits.AVERAGE:
            return None if not self.units else self.num / self.units
        return self.num


def figure_absent(m: Metric) -> Figure:
    """The figure where no row was found: zero for a register, else no data."""
    if m.absent_is_zero:
        return Figure(Decimal(0), Decimal(0), 0, m.over_units)
    return Figure(None, None, 0, m.over_units)


def metric_periods(m: Metric, *, start: datetime.date, end: datetime.date) -> list[str]:
    """The metric's own period codes from the one containing `start` to the one
    containing `end` (a period that has begun counts: figures are as of `end`)."""
    kind = PeriodType(m.period_type)
    first = period_containing(start, kind)
    last = period_containing(end, kind)
    if last.start > end:  # only for terms' gap months
        last = last.previous()
    return [p.code for p in periods_between(first, last)] if first <= last else []


def _rows(m: Metric, periods: list[str], unit: OrgUnit) -> QuerySet[Any]:
    assert m.rows is not None
    rows = m.rows(periods).filter(unit_path__startswith=unit.path)
    if m.over_time is OverTime.LAST_PERIOD:
        # A census counts everyone at once: the range's last census, for all units (a
        # school closed before it is rightly absent). Found from the newest period back,
        # each probe a cheap indexed EXISTS, so only that census's rows are aggregated.
        for code in reversed(periods):
            if m.rows([code]).exists():
                return m.rows([code]).filter(unit_path__startswith=unit.path)
        return rows.none()
    if m.over_time is OverTime.LATEST:
        # Each unit's rows of its latest period in the range (all of them: a school has
        # many classes in one census), ranked by a window in a subquery of keys so that
        # the outer query aggregates and groups freely.
        latest = rows.annotate(
            recency=Window(Rank(), partition_by=[F("unit_path")], order_by=F("period").desc())
        ).filter(recency=1)
        rows = m.rows(periods).filter(pk__in=latest.values("pk"))
    return rows


def _figure(m: Metric, row: dict[str, Any]) -> Figure:
    num, den = row.get("n"), row.get("d")
    return Figure(
        num=None if num is None else Decimal(num),
        den=None if den is None else Decimal(den),
        units=row.get("u") or 0,
        over_units=m.over_units,
    )


AGGREGATES = {"n": Sum("num"), "d": Sum("den"), "u": Count("unit_path", distinct=True)}


def metric_value(*, key: str, unit: OrgUnit, start: datetime.date, end: datetime.date) -> Figure:
    """The metric's value for `unit` and everything beneath it, over [start, end]."""
    m = metric(key)
    if m.ratio_of is not None:
        top, bottom = (metric_value(key=k, unit=unit, start=start, end=end) for k in m.ratio_of)
        return Figure(num=top.value, den=bottom.value, units=top.units, over_units=OverUnits.SHARE)
    periods = metric_periods(m, start=start, end=end)
    if not periods:
        return figure_absent(m)

    def compute() -> Figure:
        row = stored_value(m, periods, unit.path)
        if row is None:  # not in the store: counted from the rows
            row = _rows(m, periods, unit).order_by().aggregate(**AGGREGATES)
        figure = _figure(m, row)
        return figure_absent(m) if figure.num is None else figure

    # Keyed by the metric's own periods: dates in one census year give one figure.
    return figures_memo(f"value:{key}:{unit.path}:{periods[0]}:{periods[-1]}", compute)


def metric_by_child(
    *, key: str, unit: OrgUnit, start: datetime.date, end: datetime.date
) -> dict[str, Figure]:
    """The metric for each child of `unit` (by child code), in one query. A child with no
    row is absent from the result (see `figure_absent`)."""
    m = metric(key)
    if m.ratio_of is not None:
        top, bottom = (metric_by_child(key=k, unit=unit, start=start, end=end) for k in m.ratio_of)
        return {
            code: Figure(
                num=top[code].value,
                den=bottom[code].value if code in bottom else None,
                units=top[code].units,
                over_units=OverUnits.SHARE,
            )
            for code in top
        }
    periods = metric_periods(m, start=start, end=end)
    if not periods:
        return {}

    def compute() -> dict[str, Figure]:
        stored = stored_by_path(m, periods, parent=unit.path)
        if stored is not None:
            return {path.split("/")[-2]: _figure(m, row) for path, row in stored.items()}
        rest = Substr("unit_path", len(unit.path) + 1)
        rows = (
            _rows(m, periods, unit)
            .exclude(unit_path=unit.path)
            .annotate(rest=rest)
            .annotate(child=Substr(F("rest"), 1, StrIndex(F("rest"), Value("/")) - 1))
            .order_by()
            .values("child")
            .annotate(**AGGREGATES)
        )
        return {row["child"]: _figure(m, row) for row in rows}

    return figures_memo(f"by-child:{key}:{unit.path}:{periods[0]}:{periods[-1]}", compute)


def metric_series(
    *, key: str, unit: OrgUnit, start: datetime.date, points: list[Period]
) -> list[tuple[Period, Figure]]:
    """The metric as of the end of each point (for trends and forecasts)."""
    return [(p, metric_value(key=key, unit=unit, start=start, end=p.end)) for p in points]
