"""What every dashboard page shares: the frame (plan, org unit, period) it shows, and a
target's status cells and trajectory chart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from django.utils.translation import gettext as _

from eduplan.core.figures_cache import figures_stamp
from eduplan.core.periods import Period, PeriodType, periods_in_year
from eduplan.dashboards.charts import Chart, Series, day_label
from eduplan.indicators.projects import STATUS_STYLES, TargetPath
from eduplan.indicators.selectors import PeriodRefused, period_for, plan_and_unit_for
from eduplan.indicators.status import TargetStatus
from eduplan.indicators.work import Progress, TaskStatus
from eduplan.org.access import Action, User, can
from eduplan.org.models import OrgUnit
from eduplan.plans.models import Plan


@dataclass(frozen=True)
class Frame:
    """The plan, org unit and period a dashboard shows, and the periods one may pick."""

    plan: Plan
    unit: OrgUnit
    at: Period
    periods: list[Period]
    stamp: int


def frame_for(
    *, user: User, plan_code: str | None, at_code: str | None, org_code: str | None
) -> Frame:
    """The plan (the active one by default), the unit (the plan's area for bureau-wide
    users, else their scope; `org_code` within the user's reach) and the period (the last
    bimonthly one ended). Refuses outside the user's scope."""
    plan, unit = plan_and_unit_for(user=user, plan_code=plan_code, org_code=org_code)
    at = period_for(plan, at_code)
    if at.type != PeriodType.BIMONTHLY:
        raise PeriodRefused(_("Pick a bimonthly period (such as 2016B6)."))
    periods = [
        p
        for year in range(plan.start_year, plan.end_year + 1)
        for p in periods_in_year(year, PeriodType.BIMONTHLY)
    ]
    return Frame(plan=plan, unit=unit, at=at, periods=periods, stamp=figures_stamp())


class StatusCells(TypedDict):
    """A target's status as a row shows it: the status, its label and its style."""

    status: TargetStatus
    label: str
    style: str


def status_cells(s: TargetStatus) -> StatusCells:
    return {"status": s, "label": s.label, "style": STATUS_STYLES[s.status]}


def path_chart(s: TargetStatus, path: TargetPath, *, spark: bool = False) -> Chart:
    """A target's trajectory: actual, expected path, forecast to the due date, goal."""
    dates = list(path.dates)
    forecast: list[float | int | None] = [None] * len(dates)
    if path.forecast:
        (_start, start_value), (due, value) = path.forecast
        forecast[-1] = start_value
        dates.append(due)
        forecast.append(value)
    pad = len(dates) - len(path.dates)
    series = [
        Series(_("Actual"), [*path.actual, *[None] * pad], "actual"),
        Series(_("Expected path"), [*path.expected, *[None] * pad], "expected"),
    ]
    if not spark:
        series += [
            Series(_("Forecast"), forecast, "forecast"),
            Series(_("Goal"), [path.goal] * len(dates), "goal"),
        ]
    return Chart(
        id=f"target-{s.target.pk}",
        title=s.target.indicator,
        kind="spark" if spark else "line",
        categories=[day_label(d) for d in dates],
        series=series,
        unit=s.figures_unit,
        category_title=_("As of"),
        note=f"{_('Provisional measure')}：{s.provisional}" if s.provisional else "",
    )


def progress_readable(user: User, status: TaskStatus) -> Progress | None:
    """The task's latest progress report when the user may read that report itself (as on
    the report's own page: REPORT_VIEW on its unit), else None. A page that summarises
    reports shows no more of one (narrative, problems, evidence files) than its page would;
    the task's status and per cent done stay, as the plan's own figures."""
    progress = status.progress
    if progress is None or not can(user, Action.REPORT_VIEW, progress.submission):
        return None
    return progress
