"""Reports due in a period by child unit, shared by the cockpit and the districts page:
computed once per data change, and charted as the units furthest behind."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from eduplan.core.figure_reads import part_stamps
from eduplan.core.figures_cache import REPORTS, figures_cached
from eduplan.core.periods import Period
from eduplan.dashboards.charts import Chart, Series
from eduplan.dashboards.selectors.frame import Frame
from eduplan.org.models import OrgUnit, UnitType
from eduplan.reporting.selectors import CompletenessRow, completeness_due_in


@dataclass(frozen=True)
class UnitRef:
    """What a dashboard row needs of an org unit: cheap to cache for thousands of rows."""

    code: str
    name: str
    path: str
    type: str


def reporting_by_unit(*, unit: OrgUnit, at: Period) -> list[CompletenessRow[UnitRef]]:
    """Reports due in the period by child unit: the districts under the city
    (departments and bureau-run schools have their own pages), the schools under a
    district; computed once per change of the reports due (a report submitted, approved
    or returned, reports opened; a figure corrected in a report leaves them alone)."""

    def compute() -> list[CompletenessRow[UnitRef]]:
        rows: list[CompletenessRow[UnitRef]] = [
            {
                "unit": UnitRef(r["unit"].code, r["unit"].name, r["unit"].path, r["unit"].type),
                "completeness": r["completeness"],
            }
            for r in completeness_due_in(period=at, unit=unit)
        ]
        districts = [r for r in rows if r["unit"].type == UnitType.DISTRICT]
        return districts or rows

    return figures_cached(part_stamps().get(REPORTS, 0), f"due:{unit.pk}:{at.code}", compute)


CHART_UNITS = 30  # a chart of reports missing shows the units furthest behind


def reporting_chart(frame: Frame, rows: list[CompletenessRow[UnitRef]]) -> Chart:
    """Missing and late reports by unit: every district under the city; under a district
    the schools furthest behind (all of them are in the table's download)."""
    if len(rows) > CHART_UNITS:
        behind = [r for r in rows if r["completeness"].missing or r["completeness"].late]
        behind.sort(key=lambda r: (-r["completeness"].missing, -r["completeness"].late))
        rows = sorted(behind[:CHART_UNITS], key=lambda r: r["unit"].path)
    return Chart(
        id="reports-missing",
        title=_("Reports missing and late by unit, %(period)s") % {"period": frame.at.label},
        kind="bar",
        categories=[r["unit"].name for r in rows],
        series=[
            Series(_("Missing"), [r["completeness"].missing for r in rows], "bar"),
            Series(_("Late"), [r["completeness"].late for r in rows], "bar"),
        ],
        category_title=_("Unit"),
    )
