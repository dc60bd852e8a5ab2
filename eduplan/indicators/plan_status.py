"""`eduplan plan status --at 2016B6 [--plan CODE] [--json]`: every project's status
(the worst of its targets and its tasks, with the reason), every work point's and
measure's work status with its tasks. Registered with the plans' `plan` command."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError

from eduplan.core.periods import Period, PeriodCodeError, period_from_code
from eduplan.indicators.projects import project_statuses_from
from eduplan.indicators.status import target_status_list
from eduplan.indicators.work import WorkStatus, plan_work
from eduplan.plans.commands import PlanAction
from eduplan.plans.models import Measure, OwnerRole, Plan, ProjectOwner, WorkPoint
from eduplan.plans.selectors import plan_default


def _work_json(work: WorkStatus) -> dict[str, Any]:
    return {
        "status": str(work.state) if work.state else None,
        "status_label": work.label,
        "reason": work.reason,
        "tasks": [t.as_json() for t in work.tasks],
    }


def plan_status_json(*, plan: Plan, at: Period) -> dict[str, Any]:
    """The plan's statuses as of the end of `at`, for the whole plan's area."""
    unit = plan.organisation
    work = plan_work(plan=plan, at=at, unit=unit)
    projects = project_statuses_from(
        plan, target_status_list(plan=plan, at=at, unit=unit), work.projects
    )
    owners: dict[int, list[str]] = {}
    for owner in (
        ProjectOwner.objects.filter(project__plan=plan)
        .select_related("department")
        .order_by("project", "role", "pk")
    ):
        name = owner.department.name + ("（牵头）" if owner.role == OwnerRole.LEAD else "")
        owners.setdefault(owner.project_id, []).append(name)
    return {
        "plan": plan.code,
        "at": at.code,
        "projects": [
            {
                "number": p.number,
                "name": p.name,
                "status": str(p.status) if p.status else None,
                "status_label": p.label,
                "reason": p.reason,
                "owners": owners.get(p.project.pk, []),
            }
            for p in projects
        ],
        "work_points": [
            {"number": w.number, **_work_json(work.work_points.get(w.pk, WorkStatus()))}
            for w in WorkPoint.objects.filter(plan=plan).order_by("number")
        ],
        "measures": [
            {
                "project": m.project.number,
                "number": m.number,
                **_work_json(work.measures.get(m.pk, WorkStatus())),
            }
            for m in Measure.objects.filter(project__plan=plan)
            .select_related("project")
            .order_by("project__number", "number")
        ],
    }


def _add_arguments(parser: Any) -> None:
    parser.add_argument("--at", required=True, help="period code, e.g. 2016B6")
    parser.add_argument("--plan", help="plan code (default: the newest plan)")
    parser.add_argument("--json", action="store_true")


def _handle(command: Any, options: dict[str, Any]) -> None:
    try:
        at = period_from_code(options["at"])
    except PeriodCodeError as exc:
        raise CommandError(str(exc)) from None
    plan = plan_default(options["plan"])
    if plan is None:
        raise CommandError("没有找到规划")
    data = plan_status_json(plan=plan, at=at)
    if options["json"]:
        command.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
        return
    command.stdout.write(f"{plan.name} · 截至{at.label}")
    for p in data["projects"]:
        reason = f"：{p['reason']}" if p["reason"] else ""
        command.stdout.write(f"  [{p['status_label']}] 工程{p['number']} {p['name']}{reason}")
    for w in data["work_points"]:
        reason = f"：{w['reason']}" if w["reason"] else ""
        command.stdout.write(
            f"  [{w['status_label'] or '—'}] 要点{w['number']}（任务 {len(w['tasks'])} 项）{reason}"
        )


PLAN_STATUS = PlanAction(
    name="status",
    help="every project's, work point's and measure's status from targets and tasks",
    add_arguments=_add_arguments,
    handle=_handle,
)
