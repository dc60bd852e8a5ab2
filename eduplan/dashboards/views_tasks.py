"""The work breakdown (任务分解) of a plan and a task's page.

Both read the plan (Action.PLAN_VIEW); what a user may change on a task (its milestones'
evidence, marking them done; editing and confirming the task) is checked again by the
plans services the forms post to."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from eduplan.core.figures_cache import figures_scope
from eduplan.core.tables import table_export
from eduplan.dashboards.selectors.frame import Frame, frame_for
from eduplan.dashboards.selectors.tasks import TaskFilters, task_page_build, tasks_page_build
from eduplan.dashboards.views import _frame
from eduplan.indicators.selectors import PeriodRefused
from eduplan.indicators.work import TaskState
from eduplan.org.access import Action, my_scope, requires, requires_in_request
from eduplan.org.models import OrgUnit
from eduplan.plans.models import Plan, Task


def _filters(request: HttpRequest) -> TaskFilters:
    code = request.GET.get("unit", "")
    unit = OrgUnit.objects.filter(code=code).first() if code else None
    state = request.GET.get("status", "")
    project = request.GET.get("project", "")
    return TaskFilters(
        unit=unit,
        state=state if state in TaskState.__members__.values() else "",
        project=int(project) if project.isdigit() else None,
    )


@requires_in_request(Action.PLAN_VIEW, load=my_scope)
def plan_tasks(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    frame = _frame(request)
    with figures_scope():
        page = tasks_page_build(user=request.user, frame=frame, filters=_filters(request))
    return table_export(request, page.tables) or render(
        request, "dashboards/tasks.html", {"frame": frame, "page": page}
    )


def _task_plan(pk: int) -> Plan:
    return get_object_or_404(Task.objects.select_related("plan__organisation"), pk=pk).plan


def _task_frame(request: HttpRequest, task: Task) -> Frame:
    try:
        return frame_for(
            user=request.user,
            plan_code=task.plan.code,
            org_code=None,
            at_code=request.GET.get("at"),
        )
    except PeriodRefused:
        raise Http404(request.GET.get("at", "")) from None


@requires(Action.PLAN_VIEW, load=_task_plan)
def task_detail(request: HttpRequest, plan: Plan) -> HttpResponse:
    assert request.resolver_match is not None
    task = get_object_or_404(
        Task.objects.select_related(
            "plan__organisation", "lead_unit", "measure__project", "work_point"
        ),
        pk=request.resolver_match.kwargs["pk"],
    )
    frame = _task_frame(request, task)
    with figures_scope():
        page = task_page_build(user=request.user, frame=frame, task=task)
    return render(request, "dashboards/task.html", {"frame": frame, "page": page, "task": task})
