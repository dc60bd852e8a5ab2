"""The work breakdown page (任务分解, the 责任分解表 of a plan) and a task's page: every
measure's and work point's tasks with lead and co-operating units, deadline, milestones
and their state, status and latest progress, as of the frame's period."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from eduplan.core.tables import Table
from eduplan.dashboards.selectors.frame import Frame, progress_readable
from eduplan.indicators.projects import STATUS_STYLES
from eduplan.indicators.work import (
    AS_TARGET,
    TASK_STATE_LABELS,
    PlanWork,
    TaskState,
    TaskStatus,
    percent_text,
    plan_work_cached,
    task_status,
    task_status_list,
)
from eduplan.org.access import Action, User, can
from eduplan.org.models import OrgUnit, UnitType
from eduplan.plans.models import MilestoneEvidence, Task, WorkPoint
from eduplan.reporting.models import DataValue, Submission
from eduplan.reporting.models import Status as ReportStatus

PROGRESS_FORM = "measure-progress"


@dataclass(frozen=True)
class TaskFilters:
    unit: OrgUnit | None = None  # leading or co-operating
    state: str = ""
    project: int | None = None


@dataclass
class TasksPage:
    frame: Frame
    rows: list[dict[str, Any]]
    filters: TaskFilters
    units: list[OrgUnit]
    states: list[tuple[str, str]]
    counts: list[tuple[str, str, int]]
    tables: list[Table] = field(default_factory=list)


def _co_units(statuses: list[TaskStatus]) -> dict[int, list[OrgUnit]]:
    """Each task's co-operating units (one query)."""
    through = Task.co_units.through.objects.filter(
        task_id__in=[s.task.pk for s in statuses]
    ).select_related("orgunit")
    found: dict[int, list[OrgUnit]] = {}
    for row in through.order_by("orgunit__code"):
        found.setdefault(row.task_id, []).append(row.orgunit)
    return found


def _row(user: User, s: TaskStatus, co: list[OrgUnit]) -> dict[str, Any]:
    task = s.task
    owner = task.measure.text if task.measure is not None else task.work_point.text  # type: ignore[union-attr]
    return {
        "status": s,
        "style": STATUS_STYLES[s.as_target],
        "place": task.place,
        "owner_text": owner,
        "project": task.measure.project.number if task.measure is not None else None,
        "co": co,
        "percent": percent_text(s.progress),
        "progress": progress_readable(user, s),  # None unless the user may read the report
    }


def _matches(row: dict[str, Any], filters: TaskFilters, served: dict[int, set[int]]) -> bool:
    s: TaskStatus = row["status"]
    if filters.state and s.state != filters.state:
        return False
    if (
        filters.unit is not None
        and filters.unit != s.task.lead_unit
        and filters.unit not in row["co"]
    ):
        return False
    if filters.project is not None:
        projects = ({row["project"]} if row["project"] else set()) | served.get(
            s.task.work_point_id or 0, set()
        )
        return filters.project in projects
    return True


def tasks_page_build(*, user: User, frame: Frame, filters: TaskFilters) -> TasksPage:
    """The plan's tasks as of the frame's period (all of them: the breakdown is the
    plan's, readable wherever the plan is), filtered by unit, status and project; a task's
    progress narrative only where the user may read its report."""
    plan = frame.plan
    work: PlanWork = plan_work_cached(plan=plan, at=frame.at, unit=plan.organisation)
    co = _co_units(work.tasks)
    served: dict[int, set[int]] = {}
    for point_id, number in WorkPoint.projects.through.objects.filter(
        workpoint__plan=plan
    ).values_list("workpoint_id", "project__number"):
        served.setdefault(point_id, set()).add(number)
    rows = [_row(user, s, co.get(s.task.pk, [])) for s in work.tasks]
    shown = [r for r in rows if _matches(r, filters, served)]
    units = list(
        OrgUnit.objects.filter(
            Q(led_tasks__plan=plan) | Q(co_tasks__plan=plan),
            type__in=[UnitType.DEPARTMENT, UnitType.DISTRICT],
        )
        .distinct()
        .order_by("code")
    )
    tally = Counter(r["status"].state for r in rows)
    counts = [
        (str(TASK_STATE_LABELS[state]), STATUS_STYLES[AS_TARGET[state]], tally[state])
        for state in TaskState
        if tally[state]
    ]
    return TasksPage(
        frame=frame,
        rows=shown,
        filters=filters,
        units=units,
        states=[(str(k), str(v)) for k, v in TASK_STATE_LABELS.items()],
        counts=counts,
        tables=[_tasks_table(frame, shown)],
    )


def _tasks_table(frame: Frame, rows: list[dict[str, Any]]) -> Table:
    """The 责任分解表 as plain values, for the table view and the .xlsx."""
    return Table(
        id="tasks",
        title=_("Work breakdown of %(plan)s as of the end of %(period)s")
        % {"plan": frame.plan.name, "period": frame.at.label},
        header=[
            _("Measure or work point"),
            _("Text"),
            _("Task"),
            _("Lead unit"),
            _("Co-operating units"),
            _("Deadline"),
            _("Milestones"),
            _("Status"),
            _("Why"),
            _("Done (%)"),
            _("Latest progress"),
            _("Period"),
            _("Confirmed"),
        ],
        rows=[
            [
                r["place"],
                r["owner_text"],
                r["status"].task.title,
                r["status"].task.lead_unit.name,
                "、".join(u.name for u in r["co"]),
                r["status"].task.deadline,
                "；".join(f"{m.milestone.title}（{m.label}）" for m in r["status"].milestones),
                r["status"].label,
                r["status"].reason,
                r["percent"],
                r["progress"].narrative if r["progress"] else "",
                r["status"].progress.period.label if r["status"].progress else "",
                _("yes") if r["status"].task.confirmed else _("no"),
            ]
            for r in rows
        ],
    )


@dataclass
class TaskPage:
    frame: Frame
    status: TaskStatus
    style: str
    co: list[OrgUnit]
    milestones: list[dict[str, Any]]
    history: list[dict[str, Any]]
    history_withheld: int  # approved reports on the task outside the user's scope
    may_report: bool
    may_edit: bool


def _history(user: User, task: Task) -> tuple[list[dict[str, Any]], int]:
    """Every approved progress report on the task the user may read, newest first (two
    queries): the same rule as the report's own page; and how many were left out."""
    subs = list(
        Submission.objects.filter(
            form__code=PROGRESS_FORM, subject=f"task:{task.pk}", status=ReportStatus.APPROVED
        )
        .select_related("org_unit")
        .order_by("-period", "-pk")
    )
    every = len(subs)
    subs = [s for s in subs if can(user, Action.REPORT_VIEW, s)]
    values: dict[int, dict[str, Any]] = {}
    for sub_id, code, num, text in DataValue.objects.filter(submission__in=subs).values_list(
        "submission_id", "element__code", "number", "text"
    ):
        values.setdefault(sub_id, {})[code] = num if num is not None else text
    return [{"submission": s, **values.get(s.pk, {})} for s in subs], every - len(subs)


def task_page_build(*, user: User, frame: Frame, task: Task) -> TaskPage:
    """A task as of the frame's period, with what the user may do on it."""
    progress = {
        s.task.pk: s
        for s in task_status_list(plan=task.plan, at=frame.at, unit=task.plan.organisation)
    }
    status = progress.get(task.pk) or task_status(task, None, frame.at.end)
    evidence: dict[int, list[MilestoneEvidence]] = {}
    for item in MilestoneEvidence.objects.filter(milestone__task=task).select_related("added_by"):
        evidence.setdefault(item.milestone_id, []).append(item)
    may_report = can(user, Action.TASK_REPORT, task)
    milestones = [
        {"state": m, "evidence": evidence.get(m.milestone.pk, []), "may_mark": may_report}
        for m in status.milestones
    ]
    history, withheld = _history(user, task)
    return TaskPage(
        frame=frame,
        status=status,
        style=STATUS_STYLES[status.as_target],
        co=list(task.co_units.order_by("code")),
        milestones=milestones,
        history=history,
        history_withheld=withheld,
        may_report=may_report,
        may_edit=can(user, Action.PLAN_CHANGE, task),
    )
