"""The dashboards: leaders' cockpit and big screen, project, districts, school.

Each view declares its access rule; the builders in `selectors` check the plan and the
org unit asked for (`?org=`) against the user's scope on every request."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from eduplan.core.docx import DOCX_CONTENT_TYPE
from eduplan.core.figures_cache import figures_scope, figures_stamp
from eduplan.core.tables import table_export
from eduplan.dashboards.exports import project_report_docx
from eduplan.dashboards.selectors.cockpit import cockpit_build
from eduplan.dashboards.selectors.districts import districts_build
from eduplan.dashboards.selectors.frame import Frame, frame_for
from eduplan.dashboards.selectors.project import project_page_build
from eduplan.dashboards.selectors.school import school_of, school_page_build
from eduplan.indicators.selectors import PeriodRefused
from eduplan.org.access import Action, my_scope, requires, requires_in_request
from eduplan.org.models import OrgUnit


def _frame(request: HttpRequest) -> Frame:
    """The plan, unit and period of the request; a bad period falls back to the default
    with a message saying what was wrong."""
    args: dict[str, Any] = {
        "user": request.user,
        "plan_code": request.GET.get("plan"),
        "org_code": request.GET.get("org"),
    }
    try:
        return frame_for(at_code=request.GET.get("at"), **args)
    except PeriodRefused as exc:
        messages.error(request, str(exc))
        return frame_for(at_code=None, **args)


def _context(frame: Frame, **extra: Any) -> dict[str, Any]:
    # `figures_seconds`: how long a page's figure fragments are kept ({% cache %}, keyed
    # by the figures stamp, so a change of the data is never served from it).
    return {"frame": frame, "figures_seconds": settings.FIGURES_CACHE_SECONDS, **extra}


@requires_in_request(Action.PLAN_VIEW, load=my_scope)
def cockpit(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    school = school_of(request.user)
    if school is not None and not request.GET.get("org"):
        return redirect("dashboards:school", code=school.code)
    frame = _frame(request)
    data = cockpit_build(user=request.user, frame=frame)
    with figures_scope():  # the parts are built as the page asks for them
        return table_export(request, data.tables) or render(
            request,
            "dashboards/cockpit.html",
            _context(frame, data=data, charts=data.charts_json),
        )


@requires_in_request(Action.PLAN_VIEW, load=my_scope)
def screen(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    frame = _frame(request)
    data = cockpit_build(user=request.user, frame=frame)
    with figures_scope():
        return render(
            request,
            "dashboards/screen.html",
            _context(
                frame,
                data=data,
                charts=data.charts_json,
                refresh=settings.EDUPLAN_SCREEN_REFRESH_SECONDS,
            ),
        )


def _number(request: HttpRequest) -> int:
    assert request.resolver_match is not None
    return int(request.resolver_match.kwargs["number"])


@requires_in_request(Action.PLAN_VIEW, load=my_scope)
def project(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    frame = _frame(request)
    with figures_scope():  # the targets' paths are built as the page asks for them
        page = project_page_build(user=request.user, frame=frame, number_=_number(request))
        return table_export(request, page.tables) or render(
            request,
            "dashboards/project.html",
            _context(frame, page=page, charts=page.charts_json),
        )


@requires_in_request(Action.PLAN_VIEW, load=my_scope)
def project_report(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    frame = _frame(request)
    with figures_scope():
        page = project_page_build(user=request.user, frame=frame, number_=_number(request))
        body = project_report_docx(page)
    response = HttpResponse(body, content_type=DOCX_CONTENT_TYPE)
    name = f"{page.project.number}-{page.project.name}-{frame.at.code}"
    response["Content-Disposition"] = (
        f'attachment; filename="project-{page.project.number}-{frame.at.code}.docx"; '
        f"filename*=UTF-8''{quote(name)}.docx"
    )
    return response


@requires_in_request(Action.PLAN_VIEW, load=my_scope)
def districts(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    frame = _frame(request)
    with figures_scope():
        data = districts_build(
            user=request.user,
            frame=frame,
            measure=request.GET.get("measure", "completion"),
            sort=request.GET.get("sort", ""),
        )
    return table_export(request, data.tables) or render(
        request, "dashboards/districts.html", _context(frame, data=data)
    )


def _school(code: str) -> OrgUnit:
    return get_object_or_404(OrgUnit, code=code)


@requires(Action.UNIT_VIEW, load=_school)
def school(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    page = school_page_build(unit=unit)
    return table_export(request, page.tables) or render(
        request,
        "dashboards/school.html",
        {
            "page": page,
            "charts": page.charts_json,
            "stamp": figures_stamp(),
            "figures_seconds": settings.FIGURES_CACHE_SECONDS,
        },
    )
