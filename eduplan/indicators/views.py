"""The targets page: every target of the plan with actual, expected, status, forecast."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.periods import PeriodType, periods_in_year
from eduplan.core.tables import table_export
from eduplan.indicators.models import Judgement
from eduplan.indicators.projects import STATUS_STYLES, status_summary, targets_table
from eduplan.indicators.selectors import PeriodRefused, target_statuses_for
from eduplan.indicators.services import target_assessment_record, target_may_assess
from eduplan.org.access import Action, my_scope, requires, requires_in_request
from eduplan.org.models import OrgUnit
from eduplan.org.selectors import unit_children_with_school_counts
from eduplan.plans.models import Target


@requires_in_request(Action.PLAN_VIEW, load=my_scope)
def target_status(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    # my_scope passed the PLAN_VIEW check on the user's own area; the selector checks
    # the plan and the org unit asked for.
    try:
        view = target_statuses_for(
            user=request.user,
            plan_code=request.GET.get("plan"),
            at_code=request.GET.get("at"),
            org_code=request.GET.get("org"),
        )
    except PeriodRefused as exc:
        messages.error(request, str(exc))
        view = target_statuses_for(
            user=request.user,
            plan_code=request.GET.get("plan"),
            at_code=None,
            org_code=request.GET.get("org"),
        )
    periods = [
        p
        for year in range(view.plan.start_year, view.plan.end_year + 1)
        for p in periods_in_year(year, PeriodType.BIMONTHLY)
    ]
    rows = [
        {
            "status": s,
            "label": s.label,
            "style": STATUS_STYLES[s.status],
            "may_assess": target_may_assess(user=request.user, target=s.target),
        }
        for s in view.rows
    ]
    table = targets_table(unit=view.unit, at=view.at, rows=view.rows)
    exported = table_export(request, [table])
    if exported is not None:
        return exported
    return render(
        request,
        "indicators/target_status.html",
        {
            "view": view,
            "rows": rows,
            "periods": periods,
            "children": list(unit_children_with_school_counts(unit=view.unit)),
            "summary": status_summary(view.rows),
            "scope": scope,
        },
    )


class AssessmentForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Judgement.choices)
    progress = forms.DecimalField(
        label=gettext_lazy("progress (%)"), required=False, min_value=0, max_value=100
    )
    comment = forms.CharField(
        label=gettext_lazy("comment"), widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label=gettext_lazy("evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    overrides = forms.BooleanField(
        label=gettext_lazy("overrides the measured status"), required=False
    )


def _target(pk: int) -> Target:
    return get_object_or_404(
        Target.objects.select_related("plan__organisation", "goal__project"), pk=pk
    )


@requires(Action.PLAN_VIEW, load=_target)
def target_assess(request: HttpRequest, target: Target) -> HttpResponse:
    period_code = request.GET.get("at") or request.POST.get("at") or ""
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target_assessment_record(
                user=request.user,
                target=target,
                period_code=period_code,
                status=data["status"],
                comment=data["comment"],
                progress=None if data["progress"] is None else str(data["progress"]),
                evidence=data["evidence"],
                overrides=data["overrides"],
            )
        except InputError as exc:
            form.add_error(exc.where if exc.where in form.fields else None, exc.message)
        else:
            messages.success(request, _("Saved"))
            return redirect(f"{reverse('target_status')}?at={period_code}")
    return render(
        request,
        "indicators/target_assess.html",
        {
            "target": target,
            "form": form,
            "period_code": period_code,
            "may_assess": target_may_assess(user=request.user, target=target),
        },
    )
