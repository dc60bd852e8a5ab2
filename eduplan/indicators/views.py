"""The targets page: every target of the plan with actual, expected, status, forecast."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from eduplan.indicators.selectors import PeriodRefused, target_statuses_for
from eduplan.indicators.status import STATUS_LABELS, Status
from eduplan.org.access import Action, my_scope, requires_in_request
from eduplan.org.models import OrgUnit
from eduplan.org.selectors import unit_children_with_school_counts
from eduplan.reporting.periods import PeriodType, periods_in_year

STATUS_STYLES = {
    "on_track": "success",
    "done": "primary",
    "at_risk": "warning",
    "off_track": "danger",
    "not_apportioned": "light",
    "no_data": "secondary",
    "unmeasured": "secondary",
}


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
        {"status": s, "label": STATUS_LABELS[s.status], "style": STATUS_STYLES[str(s.status)]}
        for s in view.rows
    ]
    counts: dict[str, int] = {}
    for s in view.rows:
        counts[str(s.status)] = counts.get(str(s.status), 0) + 1
    return render(
        request,
        "indicators/target_status.html",
        {
            "view": view,
            "rows": rows,
            "periods": periods,
            "children": list(unit_children_with_school_counts(unit=view.unit)),
            "summary": [
                (STATUS_LABELS[Status(k)], STATUS_STYLES[k], counts[k])
                for k in STATUS_STYLES
                if k in counts
            ],
            "scope": scope,
        },
    )
