"""Status from work: each task's standing as of a period, and the work status of a
measure, a work point and a project gathered from their tasks.

A task is done when its latest approved progress report (the bimonthly 举措推进情况,
one per task) says 已完成 and every milestone is done, or when it has milestones, all
done, and no report says otherwise. Not done: overdue once its deadline has passed;
behind when a milestone is past due and not done, or the report says 滞后; else what the
report says (正常推进, 未启动), or no report. Each status ranks among the targets'
(overdue as 未完成, behind as 滞后, not started as 预警, no report as 暂无数据), so a
project takes the worst of its targets and its tasks, in the targets' colours, and
says in one line which task and how late.
"""

from __future__ import annotations

import datetime
import enum
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from eduplan.core.figure_reads import part_stamps
from eduplan.core.figures_cache import WORK, figures_cached
from eduplan.core.numbers import plain_number
from eduplan.core.periods import Period, period_from_code
from eduplan.indicators.status import Status
from eduplan.org.models import OrgUnit
from eduplan.plans.models import Milestone, Plan, Task, WorkPoint
from eduplan.reporting.models import DataValue, Submission
from eduplan.reporting.models import Status as ReportStatus

PROGRESS_FORM = "measure-progress"


class TaskState(enum.StrEnum):
    DONE = "done"
    ON_SCHEDULE = "on_schedule"
    BEHIND = "behind"
    NOT_STARTED = "not_started"
    OVERDUE = "overdue"
    NO_REPORT = "no_report"


# 已完成, 正常推进, 滞后, 未启动, 逾期, 未报送
TASK_STATE_LABELS: dict[TaskState, Any] = {
    TaskState.DONE: pgettext_lazy("task", "Done"),
    TaskState.ON_SCHEDULE: gettext_lazy("On schedule"),
    TaskState.BEHIND: gettext_lazy("Behind schedule"),
    TaskState.NOT_STARTED: pgettext_lazy("task", "Not started"),
    TaskState.OVERDUE: pgettext_lazy("task", "Overdue"),
    TaskState.NO_REPORT: gettext_lazy("No progress report"),
}
# Where each stands among the targets' statuses (indicators/projects.WORST_FIRST).
AS_TARGET: dict[TaskState, Status] = {
    TaskState.OVERDUE: Status.MISSED,
    TaskState.BEHIND: Status.OFF_TRACK,
    TaskState.NOT_STARTED: Status.AT_RISK,
    TaskState.NO_REPORT: Status.NO_DATA,
    TaskState.ON_SCHEDULE: Status.ON_TRACK,
    TaskState.DONE: Status.DONE,
}
WORST_FIRST = [
    TaskState.OVERDUE,
    TaskState.BEHIND,
    TaskState.NOT_STARTED,
    TaskState.NO_REPORT,
    TaskState.ON_SCHEDULE,
    TaskState.DONE,
]
LATE = frozenset({TaskState.OVERDUE, TaskState.BEHIND})
# The words of the progress form's status (mp_status).
REPORTED = {
    "已完成": TaskState.DONE,
    "正常推进": TaskState.ON_SCHEDULE,
    "滞后": TaskState.BEHIND,
    "未启动": TaskState.NOT_STARTED,
}
MILESTONE_LABELS = {
    "done": gettext_lazy("done"),
    "overdue": gettext_lazy("overdue"),
    "due": gettext_lazy("due"),
}


@dataclass(frozen=True)
class Progress:
    """A task's latest approved progress report."""

    submission: Submission
    status: str
    percent: Decimal | None
    narrative: str

    @property
    def period(self) -> Period:
        return period_from_code(self.submission.period)


@dataclass(frozen=True)
class MilestoneState:
    milestone: Milestone
    state: str  # "done" (by the day), "overdue", "due"
    days_late: int

    @property
    def label(self) -> str:
        return str(MILESTONE_LABELS[self.state])

    @property
    def style(self) -> str:
        return {"done": "success", "overdue": "danger"}.get(self.state, "light")


@dataclass(frozen=True)
class TaskStatus:
    task: Task
    state: TaskState
    reason: str  # one line: which task, how late ("" when nothing to say)
    days_late: int
    progress: Progress | None
    milestones: list[MilestoneState]

    @property
    def label(self) -> str:
        return str(TASK_STATE_LABELS[self.state])

    @property
    def as_target(self) -> Status:
        return AS_TARGET[self.state]

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.task.title,
            "lead": self.task.lead_unit.name,
            "deadline": self.task.deadline.isoformat(),
            "status": str(self.state),
            "status_label": self.label,
            "reason": self.reason,
            "milestones": [
                {
                    "title": m.milestone.title,
                    "kind": m.milestone.kind,
                    "due": m.milestone.due_on.isoformat(),
                    "state": m.state,
                    "done_on": m.milestone.done_on.isoformat() if m.milestone.done_on else None,
                    "document_number": m.milestone.document_number,
                }
                for m in self.milestones
            ],
        }


def _rank(s: TaskStatus) -> tuple[int, int]:
    return (WORST_FIRST.index(s.state), -s.days_late)


@dataclass(frozen=True)
class WorkStatus:
    """The work status of a measure, a work point or a project: its worst task."""

    tasks: list[TaskStatus] = field(default_factory=list)

    @property
    def worst(self) -> TaskStatus | None:
        return min(self.tasks, key=_rank) if self.tasks else None

    @property
    def state(self) -> TaskState | None:
        worst = self.worst
        return worst.state if worst else None

    @property
    def label(self) -> str:
        return self.worst.label if self.worst else ""

    @property
    def reason(self) -> str:
        return self.worst.reason if self.worst else ""

    @property
    def late(self) -> list[TaskStatus]:
        """Tasks overdue or behind, the latest first."""
        return sorted((s for s in self.tasks if s.state in LATE), key=_rank)


def _progress(tasks: list[Task], at: Period) -> dict[int, Progress]:
    """Each task's latest approved progress report up to `at` (two queries)."""
    subjects = {f"task:{t.pk}": t.pk for t in tasks}
    latest: dict[str, Submission] = {}
    for sub in (
        Submission.objects.filter(
            form__code=PROGRESS_FORM,
            subject__in=list(subjects),
            period__lte=at.code,
            status=ReportStatus.APPROVED,
        )
        .select_related("org_unit")
        .order_by("subject", "-period", "-pk")
    ):
        latest.setdefault(sub.subject, sub)
    values: dict[int, dict[str, Any]] = defaultdict(dict)
    for sub_id, code, num, text in DataValue.objects.filter(
        submission__in=list(latest.values()),
        element__code__in=["mp_status", "mp_percent", "mp_narrative"],
    ).values_list("submission_id", "element__code", "number", "text"):
        values[sub_id][code] = num if code == "mp_percent" else text
    return {
        subjects[subject]: Progress(
            submission=sub,
            status=values[sub.pk].get("mp_status", ""),
            percent=values[sub.pk].get("mp_percent"),
            narrative=values[sub.pk].get("mp_narrative", ""),
        )
        for subject, sub in latest.items()
    }


def task_status(task: Task, progress: Progress | None, day: datetime.date) -> TaskStatus:
    """A task's standing at the end of `day`, from its report and its milestones."""
    milestones = [
        MilestoneState(m, m.state_on(day), max(0, (day - m.due_on).days))
        for m in sorted(task.milestones.all(), key=lambda m: (m.due_on, m.pk))
    ]
    title = task.title
    reported = REPORTED.get(progress.status) if progress else None
    all_done = all(m.state == "done" for m in milestones)
    done = all_done and (reported == TaskState.DONE or (reported is None and bool(milestones)))
    late = [m for m in milestones if m.state == "overdue"]

    def status(state: TaskState, reason: str = "", days: int = 0) -> TaskStatus:
        return TaskStatus(task, state, reason, days, progress, milestones)

    if done:
        return status(TaskState.DONE)
    if task.deadline < day:
        days = (day - task.deadline).days
        return status(
            TaskState.OVERDUE,
            _("Task “%(title)s” overdue by %(days)s days") % {"title": title, "days": days},
            days,
        )
    if late:
        worst = max(late, key=lambda m: m.days_late)
        return status(
            TaskState.BEHIND,
            _("Task “%(title)s”: milestone “%(milestone)s” overdue by %(days)s days")
            % {"title": title, "milestone": worst.milestone.title, "days": worst.days_late},
            worst.days_late,
        )
    if progress is None or reported is None:
        return status(
            TaskState.NO_REPORT, _("Task “%(title)s” has no progress report") % {"title": title}
        )
    if reported == TaskState.DONE:  # reported done, a milestone not yet marked
        return status(TaskState.ON_SCHEDULE)
    words = {
        TaskState.BEHIND: _("Task “%(title)s” reported behind schedule (%(period)s)"),
        TaskState.NOT_STARTED: _("Task “%(title)s” reported not started (%(period)s)"),
    }
    reason = words.get(reported)
    return status(
        reported,
        reason % {"title": title, "period": progress.period.label} if reason else "",
    )


def task_status_list(
    *, plan: Plan, at: Period, unit: OrgUnit, day: datetime.date | None = None
) -> list[TaskStatus]:
    """Every task of the plan led within `unit` and due to have begun by the end of `at`
    (its year begun), with its status as of then (or as of `day`, within `at`: the
    工作台 judges today), in the plan's order (four queries)."""
    tasks = list(
        Task.objects.filter(plan=plan, year__lte=at.end.year, lead_unit__path__startswith=unit.path)
        .select_related("lead_unit", "measure__project", "work_point")
        .prefetch_related("milestones")
        .order_by("measure__project__number", "measure__number", "work_point__number", "number")
    )
    progress = _progress(tasks, at)
    return [task_status(t, progress.get(t.pk), day or at.end) for t in tasks]


@dataclass(frozen=True)
class PlanWork:
    """A plan's tasks as of a period, gathered by measure, work point and project."""

    tasks: list[TaskStatus]
    measures: dict[int, WorkStatus]
    work_points: dict[int, WorkStatus]
    projects: dict[int, WorkStatus]


def plan_work(*, plan: Plan, at: Period, unit: OrgUnit) -> PlanWork:
    """Tasks by measure, work point and project (a work point's tasks count for each
    project it serves; a task serving both a measure and a work point counts once in each)."""
    tasks = task_status_list(plan=plan, at=at, unit=unit)
    by_measure: dict[int, list[TaskStatus]] = defaultdict(list)
    by_point: dict[int, list[TaskStatus]] = defaultdict(list)
    by_project: dict[int, list[TaskStatus]] = defaultdict(list)
    served: dict[int, list[int]] = defaultdict(list)
    for point_id, project_id in WorkPoint.projects.through.objects.filter(
        workpoint__plan=plan
    ).values_list("workpoint_id", "project_id"):
        served[point_id].append(project_id)
    for s in tasks:
        projects: set[int] = set()
        if s.task.measure is not None:
            by_measure[s.task.measure_id].append(s)  # type: ignore[index]
            projects.add(s.task.measure.project_id)
        if s.task.work_point_id is not None:
            by_point[s.task.work_point_id].append(s)
            projects.update(served[s.task.work_point_id])
        for project_id in sorted(projects):  # a task serving a measure and a work point: once
            by_project[project_id].append(s)
    return PlanWork(
        tasks=tasks,
        measures={k: WorkStatus(v) for k, v in by_measure.items()},
        work_points={k: WorkStatus(v) for k, v in by_point.items()},
        projects={k: WorkStatus(v) for k, v in by_project.items()},
    )


def plan_work_cached(*, plan: Plan, at: Period, unit: OrgUnit) -> PlanWork:
    """`plan_work`, computed once per change of the work (its tasks, milestones and
    progress reports): a school's figures approved leave it alone."""
    work = part_stamps().get(WORK, 0)
    return figures_cached(
        work,
        f"work-part:{plan.pk}:{unit.pk}:{at.code}",
        lambda: plan_work(plan=plan, at=at, unit=unit),
    )


def percent_text(progress: Progress | None) -> str:
    """A report's percent as written (75%), blank without one."""
    if progress is None or progress.percent is None:
        return ""
    return f"{plain_number(progress.percent, places=0)}%"
