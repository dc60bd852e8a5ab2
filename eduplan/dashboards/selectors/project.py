"""A project's page (and its .docx report): each target's path, measures with their latest
progress report and evidence, milestones, work points and owners."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.periods import Period
from eduplan.core.tables import Table
from eduplan.dashboards.charts import Chart
from eduplan.dashboards.selectors.frame import Frame, StatusCells, path_chart, status_cells
from eduplan.indicators.projects import (
    ProjectStatus,
    project_statuses_from,
    target_statuses_cached,
    targets_table,
    trajectory,
)
from eduplan.org.access import Action, User, can
from eduplan.plans.models import Goal, Measure, Milestone, Project, ProjectOwner, WorkPoint
from eduplan.reporting.models import Attachment, DataValue, Form, Submission
from eduplan.reporting.models import Status as ReportStatus

MEASURE_FORM = "measure-progress"


class TargetRow(StatusCells):
    chart: Chart | None


class MeasureProgress(TypedDict):
    """A measure's latest progress report: its submission, values and evidence files."""

    submission: Submission
    status: str
    percent: float | None
    narrative: str
    problems: str
    files: list[Attachment]


class MeasureRow(TypedDict):
    measure: Measure
    progress: MeasureProgress | None


class MilestoneRow(TypedDict):
    milestone: Milestone
    state: str
    style: str
    may_mark: bool  # the user may mark it done


@dataclass
class ProjectPage:
    frame: Frame
    project: Project
    status: ProjectStatus
    owners: list[ProjectOwner]
    goals: list[Goal]
    targets: list[TargetRow]
    measures: list[MeasureRow]
    milestones: list[MilestoneRow]
    work_points: list[WorkPoint]
    charts: list[Chart]
    tables: list[Table]

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)


def _measure_progress(project: Project, at: Period) -> dict[int, MeasureProgress]:
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
    out: dict[int, MeasureProgress] = {}
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


def project_page_build(*, user: User, frame: Frame, number_: int) -> ProjectPage:
    """The project's page as of the frame's period; 404 when the plan has no such project."""
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
    targets: list[TargetRow] = []
    charts = []
    for s in status.targets:
        path = trajectory(stamp=frame.stamp, status=s, at=frame.at)
        chart = path_chart(s, path) if path else None
        if chart:
            charts.append(chart)
        targets.append({"chart": chart, **status_cells(s)})
    progress = _measure_progress(project, frame.at)
    measures: list[MeasureRow] = [
        {"measure": m, "progress": progress.get(m.pk)} for m in project.measures.all()
    ]
    milestones = _milestones(user, project, frame.at)
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
        _measures_table(project, measures),
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


MILESTONE_STATES = {
    "done": (gettext_lazy("done"), "success"),
    "overdue": (gettext_lazy("overdue"), "danger"),
    "due": (gettext_lazy("due"), "light"),
}


def _milestones(user: User, project: Project, at: Period) -> list[MilestoneRow]:
    """The project's milestones, done, overdue or due as of the end of `at`, and whether
    the user may mark each one done (one query)."""
    milestones: list[MilestoneRow] = []
    for m in (
        Milestone.objects.filter(project=project)
        .select_related("project__plan__organisation")
        .order_by("due_on", "pk")
    ):
        state = m.state_on(at.end)
        label, style = MILESTONE_STATES[state]
        milestones.append(
            {
                "milestone": m,
                "state": str(label),
                "style": style,
                "may_mark": state != "done" and can(user, Action.PLAN_CHANGE, m),
            }
        )
    return milestones


def _measures_table(project: Project, measures: list[MeasureRow]) -> Table:
    """The measures with their latest progress, for the table view and the download."""
    return Table(
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
    )
