"""Completeness pages (报送率): the picker's target and one form and period over a unit's
children, sortable and narrowed to units with reports missing, with the unit's own reports."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from eduplan.core.tables import table_export
from eduplan.org.access import Action, my_scope, requires_in_request
from eduplan.org.models import OrgUnit
from eduplan.org.selectors import unit_ancestors
from eduplan.reporting.entry_window import STATE_LABELS, entry_state, period_closed_on
from eduplan.reporting.forms import report_rows
from eduplan.reporting.models import ExpectedReport, Form
from eduplan.reporting.selectors import (
    completeness,
    completeness_by_child,
    completeness_rows_sorted,
    completeness_table,
    periods_expected,
)
from eduplan.reporting.services import due_date
from eduplan.reporting.views import (
    ReportSlot,
    _completeness_slot,
    _default_period,
    _entry_url,
    _form_periods,
    _org_or_scope,
    _period,
    _tabs,
    _xlsx_url,
)


@requires_in_request(Action.REPORT_VIEW, load=_org_or_scope)
def completeness_start(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    """The picker's target: choose a form and period, then open its canonical page."""
    code = request.GET.get("form", "")
    form = get_object_or_404(Form, code=code) if code else Form.objects.order_by("code").first()
    if form is None:
        raise Http404
    try:
        period = _period(form, request.GET.get("period", ""))
    except Http404:
        period = _default_period(form)
    url = reverse("reporting:completeness", args=[form.code, period.code])
    org = request.GET.get("org", "")
    return redirect(f"{url}?{urlencode({'org': org})}" if org else url)


@requires_in_request(Action.REPORT_VIEW, load=_completeness_slot)
def completeness_page(request: HttpRequest, slot: ReportSlot) -> HttpResponse:
    form, period_code, unit = slot.form, slot.period.code, slot.unit
    scope = my_scope(request)
    children = completeness_by_child(form=form, period=period_code, unit=unit)
    exported = table_export(
        request,
        [
            completeness_table(
                table_id="completeness",
                title=f"{form.name} · {slot.period.label} · {unit.name}",
                rows=children,
            )
        ],
    )
    if exported is not None:
        return exported
    own = list(
        ExpectedReport.objects.filter(form=form, period=period_code, org_unit=unit).order_by(
            "subject"
        )
    )
    closed_on = period_closed_on(form=form, period_code=period_code)
    due_on = due_date(form, slot.period)
    base = reverse("reporting:completeness", args=[form.code, period_code])
    missing_only = request.GET.get("missing") == "1"
    sort = request.GET.get("sort", "")
    shown = completeness_rows_sorted(
        [row for row in children if row["completeness"].missing or not missing_only], sort
    )
    return render(
        request,
        "reporting/completeness.html",
        {
            **_tabs(request, "completeness"),
            "slot": slot,
            "total": completeness(form=form, period=period_code, unit=unit),
            "children": [
                {**row, "url": f"{base}?{urlencode({'org': row['unit'].code})}"} for row in shown
            ],
            "has_children": bool(children),
            "missing_only": missing_only,
            "sort": sort,
            "xlsx_url": _xlsx_url(request, form, period_code, unit),
            "own": report_rows(
                own, url_of=lambda e: _entry_url(form.code, period_code, unit.code, e.subject)
            ),
            "due_on": due_on,
            "entry_state_label": STATE_LABELS[
                entry_state(due_on=due_on, closed_on=closed_on, today=timezone.localdate())
            ],
            "ancestors": [
                {"unit": a, "url": f"{base}?{urlencode({'org': a.code})}"}
                for a in unit_ancestors(unit=unit)
                if scope.contains(a)
            ],
            "periods": _form_periods(periods_expected(form), form.period_type),
            "forms": list(Form.objects.order_by("code").only("code", "name")),
        },
    )
