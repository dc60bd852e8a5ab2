"""The bulletin page and its .docx: for those who may see the whole plan area."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from eduplan.core.docx import DOCX_CONTENT_TYPE
from eduplan.core.periods import (
    Period,
    PeriodCodeError,
    PeriodType,
    period_from_code,
    periods_in_year,
)
from eduplan.core.routing import replica_reads
from eduplan.indicators.selectors import default_period
from eduplan.org.access import Action, requires_in_request
from eduplan.plans.models import Plan
from eduplan.supervision.bulletin import (
    PROJECT_COLUMNS,
    bulletin_build,
    bulletin_docx,
    plan_for_bulletin,
    status_label,
)


def _plan(request: HttpRequest) -> Plan:
    """The plan of `?plan=` (or the default one); access is checked on its area."""
    plan = plan_for_bulletin(request.GET.get("plan"))
    if plan is None:
        raise Http404
    return plan


def _period(request: HttpRequest, plan: Plan) -> Period:
    code = request.GET.get("at")
    if code:
        try:
            period = period_from_code(code)
            if period.type is PeriodType.BIMONTHLY:
                return period
        except PeriodCodeError:
            pass
        messages.error(request, _("Not a bimonthly period: %(code)s") % {"code": code})
    return default_period(plan)


@requires_in_request(Action.UNIT_VIEW, load=_plan)
def bulletin_page(request: HttpRequest, plan: Plan) -> HttpResponse:
    area = plan.organisation
    period = _period(request, plan)
    bulletin = bulletin_build(plan=plan, period=period)
    periods = [
        p
        for y in range(plan.start_year, plan.end_year + 1)
        for p in periods_in_year(y, PeriodType.BIMONTHLY)
    ]
    projects = [(p, cells, status_label(p.worst)) for p, cells in bulletin.project_rows]
    return render(
        request,
        "supervision/bulletin.html",
        {
            "bulletin": bulletin,
            "periods": periods,
            "projects": projects,
            "area": area,
            "columns": PROJECT_COLUMNS,
        },
    )


@replica_reads
@requires_in_request(Action.UNIT_VIEW, load=_plan)
def bulletin_download(request: HttpRequest, plan: Plan) -> HttpResponse:
    period = _period(request, plan)
    body = bulletin_docx(bulletin_build(plan=plan, period=period))
    response = HttpResponse(body, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bulletin-{period.code}.docx"'
    return response
