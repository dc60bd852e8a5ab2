"""What the dashboards show, built once per data change and per unit and period.

Every builder takes the user and checks access itself (through `org.access`), then
reads figures through `indicators` (cached under the figures stamp), so the number of
queries a page makes does not grow with the number of projects, districts or schools.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Count, F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplan.construction.selectors import class_census_summary
from eduplan.core.figures_cache import figures_cached, figures_stamp
from eduplan.core.tables import Table, number
from eduplan.dashboards.charts import Chart, Series, day_label
from eduplan.indicators.models import Reach
from eduplan.indicators.projects import (
    JUDGED,
    STATUS_STYLES,
    ProjectStatus,
    TargetPath,
    project_statuses_from,
    status_summary,
    target_statuses_cached,
    targets_table,
    trajectory,
)
from eduplan.indicators.selectors import PeriodRefused, period_for, plan_and_unit_for
from eduplan.indicators.status import (
    STATUS_LABELS,
    Status,
    TargetStatus,
    measured_status_by_child,
)
from eduplan.org.access import Action, can, membership_of
from eduplan.org.models import SCHOOL_TYPES, OrgGroup, OrgUnit, Role, UnitType
from eduplan.org.selectors import rows_in_group
from eduplan.plans.models import Milestone, Plan, Project, ProjectOwner, WorkPoint
from eduplan.reporting.models import (
    Attachment,
    DataValue,
    ExpectedReport,
    Form,
    Submission,
)
from eduplan.reporting.models import (
    Status as ReportStatus,
)
from eduplan.reporting.periods import (
    Period,
    PeriodType,
    period_from_code,
    periods_in_year,
)
from eduplan.reporting.selectors import Completeness, completeness_due_in, completeness_table
from eduplan.supervision.models import Colour
from eduplan.supervision.selectors import orders_for

MEASURE_FORM = "measure-progress"
TOP_ORDERS = 8


# Shared: plan, unit, period --------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """The plan, org unit and period a dashboard shows, and the periods one may pick."""

    plan: Plan
    unit: OrgUnit
    at: Period
    periods: list[Period]
    stamp: int


def frame_for(
    *, user: Any, plan_code: str | None, at_code: str | None, org_code: str | None
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


def _f(value: Decimal | None) -> float | int | None:
    return number(value)


def status_cells(s: TargetStatus) -> dict[str, Any]:
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


# Leaders' cockpit ----------------------------------------------------------------------


@dataclass
class Cockpit:
    frame: Frame
    projects: list[ProjectStatus]
    summary: list[tuple[str, str, int]]
    key_targets: list[dict[str, Any]]
    orders: list[tuple[str, str, int]]
    worst_orders: list[Any]
    reporting: list[dict[str, Any]]
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # The key targets whose figure is a provisional measure (临时口径), for the footnotes
    # a wall screen needs (no hover there).
    provisional: list[TargetStatus] = field(default_factory=list)


@dataclass(frozen=True)
class UnitRef:
    """What a dashboard row needs of an org unit: cheap to cache for thousands of rows."""

    code: str
    name: str
    path: str
    type: str


def reporting_by_unit(*, stamp: int, unit: OrgUnit, at: Period) -> list[dict[str, Any]]:
    """Reports due in the period by child unit: the districts under the city
    (departments and bureau-run schools have their own pages), the schools under a
    district; computed once per data change."""

    def compute() -> list[dict[str, Any]]:
        rows = [
            {
                "unit": UnitRef(r["unit"].code, r["unit"].name, r["unit"].path, r["unit"].type),
                "completeness": r["completeness"],
            }
            for r in completeness_due_in(period=at, unit=unit)
        ]
        districts = [r for r in rows if r["unit"].type == UnitType.DISTRICT]
        return districts or rows

    return figures_cached(stamp, f"due:{unit.pk}:{at.code}", compute)


def cockpit_build(*, user: Any, frame: Frame) -> Cockpit:
    statuses = target_statuses_cached(
        stamp=frame.stamp, plan=frame.plan, at=frame.at, unit=frame.unit
    )
    projects = project_statuses_from(frame.plan, statuses)
    key_targets = []
    charts = []
    for p in projects:
        key = p.key_target
        if key is None:
            continue
        path = trajectory(stamp=frame.stamp, status=key, at=frame.at)
        chart = path_chart(key, path, spark=True) if path else None
        if chart:
            charts.append(chart)
        key_targets.append({"project": p.project, "chart": chart, **status_cells(key)})
    day = timezone.localdate()
    mine = orders_for(user=user, day=day)
    counts = dict.fromkeys(Colour.values, 0)
    for row in mine.order_by().values("colour").annotate(n=Count("pk")):  # type: ignore[misc]
        counts[row["colour"]] = row["n"]
    reporting = reporting_by_unit(stamp=frame.stamp, unit=frame.unit, at=frame.at)
    charts.append(reporting_chart(frame, reporting))
    projects_table = Table(
        id="projects",
        title=_("Key projects as of the end of %(period)s") % {"period": frame.at.label},
        header=[_("No."), _("Project"), _("Status"), _("Targets on track (%)")]
        + [str(STATUS_LABELS[k]) for k in STATUS_STYLES],
        rows=[
            [p.number, p.name, p.label, number(p.share_on_track, 0)]
            + [p.counts.get(str(k), 0) for k in STATUS_STYLES]
            for p in projects
        ],
    )
    return Cockpit(
        frame=frame,
        projects=projects,
        summary=status_summary(statuses),
        key_targets=key_targets,
        orders=[(c, str(Colour(c).label), counts[c]) for c in reversed(Colour.values)],
        worst_orders=list(mine[:TOP_ORDERS]),
        reporting=reporting,
        charts=charts,
        provisional=[k["status"] for k in key_targets if k["status"].provisional],
        tables=[
            projects_table,
            targets_table(unit=frame.unit, at=frame.at, rows=statuses),
            completeness_table(
                table_id="reporting",
                title=_("Reports due in %(period)s by unit") % {"period": frame.at.label},
                rows=reporting,
            ),
        ]
        + [c.table() for c in charts],
    )


CHART_UNITS = 30  # a chart of reports missing shows the units furthest behind


def reporting_chart(frame: Frame, rows: list[dict[str, Any]]) -> Chart:
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


# Project page ----------------------------------------------------------------------------


@dataclass
class ProjectPage:
    frame: Frame
    project: Project
    status: ProjectStatus
    owners: list[ProjectOwner]
    goals: list[Any]
    targets: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    milestones: list[dict[str, Any]]
    work_points: list[WorkPoint]
    charts: list[Chart]
    tables: list[Table]

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)


def _measure_progress(project: Project, at: Period) -> dict[int, dict[str, Any]]:
    """Each measure's latest progress report up to `at` (approved or submitted), with its
    narrative and evidence files: three queries."""
    form = Form.objects.filter(code=MEASURE_FORM).first()
    if form is None:
        return {}
    subjects = {f"measure:{m.pk}": m.pk for m in project.measures.all()}
    subs = (
        Submission.objects.filter(
            form=form,
            subject__in=list(subjects),
            period__lte=at.code,
            status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED],
        )
        .select_related("org_unit")
        .order_by("subject", "-period", "-pk")
    )
    latest: dict[str, Submission] = {}
    for sub in subs:
        latest.setdefault(sub.subject, sub)
    values: dict[int, dict[str, str]] = {}
    for sub_id, code, num, text in DataValue.objects.filter(
        submission__in=list(latest.values())
    ).values_list("submission_id", "element__code", "number", "text"):
        values.setdefault(sub_id, {})[code] = text if text else ("" if num is None else str(num))
    files: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(submission__in=list(latest.values())).order_by(
        "pk"
    ):
        files.setdefault(attachment.submission_id, []).append(attachment)
    out = {}
    for subject, sub in latest.items():
        v = values.get(sub.pk, {})
        percent = v.get("mp_percent")
        out[subjects[subject]] = {
            "submission": sub,
            "status": v.get("mp_status", ""),
            "percent": None if not percent else float(Decimal(percent)),
            "narrative": v.get("mp_narrative", ""),
            "problems": v.get("mp_problems", ""),
            "files": files.get(sub.pk, []),
        }
    return out


def project_page_build(*, user: Any, frame: Frame, number_: int) -> ProjectPage:
    project = (
        Project.objects.filter(plan=frame.plan, number=number_)
        .prefetch_related("goals", "measures")
        .first()
    )
    if project is None:
        raise Http404(_("The plan has no project %(n)s.") % {"n": number_})
    statuses = target_statuses_cached(
        stamp=frame.stamp, plan=frame.plan, at=frame.at, unit=frame.unit
    )
    status = next(p for p in project_statuses_from(frame.plan, statuses) if p.project == project)
    targets, charts = [], []
    for s in status.targets:
        path = trajectory(stamp=frame.stamp, status=s, at=frame.at)
        chart = path_chart(s, path) if path else None
        if chart:
            charts.append(chart)
        targets.append({"chart": chart, **status_cells(s)})
    progress = _measure_progress(project, frame.at)
    measures: list[dict[str, Any]] = [
        {"measure": m, "progress": progress.get(m.pk)} for m in project.measures.all()
    ]
    milestone_states = {
        "done": (_("done"), "success"),
        "overdue": (_("overdue"), "danger"),
        "due": (_("due"), "light"),
    }
    milestones = []
    for m in (
        Milestone.objects.filter(project=project)
        .select_related("project__plan__organisation")
        .order_by("due_on", "pk")
    ):
        state = m.state_on(frame.at.end)
        label, style = milestone_states[state]
        milestones.append(
            {
                "milestone": m,
                "state": label,
                "style": style,
                "may_mark": state != "done" and can(user, Action.PLAN_CHANGE, m),
            }
        )
    owners = list(
        ProjectOwner.objects.filter(project=project)
        .select_related("department")
        .order_by("role", "pk")
    )
    work_points = list(
        WorkPoint.objects.filter(projects=project).select_related("section").order_by("number")
    )
    tables = [
        targets_table(unit=frame.unit, at=frame.at, rows=status.targets),
        Table(
            id="measures",
            title=_("Measures of project %(n)s") % {"n": project.number},
            header=[
                _("No."),
                _("Measure"),
                _("Progress status"),
                _("Done (%)"),
                _("Progress"),
                _("Period"),
            ],
            rows=[
                [
                    m["measure"].number,
                    m["measure"].text,
                    m["progress"]["status"] if m["progress"] else "",
                    m["progress"]["percent"] if m["progress"] else None,
                    m["progress"]["narrative"] if m["progress"] else "",
                    m["progress"]["submission"].period if m["progress"] else "",
                ]
                for m in measures
            ],
        ),
    ] + [c.table() for c in charts]
    return ProjectPage(
        frame=frame,
        project=project,
        status=status,
        owners=owners,
        goals=list(project.goals.all()),
        targets=targets,
        measures=measures,
        milestones=milestones,
        work_points=work_points,
        charts=charts,
        tables=tables,
    )


# Districts: ranking and map ------------------------------------------------------------

MEASURES = ("completion", "timeliness", "on_track")


@dataclass
class DistrictRow:
    unit: OrgUnit
    completeness: Completeness
    statuses: dict[int, DistrictStatus]
    on_track: float | None
    visible: bool
    rank: dict[str, int] = field(default_factory=dict)
    position: int = 0  # the rank by the column the table is sorted by
    cells: list[dict[str, Any] | None] = field(default_factory=list)  # one per target

    def measure(self, key: str) -> float | None:
        if key == "completion":
            return self.completeness.rate
        if key == "timeliness":
            return self.completeness.timely_rate
        if key == "on_track":
            return self.on_track
        status = self.statuses.get(int(key))
        return None if status is None or status.progress is None else float(status.progress)


@dataclass
class Districts:
    frame: Frame
    targets: list[Any]
    rows: list[DistrictRow]
    measure: str
    measures: list[tuple[str, str]]
    sort: str
    tiles: list[dict[str, Any]]
    grid: tuple[int, int]
    tables: list[Table]


class DistrictStatus(NamedTuple):
    """A district's standing on one target: plain values, cheap to cache."""

    status: Status
    progress: Decimal | None


def _district_statuses(
    frame: Frame,
) -> tuple[list[Any], dict[str, dict[int, DistrictStatus]]]:
    """Each district's own status on every target measured unit by unit (two queries per
    target, whatever the number of districts).

    A target bound to a unit group is shown for the districts inside the group only, and
    left off when no district is (直属学校班班通 is the bureau's own schools': a district
    has none of them, so it has no figure to be ranked by)."""
    statuses = target_statuses_cached(
        stamp=frame.stamp, plan=frame.plan, at=frame.at, unit=frame.plan.organisation
    )
    measured = [
        s.target
        for s in statuses
        if s.kind == "measured" and s.target.binding.reach == Reach.EACH_UNIT
    ]

    def compute() -> tuple[list[int], dict[str, dict[int, DistrictStatus]]]:
        inside = _districts_in_groups(
            frame.plan.organisation,
            {t.binding.group_id for t in measured if t.binding.group_id is not None},
        )
        shown = [t for t in measured if t.binding.group_id is None or inside[t.binding.group_id]]
        by_district: dict[str, dict[int, DistrictStatus]] = {}
        for target in shown:
            for code, status in measured_status_by_child(
                target, target.binding, parent=frame.plan.organisation, at=frame.at
            ).items():
                group = target.binding.group_id
                if group is not None and code not in inside[group]:
                    continue
                by_district.setdefault(code, {})[target.pk] = DistrictStatus(
                    status.status, status.progress
                )
        return [t.pk for t in shown], by_district

    shown, by_district = figures_cached(
        frame.stamp, f"districts:{frame.plan.pk}:{frame.at.code}", compute
    )
    return [t for t in measured if t.pk in shown], by_district


def _districts_in_groups(area: OrgUnit, group_ids: set[int]) -> dict[int, set[str]]:
    """For each group, the codes of the districts of `area` that lie inside it (one query
    per group; the plan binds few targets to groups)."""
    districts = OrgUnit.objects.filter(parent=area, type=UnitType.DISTRICT).annotate(
        unit_path=F("path")
    )
    return {
        group.pk: set(
            rows_in_group(districts, group_code=group.code).values_list("code", flat=True)
        )
        for group in OrgGroup.objects.filter(pk__in=group_ids)
    }


def districts_build(*, user: Any, frame: Frame, measure: str, sort: str) -> Districts:
    """Every district side by side; rows outside the user's scope are ranked but hidden."""
    area = frame.plan.organisation
    targets, by_district = _district_statuses(frame)
    reporting = {
        r["unit"].code: r["completeness"]
        for r in reporting_by_unit(stamp=frame.stamp, unit=area, at=frame.at)
    }
    membership = membership_of(user)
    scope = membership.scope if membership else None
    rows = []
    for unit in OrgUnit.objects.filter(parent=area, type=UnitType.DISTRICT).order_by("code"):
        statuses = by_district.get(unit.code, {})
        judged = [s for s in statuses.values() if s.status in JUDGED]
        on_track = (
            None
            if not judged
            else 100.0
            * sum(s.status in (Status.ON_TRACK, Status.DONE) for s in judged)
            / len(judged)
        )
        rows.append(
            DistrictRow(
                unit=unit,
                completeness=reporting.get(unit.code, Completeness(0, 0, 0, 0)),
                statuses=statuses,
                on_track=on_track,
                visible=(scope is not None and scope.contains(unit))
                or (scope is not None and unit.contains(scope)),
            )
        )
    keys = [*MEASURES, *(str(t.pk) for t in targets)]
    for key in keys:
        ordered = sorted(rows, key=lambda r: _descending(r.measure(key)))
        for i, row in enumerate(ordered, start=1):
            row.rank[key] = i
    if measure not in keys:
        measure = "completion"
    if sort not in keys and sort != "name":
        sort = measure
    if sort == "name":
        rows.sort(key=lambda r: r.unit.code)
    else:
        rows.sort(key=lambda r: r.rank[sort])
    for row in rows:
        row.position = row.rank[measure if sort == "name" else sort]
        row.cells = [_cell(row.statuses.get(t.pk)) for t in targets]
    visible = [r for r in rows if r.visible]
    provisional = _("Provisional measure")
    measures = [
        ("completion", _("Reports submitted (%)")),
        ("timeliness", _("Reports on time (%)")),
        ("on_track", _("Targets on track (%)")),
    ] + [
        (
            str(t.pk),
            _("Progress: %(indicator)s") % {"indicator": f"{t.indicator}（{t.year}）"}
            + (f"（{provisional}）" if t.binding.provisional else ""),
        )
        for t in targets
    ]
    tiles, grid = _tiles(rows, measure)
    provisional_notes = [
        f"{t.indicator}（{t.year}）：{t.binding.provisional}"
        for t in targets
        if t.binding.provisional
    ]
    table = Table(
        id="districts",
        title=_("Districts as of the end of %(period)s") % {"period": frame.at.label},
        note=f"{provisional}：{'；'.join(provisional_notes)}" if provisional_notes else "",
        header=[
            _("Rank"),
            _("District"),
            _("Expected"),
            _("Missing"),
            _("Late"),
            _("Reports submitted (%)"),
            _("Reports on time (%)"),
            _("Targets on track (%)"),
        ]
        + [
            (f"{t.indicator}（{t.year}）" if t.year else t.indicator)
            + (f"（{provisional}）" if t.binding.provisional else "")
            for t in targets
        ],
        rows=[
            [
                r.position,
                r.unit.name,
                r.completeness.expected,
                r.completeness.missing,
                r.completeness.late,
                number(r.completeness.rate, 1),
                number(r.completeness.timely_rate, 1),
                number(r.on_track, 1),
            ]
            + [
                str(STATUS_LABELS[r.statuses[t.pk].status]) if t.pk in r.statuses else ""
                for t in targets
            ]
            for r in visible
        ],
    )
    return Districts(
        frame=frame,
        targets=targets,
        rows=visible,
        measure=measure,
        measures=measures,
        sort=sort,
        tiles=tiles,
        grid=grid,
        tables=[table],
    )


def _cell(status: DistrictStatus | None) -> dict[str, Any] | None:
    """A district's progress on one target, ready for the table."""
    if status is None:
        return None
    progress = None if status.progress is None else f"{status.progress:.0f}"
    return {
        "style": STATUS_STYLES[status.status],
        "label": str(STATUS_LABELS[status.status]),
        "progress": progress,
    }


def _descending(value: float | None) -> float:
    """Sort key: highest first, no figure last."""
    return 1.0 if value is None else -value


# Five classes, low to high: the map's legend (colour-blind safe, from light to dark).
MAP_CLASSES = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


def _tiles(rows: list[DistrictRow], measure: str) -> tuple[list[dict[str, Any]], tuple[int, int]]:
    """The schematic map: each district at its [row, column] tile, coloured by the measure
    in five equal bands of 0–100; districts without a tile go on a row below."""
    placed = []
    spare_row = 1 + max(
        (r.unit.attributes.get("tile", [0, 0])[0] for r in rows if "tile" in r.unit.attributes),
        default=-1,
    )
    spare_col = 0
    for r in sorted(rows, key=lambda r: r.unit.code):
        tile = r.unit.attributes.get("tile")
        if tile:
            row, col = tile
        else:
            row, col = spare_row, spare_col
            spare_col += 1
        value = r.measure(measure) if r.visible else None
        band = None if value is None else min(4, max(0, int(value // 20)))
        placed.append(
            {
                "unit": r.unit,
                "row": row + 1,
                "col": col + 1,
                "value": value,
                "visible": r.visible,
                "colour": "#e9ecef" if band is None else MAP_CLASSES[band],
                "dark": band is not None and band >= 3,
            }
        )
    rows_n = max((t["row"] for t in placed), default=1)
    cols_n = max((t["col"] for t in placed), default=1)
    return placed, (rows_n, cols_n)


# School page ------------------------------------------------------------------------------


@dataclass
class SchoolPage:
    unit: OrgUnit
    due: list[dict[str, Any]]
    returned: list[Submission]
    census: list[dict[str, Any]]
    figures: list[Table]
    charts: list[Chart]
    tables: list[Table]


def school_page_build(*, unit: OrgUnit, today: datetime.date | None = None) -> SchoolPage:
    """A school's reports due and returned, and its figures over time (the view has
    checked the user may see the unit)."""
    if unit.type not in SCHOOL_TYPES:
        raise Http404(_("%(unit)s is not a school or kindergarten.") % {"unit": unit.name})
    today = today or timezone.localdate()
    expected = list(
        ExpectedReport.objects.filter(org_unit=unit)
        .select_related("form")
        .order_by("-due_on", "form__code")[:60]
    )
    subs = {
        (s.form_id, s.period, s.subject): s
        for s in Submission.objects.filter(org_unit=unit)
        .select_related("form")
        .only("pk", "form__code", "form__name", "period", "subject", "status", "returned_reason")
    }
    due: list[dict[str, Any]] = []
    for e in expected:
        sub = subs.get((e.form_id, e.period, e.subject))
        state = sub.status if sub else "missing"
        due.append(
            {
                "expected": e,
                "submission": sub,
                "state": state,
                "overdue": (sub is None and e.due_on < today)
                or (
                    sub is not None
                    and sub.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
                    and e.due_on < today
                ),
            }
        )
    returned = [s for s in subs.values() if s.status == ReportStatus.RETURNED]
    census = class_census_summary(unit=unit)
    census_chart = Chart(
        id="census",
        title=_("Classes by school year"),
        kind="bar",
        categories=[str(r["school_year"]) for r in census],
        series=[
            Series(_("Classes"), [r["classes"] for r in census], "bar"),
            Series(_("Large classes (56–65)"), [r["large"] for r in census], "bar"),
            Series(_("Very large classes (66+)"), [r["huge"] for r in census], "bar"),
            Series(_("Average class size"), [number(r["average"], 1) for r in census], "actual"),
        ],
        category_title=_("School year"),
    )
    figures = _school_figures(unit)
    charts = [census_chart] if census else []
    return SchoolPage(
        unit=unit,
        due=due,
        returned=returned,
        census=census,
        figures=figures,
        charts=charts,
        tables=[
            Table(
                id="due",
                title=_("Reports of %(unit)s") % {"unit": unit.name},
                header=[_("Form"), _("Period"), _("Due"), _("Status")],
                rows=[
                    [
                        d["expected"].form.name,
                        d["expected"].period,
                        d["expected"].due_on,
                        str(ReportStatus(d["state"]).label)
                        if d["submission"]
                        else _("not started"),
                    ]
                    for d in due
                ],
            ),
            *figures,
            *[c.table() for c in charts],
        ],
    )


def _school_figures(unit: OrgUnit) -> list[Table]:
    """The school's approved numeric figures, one table per form, periods as rows (one
    query)."""
    rows = (
        DataValue.objects.filter(
            org_unit=unit, submission__status=ReportStatus.APPROVED, number__isnull=False
        )
        .values_list(
            "submission__form__code",
            "submission__form__name",
            "period",
            "element__code",
            "element__name",
            "number",
        )
        .order_by("submission__form__code", "period", "element_id")
    )
    forms: dict[str, dict[str, Any]] = {}
    for code, name, period, element, element_name, value in rows:
        form = forms.setdefault(code, {"name": name, "elements": {}, "periods": {}})
        form["elements"].setdefault(element, element_name)
        form["periods"].setdefault(period, {})[element] = number(value)
    tables = []
    for code, form in forms.items():
        elements = list(form["elements"])
        tables.append(
            Table(
                id=f"form-{code}",
                title=form["name"],
                header=[_("Period")] + [form["elements"][e] for e in elements],
                rows=[
                    [period_from_code(p).label] + [values.get(e) for e in elements]
                    for p, values in form["periods"].items()
                ],
            )
        )
    return tables


def school_of(user: Any) -> OrgUnit | None:
    membership = membership_of(user)
    if (
        membership
        and membership.role == Role.SCHOOL_REPORTER
        and membership.scope
        and membership.scope.type in SCHOOL_TYPES
    ):
        return membership.scope
    return None
