"""A project's page (and its .docx report): each target's path, measures and work points
with their tasks (status, latest progress report and evidence, milestones), the
project's own milestones and owners."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypedDict

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.figure_reads import part_stamps
from eduplan.core.figures_cache import JUDGEMENT, WORK
from eduplan.core.periods import Period, period_from_code
from eduplan.core.tables import Table
from eduplan.dashboards.charts import Chart
from eduplan.dashboards.selectors.frame import (
    Frame,
    StatusCells,
    path_chart,
    progress_readable,
    status_cells,
)
from eduplan.indicators.projects import (
    STATUS_STYLES,
    ProjectStatus,
    project_statuses_from,
    target_statuses_cached,
    targets_table,
    trajectory,
)
from eduplan.indicators.work import (
    PlanWork,
    Progress,
    TaskStatus,
    WorkStatus,
    percent_text,
    plan_work_cached,
)
from eduplan.org.access import Action, User, access_key, can
from eduplan.plans.models import Goal, Measure, Milestone, Project, ProjectOwner, WorkPoint
from eduplan.reporting.models import Attachment


class TargetRow(StatusCells):
    chart: Chart | None


class TaskRow(TypedDict):
    """A task with its status, latest progress (per cent as written) and, when the user may
    read that report, its narrative and evidence files (`progress`, `files`)."""

    status: TaskStatus
    style: str
    percent: str
    progress: Progress | None  # None: none reported, or the report is not the user's to read
    withheld: bool  # a report exists that the user may not read
    files: list[Attachment]


class MeasureRow(TypedDict):
    measure: Measure
    work: WorkStatus
    tasks: list[TaskRow]


class PointTasks(TypedDict):
    point: WorkPoint
    tasks: list[TaskRow]


class MilestoneRow(TypedDict):
    milestone: Milestone
    state: str
    style: str
    may_mark: bool  # the user may mark it done


@dataclass
class ProjectPage:
    """A project's page. Its targets with their paths are the figures part, the same for
    every reader of the frame: built on first use (the page keeps their markup per
    change of the figures). Its work part (goals, owners, measures and work points with
    their tasks) shows what the reader may read: built on first use too, and kept as
    markup per `live_key`. The milestones, which carry the reader's own forms, are
    built on every request."""

    frame: Frame
    project: Project
    status: ProjectStatus
    user: User
    plan_work: PlanWork

    @cached_property
    def live_key(self) -> str:
        """What the work part shows depends on: the plan's text and owners, the work (its
        tasks, milestones, progress reports) and what the reader may read."""
        stamps = part_stamps()
        return f"{stamps.get(JUDGEMENT, 0)}.{stamps.get(WORK, 0)}.{access_key(self.user)}"

    @cached_property
    def owners(self) -> list[ProjectOwner]:
        return list(
            ProjectOwner.objects.filter(project=self.project)
            .select_related("department")
            .order_by("role", "pk")
        )

    @cached_property
    def goals(self) -> list[Goal]:
        return list(self.project.goals.all())

    @cached_property
    def _files(self) -> dict[int, list[Attachment]]:
        return _evidence_files(self.user, self.status.work.tasks)

    @cached_property
    def measures(self) -> list[MeasureRow]:
        measures: list[MeasureRow] = []
        for m in self.project.measures.all():
            measure_work = self.plan_work.measures.get(m.pk, WorkStatus())
            measures.append(
                {
                    "measure": m,
                    "work": measure_work,
                    "tasks": _task_rows(self.user, measure_work.tasks, self._files),
                }
            )
        return measures

    @cached_property
    def milestones(self) -> list[MilestoneRow]:
        return _milestones(self.user, self.project, self.frame.at)

    @cached_property
    def work_points(self) -> list[WorkPoint]:
        return list(
            WorkPoint.objects.filter(projects=self.project)
            .select_related("section")
            .order_by("number")
        )

    @cached_property
    def point_tasks(self) -> list[PointTasks]:
        points = self.plan_work.work_points
        return [
            {
                "point": w,
                "tasks": _task_rows(self.user, points.get(w.pk, WorkStatus()).tasks, self._files),
            }
            for w in self.work_points
        ]

    @cached_property
    def _paths(self) -> tuple[list[TargetRow], list[Chart]]:
        targets: list[TargetRow] = []
        charts = []
        for s in self.status.targets:
            path = trajectory(stamp=self.frame.stamp, status=s, at=self.frame.at)
            chart = path_chart(s, path) if path else None
            if chart:
                charts.append(chart)
            targets.append({"chart": chart, **status_cells(s)})
        return targets, charts

    @property
    def targets(self) -> list[TargetRow]:
        return self._paths[0]

    @property
    def charts(self) -> list[Chart]:
        return self._paths[1]

    def charts_json(self) -> list[dict[str, Any]]:
        return [c.as_json() for c in self.charts]

    def tables(self) -> list[Table]:
        """The page's workbooks (built when one is asked for)."""
        return [
            targets_table(unit=self.frame.unit, at=self.frame.at, rows=self.status.targets),
            _measures_table(self.project, self.measures),
        ] + [c.table() for c in self.charts]

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables() if t.id == table_id)


def _evidence_files(user: User, work: list[TaskStatus]) -> dict[int, list[Attachment]]:
    """The evidence files of the tasks' latest progress reports the user may read, by
    submission (one query)."""
    readable = (progress_readable(user, s) for s in work)
    ids = [p.submission.pk for p in readable if p is not None]
    files: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(submission_id__in=ids).order_by("pk"):
        files.setdefault(attachment.submission_id, []).append(attachment)
    return files


def _task_rows(
    user: User, statuses: list[TaskStatus], files: dict[int, list[Attachment]]
) -> list[TaskRow]:
    rows: list[TaskRow] = []
    for s in statuses:
        progress = progress_readable(user, s)
        rows.append(
            {
                "status": s,
                "style": STATUS_STYLES[s.as_target],
                "percent": percent_text(s.progress),
                "progress": progress,
                "withheld": s.progress is not None and progress is None,
                "files": files.get(progress.submission.pk, []) if progress else [],
            }
        )
    return rows


def project_page_build(*, user: User, frame: Frame, number_: int) -> ProjectPage:
    """The project's page as of the frame's period; 404 when the plan has no such project."""
    project = Project.objects.filter(plan=frame.plan, number=number_).first()
    if project is None:
        raise Http404(_("The plan has no project %(n)s.") % {"n": number_})
    statuses = target_statuses_cached(
        stamp=frame.stamp, plan=frame.plan, at=frame.at, unit=frame.unit
    )
    work = plan_work_cached(plan=frame.plan, at=frame.at, unit=frame.unit)
    status = next(
        p
        for p in project_statuses_from(frame.plan, statuses, work.projects)
        if p.project == project
    )
    return ProjectPage(frame=frame, project=project, status=status, user=user, plan_work=work)


MILESTONE_STATES = {
    "done": (gettext_lazy("done"), "success"),
    "overdue": (gettext_lazy("overdue"), "danger"),
    "due": (gettext_lazy("due"), "light"),
}


def _milestones(user: User, project: Project, at: Period) -> list[MilestoneRow]:
    """The project's own milestones (its tasks' are with the tasks), done, overdue or due
    as of the end of `at`, and whether the user may mark each one done (one query)."""
    milestones: list[MilestoneRow] = []
    for m in (
        Milestone.objects.filter(project=project, task__isnull=True)
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
    """The measures' tasks with their status and latest progress, for the table view and
    the download."""
    return Table(
        id="measures",
        title=_("Measures of project %(n)s") % {"n": project.number},
        header=[
            _("No."),
            _("Measure"),
            _("Task"),
            _("Lead unit"),
            _("Deadline"),
            _("Status"),
            _("Done (%)"),
            _("Progress"),
            _("Period"),
        ],
        rows=[
            [
                m["measure"].number,
                m["measure"].text,
                row["status"].task.title,
                row["status"].task.lead_unit.name,
                row["status"].task.deadline,
                row["status"].label,
                row["percent"],
                row["progress"].narrative if row["progress"] else "",
                period_from_code(row["status"].progress.submission.period).label
                if row["status"].progress
                else "",
            ]
            for m in measures
            for row in m["tasks"]
        ],
    )
