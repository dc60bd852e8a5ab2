"""Plan pages: overview, project, work point. Thin: selectors do the reading."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from eduplan.org.access import Action, requires
from eduplan.plans.models import Plan, Project, WorkPoint
from eduplan.plans.selectors import plan_overview_projects, plan_projects, plan_sections


def _plan(code: str) -> Plan:
    return get_object_or_404(Plan.objects.select_related("organisation"), code=code)


def _project(code: str, number: int) -> Project:
    return get_object_or_404(
        Project.objects.select_related("plan__organisation"), plan__code=code, number=number
    )


def _work_point(code: str, number: int) -> WorkPoint:
    return get_object_or_404(
        WorkPoint.objects.select_related("plan__organisation", "section"),
        plan__code=code,
        number=number,
    )


@requires(Action.PLAN_VIEW, load=_plan)
def plan_overview(request: HttpRequest, plan: Plan) -> HttpResponse:
    projects = plan_overview_projects(plan=plan)
    return render(
        request,
        "plans/plan_overview.html",
        {
            "plan": plan,
            "projects": projects,
            "sections": plan_sections(plan=plan),
            "plan_targets": list(plan.targets.filter(goal__isnull=True, work_point__isnull=True)),
        },
    )


@requires(Action.PLAN_VIEW, load=_project)
def project_detail(request: HttpRequest, project: Project) -> HttpResponse:
    project = plan_projects(plan=project.plan).get(pk=project.pk)
    goals = list(project.goals.all())
    return render(
        request,
        "plans/project_detail.html",
        {
            "plan": project.plan,
            "project": project,
            "goals": goals,
            "owners": list(project.project_owners.all()),
            "work_points": list(project.work_points.all()),
        },
    )


@requires(Action.PLAN_VIEW, load=_work_point)
def work_point_detail(request: HttpRequest, work_point: WorkPoint) -> HttpResponse:
    return render(
        request,
        "plans/work_point_detail.html",
        {
            "plan": work_point.plan,
            "work_point": work_point,
            "targets": list(work_point.targets.all()),
            "projects": list(work_point.projects.order_by("number")),
        },
    )
