"""The preschool pages (login required): 双90% by district, a kindergarten's register
entry, applications and their steps, re-evaluation rounds.

Thin views: each declares its access rule (org/access.py); every write goes through
workflow.py or rechecks.py, which check the user's right, the scope and the order again.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from eduplan.core.errors import InputError
from eduplan.core.tables import Table, table_export
from eduplan.kindergartens.models import (
    Application,
    Grade,
    Kindergarten,
    Objection,
    RecheckItem,
    RecheckRound,
)
from eduplan.kindergartens.rechecks import recheck_result_record, recheck_round_draw
from eduplan.kindergartens.selectors import (
    Rates,
    applications_for,
    double_ninety,
    double_ninety_by_district,
    rounds,
)
from eduplan.kindergartens.workflow import (
    STEP_LABELS,
    STEPS,
    application_step,
    application_submit,
    may_take,
    objection_decide,
    objection_record,
    preschool_department,
)
from eduplan.org.access import Action, can, my_scope, requires, requires_in_request
from eduplan.org.models import OrgUnit, UnitType

FIRST_YEAR, LAST_YEAR = 2015, 2018
PER_PAGE = 50


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    default = min(max(datetime.date.today().year, FIRST_YEAR), LAST_YEAR)
    return int(raw) if raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR else default


def _percent(value: object) -> str:
    return "" if value is None else f"{value:.1f}"


def _rates_table(rows: list[Rates], year: int) -> Table:
    return Table(
        id="rates",
        title=_("Double 90%% by district, %(year)s") % {"year": year},
        header=[
            _("County-level unit"),
            _("Children in kindergarten"),
            _("Children aged 3–5"),
            _("Gross enrolment (%)"),
            _("Children in inclusive kindergartens"),
            _("Inclusive share (%)"),
            _("Reaches both"),
        ],
        rows=[
            [
                r.unit.name,
                r.children,
                r.population,
                _percent(r.gross),
                r.inclusive_children,
                _percent(r.inclusive),
                _("Yes") if r.reaches_both else _("No"),
            ]
            for r in rows
        ],
    )


@requires_in_request(Action.UNIT_VIEW, load=my_scope)
def overview(request: HttpRequest, scope: OrgUnit) -> HttpResponseBase:
    """双90% of the user's area: every district for the city's staff, else their own."""
    year = _year(request)
    if scope.type == UnitType.BUREAU and scope.parent_id is None:
        rows = double_ninety_by_district(city=scope, year=year)
        whole = double_ninety(unit=scope, year=year)
    else:
        district = scope if scope.type == UnitType.DISTRICT else scope.parent
        rows = [double_ninety(unit=district, year=year)] if district else []
        whole = None
    table = _rates_table(rows, year)
    exported = table_export(request, [table])
    if exported is not None:
        return exported
    return render(
        request,
        "kindergartens/overview.html",
        {
            "year": year,
            "years": list(range(FIRST_YEAR, LAST_YEAR + 1)),
            "rows": rows,
            "whole": whole,
            "reaching": [r for r in rows if r.reaches_both],
            "may_decide": _may_decide(request),
        },
    )


def _may_decide(request: HttpRequest) -> bool:
    try:
        return can(request.user, Action.PRESCHOOL_CITY_DECIDE, preschool_department())
    except InputError:
        return False


def kindergarten_by_code(code: str) -> Kindergarten:
    found = Kindergarten.objects.select_related("unit__parent").filter(unit__code=code).first()
    if found is None:
        raise Http404(_("No such kindergarten."))
    return found


@requires(Action.UNIT_VIEW, load=kindergarten_by_code)
def kindergarten(request: HttpRequest, kg: Kindergarten) -> HttpResponse:
    return render(
        request,
        "kindergartens/kindergarten.html",
        {
            "kg": kg,
            "gradings": kg.gradings.order_by("-graded_on", "-pk"),
            "certifications": kg.certifications.order_by("-certified_on"),
            "enrolments": kg.enrolments.order_by("-year"),
            "applications": kg.applications.order_by("-applied_on", "-pk"),
            "may_apply": can(request.user, Action.PRESCHOOL_APPLY, kg.unit),
        },
    )


@requires(Action.PRESCHOOL_APPLY, load=lambda code: kindergarten_by_code(code).unit)
def apply(request: HttpRequest, unit: OrgUnit) -> HttpResponseBase:
    kg = kindergarten_by_code(unit.code)
    error = ""
    if request.method == "POST":
        try:
            application = application_submit(
                user=request.user,
                kindergarten=kg,
                kind=request.POST.get("kind", ""),
                fee_monthly=request.POST.get("fee_monthly", ""),
                evidence=request.POST.get("evidence", ""),
                grade_sought=request.POST.get("grade_sought", ""),
            )
        except InputError as refused:
            error = str(refused)
        else:
            messages.success(request, _("The application is submitted."))
            return redirect("kindergartens:application", pk=application.pk)
    return render(
        request,
        "kindergartens/apply.html",
        {
            "kg": kg,
            "kinds": Application.Kind.choices,
            "grades": Grade.choices,
            "error": error,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=400 if error else 200,
    )


@requires_in_request(Action.UNIT_VIEW, load=my_scope)
def applications(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Application.Status.values else ""
    found = applications_for(scope=scope, status=status)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "kindergartens/applications.html",
        {
            "page": page,
            "status": status,
            "statuses": Application.Status.choices,
            "may_decide": _may_decide(request),
        },
    )


def application_by_pk(pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("kindergarten__unit__parent"), pk=pk
    )


@requires(Action.UNIT_VIEW, load=application_by_pk)
def application(request: HttpRequest, app: Application) -> HttpResponse:
    steps = [
        {"name": name, "label": STEP_LABELS[name], "refuses": spec.refuses}
        for name, spec in STEPS.items()
        if may_take(request.user, name, app)
    ]
    return render(
        request,
        "kindergartens/application.html",
        {
            "app": app,
            "events": [
                {"event": e, "label": STEP_LABELS.get(e.step, e.step)}
                for e in app.events.select_related("actor").order_by("at", "pk")
            ],
            "objections": app.objections.order_by("received_on", "pk"),
            "steps": steps,
            "may_decide": app.status == Application.Status.NOTICE and _may_decide(request),
            "token": secrets.token_hex(16),
        },
    )


@requires(Action.UNIT_VIEW, load=application_by_pk)
def application_post(request: HttpRequest, app: Application) -> HttpResponseBase:
    """One step, objection or decision on an objection (each checked by its service)."""
    if request.method != "POST":
        return redirect("kindergartens:application", pk=app.pk)
    what = request.POST.get("what", "")
    try:
        if what == "step":
            application_step(
                user=request.user,
                application=app,
                step=request.POST.get("step", ""),
                note=request.POST.get("note", ""),
                document=request.POST.get("document", ""),
            )
        elif what == "objection":
            objection_record(
                user=request.user,
                application=app,
                text=request.POST.get("text", ""),
                token=request.POST.get("token", ""),
            )
        elif what == "decide":
            objection = get_object_or_404(
                Objection, pk=request.POST.get("objection", "0") or 0, application=app
            )
            objection_decide(
                user=request.user,
                objection=objection,
                upheld=request.POST.get("upheld") == "1",
                answer=request.POST.get("answer", ""),
            )
        else:
            raise InputError(_("Unknown step."))
    except InputError as refused:
        messages.error(request, str(refused))
    except PermissionDenied:
        raise
    else:
        messages.success(request, _("Recorded."))
    return redirect("kindergartens:application", pk=app.pk)


def _department(*_args: object, **_kwargs: object) -> OrgUnit:
    try:
        return preschool_department()
    except InputError:
        raise Http404(_("No preschool department.")) from None


@requires(Action.PRESCHOOL_CITY_DECIDE, load=_department)
def rechecks(request: HttpRequest, _dept: OrgUnit) -> HttpResponseBase:
    error = ""
    if request.method == "POST":
        raw_year, raw_size = request.POST.get("year", ""), request.POST.get("size", "")
        try:
            if not raw_year.isdigit() or not raw_size.isdigit():
                raise InputError(_("Give the year and the sample size as whole numbers."))
            round_ = recheck_round_draw(
                user=request.user,
                year=int(raw_year),
                size=int(raw_size),
                seed=request.POST.get("seed", ""),
            )
        except InputError as refused:
            error = str(refused)
        else:
            messages.success(request, _("The sample is drawn."))
            return redirect("kindergartens:recheck", year=round_.year)
    return render(
        request,
        "kindergartens/rechecks.html",
        {"rounds": rounds(), "error": error, "posted": request.POST},
        status=400 if error else 200,
    )


@dataclass(frozen=True)
class RoundAtDesk:
    """A round, checked on the preschool department that draws and decides it."""

    round: RecheckRound
    scope_unit: OrgUnit


def _round_of_year(year: int) -> RoundAtDesk:
    return RoundAtDesk(get_object_or_404(RecheckRound, year=year), _department())


@requires(Action.PRESCHOOL_CITY_DECIDE, load=_round_of_year)
def recheck(request: HttpRequest, desk: RoundAtDesk) -> HttpResponseBase:
    round_ = desk.round
    if request.method == "POST":
        item = get_object_or_404(RecheckItem, round=round_, pk=request.POST.get("item", "0") or 0)
        try:
            recheck_result_record(
                user=request.user,
                item=item,
                result=request.POST.get("result", ""),
                grade_after=request.POST.get("grade_after", ""),
                note=request.POST.get("note", ""),
                document=request.POST.get("document", ""),
            )
        except InputError as refused:
            messages.error(request, f"{item.kindergarten}: {refused}")
        else:
            messages.success(request, _("Recorded."))
        return redirect("kindergartens:recheck", year=round_.year)
    return render(
        request,
        "kindergartens/recheck.html",
        {
            "round": round_,
            "items": round_.items.select_related("kindergarten__unit__parent"),
            "results": RecheckItem.Result.choices,
            "grades": Grade.choices,
        },
    )
