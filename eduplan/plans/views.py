"""Plan pages: the front door, overview, project, work point. Thin: selectors do the
reading."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eduplan.core.errors import InputError
from eduplan.org.access import Action, public, requires
from eduplan.plans.models import Milestone, Plan, Project, WorkPoint
from eduplan.plans.selectors import (
    plan_overview_projects,
    plan_projects,
    plan_sections,
    plans_visible_to,
)
from eduplan.plans.services import milestone_complete


@public
def home(request: HttpRequest) -> HttpResponse:
    """The front door: the first plan the user may see, else the user's own unit."""
    if not request.user.is_authenticated:
        return redirect("login")
    plans = plans_visible_to(user=request.user)
    if plans:
        return redirect("plan_overview", code=plans[0].code)
    return redirect("my_unit")


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


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label=gettext_lazy("done on"))
    evidence = forms.CharField(label=gettext_lazy("evidence"), max_length=2000)


def _milestone(pk: int) -> Milestone:
    """A project's own milestone (a task's is marked done with evidence on the task's page)."""
    return get_object_or_404(
        Milestone.objects.select_related("project__plan__organisation"),
        pk=pk,
        task__isnull=True,
        project__isnull=False,
    )


@require_POST
@requires(Action.PLAN_CHANGE, load=_milestone)
def milestone_done(request: HttpRequest, milestone: Milestone) -> HttpResponse:
    """Mark a milestone done (its project's owner departments); back to where it was."""
    form = MilestoneDoneForm(request.POST)
    back = request.POST.get("next", "")
    project = milestone.project
    assert project is not None
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("project_detail", args=[project.plan.code, project.number])
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[field].label}：{'；'.join(str(e) for e in errors)}"
            )
        return redirect(back)
    try:
        milestone_complete(
            user=request.user,
            milestone=milestone,
            done_on=form.cleaned_data["done_on"],
            evidence=form.cleaned_data["evidence"],
        )
    except InputError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Milestone marked done: %(title)s") % {"title": milestone.title}
        )
    return redirect(back)
