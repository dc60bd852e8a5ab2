"""Changing a task and its milestones: evidence (a file or a link), marking a milestone
done, editing, confirming or deleting a proposed task. Each posts back to the task's
page (dashboards); the services check the user again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from eduplan.core.errors import InputError
from eduplan.core.uploads import attachment_response
from eduplan.org.access import Action, requires
from eduplan.org.selectors import unit_named, units_named
from eduplan.plans.models import Milestone, MilestoneEvidence, Plan, Task
from eduplan.plans.services import (
    milestone_evidence_add,
    milestone_mark_done,
    task_delete,
    task_update,
)


def _task_milestone(pk: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.select_related("task__lead_unit", "task__plan"),
        pk=pk,
        task__isnull=False,
    )


def _task(pk: int) -> Task:
    return get_object_or_404(
        Task.objects.select_related("plan__organisation", "lead_unit", "measure__project"),
        pk=pk,
    )


def _back(task_pk: int) -> HttpResponse:
    return redirect(reverse("dashboards:task", args=[task_pk]))


def _refused(request: HttpRequest, exc: InputError, labels: dict[str, Any]) -> None:
    label = labels.get(exc.where)
    messages.error(request, f"{label}：{exc.message}" if label else exc.message)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("file"), required=False)
    url = forms.CharField(label=gettext_lazy("link"), max_length=500, required=False)
    note = forms.CharField(label=gettext_lazy("note"), max_length=500, required=False)


@require_POST
@requires(Action.TASK_REPORT, load=_task_milestone)
def milestone_evidence(request: HttpRequest, milestone: Milestone) -> HttpResponse:
    """Attach a file or a link to a task's milestone (its lead unit, the office)."""
    form = EvidenceForm(request.POST, request.FILES)
    assert milestone.task_id is not None
    if not form.is_valid():
        messages.error(request, _("Give either a file or a link."))
        return _back(milestone.task_id)
    try:
        milestone_evidence_add(
            user=request.user,
            milestone=milestone,
            file=form.cleaned_data["file"],
            url=form.cleaned_data["url"],
            note=form.cleaned_data["note"],
        )
    except InputError as exc:
        _refused(request, exc, {k: f.label for k, f in form.fields.items()})
    else:
        messages.success(request, _("Evidence added: %(title)s") % {"title": milestone.title})
    return _back(milestone.task_id)


class MarkDoneForm(forms.Form):
    done_on = forms.DateField(label=gettext_lazy("done on"))
    document_number = forms.CharField(
        label=pgettext_lazy("milestone", "document number"), max_length=100, required=False
    )


@require_POST
@requires(Action.TASK_REPORT, load=_task_milestone)
def milestone_done_with_evidence(request: HttpRequest, milestone: Milestone) -> HttpResponse:
    """Mark a task's milestone done: refused without evidence (and a document's 文号)."""
    form = MarkDoneForm(request.POST)
    assert milestone.task_id is not None
    if not form.is_valid():
        for name, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[name].label}：{'；'.join(str(e) for e in errors)}"
            )
        return _back(milestone.task_id)
    try:
        milestone_mark_done(
            user=request.user,
            milestone=milestone,
            done_on=form.cleaned_data["done_on"],
            document_number=form.cleaned_data["document_number"],
        )
    except InputError as exc:
        _refused(request, exc, {k: f.label for k, f in form.fields.items()})
    else:
        messages.success(
            request, _("Milestone marked done: %(title)s") % {"title": milestone.title}
        )
    return _back(milestone.task_id)


class TaskForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=300)
    lead_unit = forms.CharField(label=gettext_lazy("lead unit"), max_length=64)
    co_units = forms.CharField(label=gettext_lazy("co-operating units"), required=False)
    deadline = forms.DateField(label=gettext_lazy("deadline"))
    note = forms.CharField(label=gettext_lazy("note"), required=False, max_length=2000)
    confirm = forms.BooleanField(required=False)


@require_POST
@requires(Action.PLAN_CHANGE, load=_task)
def task_edit(request: HttpRequest, task: Task) -> HttpResponse:
    """Change a task and confirm it (the plan's owners, the office)."""
    form = TaskForm(request.POST)
    labels = {k: f.label for k, f in form.fields.items()}
    if not form.is_valid():
        for name, errors in form.errors.items():
            messages.error(request, f"{labels[name]}：{'；'.join(str(e) for e in errors)}")
        return _back(task.pk)
    data = form.cleaned_data
    try:
        task_update(
            user=request.user,
            task=task,
            title=data["title"],
            lead_unit=unit_named(data["lead_unit"], where="lead_unit"),
            co_units=units_named(data["co_units"], where="co_units"),
            deadline=data["deadline"],
            note=data["note"],
            confirm=data["confirm"],
        )
    except InputError as exc:
        _refused(request, exc, labels)
    else:
        messages.success(request, _("Task saved: %(title)s") % {"title": task.title})
    return _back(task.pk)


@require_POST
@requires(Action.PLAN_CHANGE, load=_task)
def task_remove(request: HttpRequest, task: Task) -> HttpResponse:
    """Delete a proposed task (the plan's owners, the office); back to the breakdown."""
    plan: Plan = task.plan
    try:
        task_delete(user=request.user, task=task)
    except InputError as exc:
        messages.error(request, exc.message)
        return _back(task.pk)
    messages.success(request, _("Proposed task deleted: %(title)s") % {"title": task.title})
    return redirect(reverse("dashboards:tasks") + f"?plan={plan.code}")


def _evidence_plan(pk: int) -> Any:
    item = get_object_or_404(
        MilestoneEvidence.objects.select_related("milestone__task__plan__organisation"),
        pk=pk,
        milestone__task__isnull=False,
    )
    assert item.milestone.task is not None
    return item.milestone.task.plan


@requires(Action.PLAN_VIEW, load=_evidence_plan)
def evidence_file(request: HttpRequest, plan: Plan) -> HttpResponseBase:
    """An evidence file, to whoever may read the plan (never served from MEDIA_URL)."""
    assert request.resolver_match is not None
    item = get_object_or_404(MilestoneEvidence, pk=request.resolver_match.kwargs["pk"])
    if not item.file:
        return redirect(item.url)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return attachment_response(handle, str(item.file.name))
