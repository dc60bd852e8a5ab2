"""Every org unit's figure for a metric at once: one grouped query per tree level.

A unit's figure is the aggregate of the rows under its path. For level L the rows are
grouped by the first L + 1 segments of their unit path, computed in SQL, so the whole
tree is aggregated in (depth + 1) queries whatever its size: no per-unit loops.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F, Max, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import StrIndex, Substr

from eduplan.core.figure_reads import stored_by_path
from eduplan.core.metrics import OverUnits, metric
from eduplan.indicators.aggregation import AGGREGATES, Figure, _figure, _rows, metric_periods
from eduplan.org.models import OrgUnit

MAX_DEPTH = 8  # each level doubles the expression; org trees are 3–4 levels deep


def _prefix(level: int) -> Combinable:
    """SQL for the first `level + 1` segments of unit_path ("/a/", "/a/b/", …)."""
    if level > MAX_DEPTH:
        raise ValueError(f"org trees deeper than {MAX_DEPTH} levels are not rolled up at once")
    end: Any = Value(1)  # the leading "/"
    for _ in range(level + 1):
        end = end + StrIndex(Substr(F("unit_path"), end + 1), Value("/"))
    return Substr(F("unit_path"), 1, end)


def metric_all_units(*, key: str, start: datetime.date, end: datetime.date) -> dict[str, Figure]:
    """Figures for every org unit that has rows beneath it, keyed by the unit's path."""
    m = metric(key)
    if m.ratio_of is not None:
        top, bottom = (metric_all_units(key=k, start=start, end=end) for k in m.ratio_of)
        return {
            path: Figure(
                num=figure.value,
                den=bottom[path].value if path in bottom else None,
                units=figure.units,
                over_units=OverUnits.SHARE,
            )
            for path, figure in top.items()
        }
    periods = metric_periods(m, start=start, end=end)
    if not periods:
        return {}
    stored = stored_by_path(m, periods, parent=None)
    if stored is not None:
        return {path: _figure(m, row) for path, row in stored.items()}
    everything = OrgUnit(path="/")  # every path starts with "/": all roots' trees
    depth = OrgUnit.objects.aggregate(d=Max("depth"))["d"] or 0
    paths_at = {
        level: set(OrgUnit.objects.filter(depth=level).values_list("path", flat=True))
        for level in range(depth + 1)
    }
    figures: dict[str, Figure] = {}
    for level in range(depth + 1):
        grouped = (
            _rows(m, periods, everything)
            .annotate(prefix=_prefix(level))
            .order_by()
            .values("prefix")
            .annotate(**AGGREGATES)
        )
        for row in grouped:
            # Rows of a shallower unit yield its own path at deeper levels: skip those.
            if row["prefix"] in paths_at[level]:
                figures[row["prefix"]] = _figure(m, row)
    return figures
