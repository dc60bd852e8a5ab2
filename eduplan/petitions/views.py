"""The petitions pages (login required): the case list, registering, the case page with
its clock and its steps, the petitioners (petitions office only, every read logged) and
the district overview. Risk screening and the backlog campaign are in views_campaign.py.

Thin views: the access rule is declared (org/access.py); every write goes through
petitions.services, which checks the right again. No page but `petitioners` reads a
petitioner, and no export carries one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplan.core.errors import InputError
from eduplan.core.tables import Table, number, table_export
from eduplan.org.access import (
    Action,
    can,
    membership_of,
    my_scope,
    requires,
    requires_in_request,
    scope_of,
)
from eduplan.org.models import OrgUnit, Role, UnitType
from eduplan.petitions.clock import Step
from eduplan.petitions.forms import (
    BacklogForm,
    DecideForm,
    ExtendForm,
    RegisterForm,
    RouteForm,
    StepForm,
)
from eduplan.petitions.models import CaseLink, LinkKind, PetitionCase
from eduplan.petitions.selectors import (
    CaseLine,
    case_deadline,
    case_lines,
    case_with_units,
    cases_filtered,
    cases_visible,
    district_overview,
    is_petitions_office_staff,
)
from eduplan.petitions.services import (
    PersonalData,
    PetitionDesk,
    PetitionerIn,
    backlog_case_list,
    case_decide,
    case_extend,
    case_register,
    case_route,
    case_step_record,
    petitioners_read,
)

PER_PAGE = 50
STATES = ["open", "near", "missed", "closed"]


def _today() -> datetime.date:
    return timezone.localdate()


def my_desk(request: HttpRequest, /, **_kwargs: Any) -> PetitionDesk:
    """Where the user registers cases: the bureau for the petitions office, a district
    administrator's district; refusal for anyone else."""
    membership, scope = membership_of(request.user), scope_of(request.user)
    if membership is None or scope is None:
        raise PermissionDenied(_("You may not do this here."))
    if membership.role == Role.DEPARTMENT and is_petitions_office_staff(request.user):
        root = scope
        while root.parent is not None:
            root = root.parent
        return PetitionDesk(root)
    return PetitionDesk(scope)


@dataclass(frozen=True)
class PetitionArea:
    """The area a list page covers: the user's scope. Department staff open it in the
    petitions office or for the cases routed to their department (Reach.OWNED); what
    the page lists is cut to what they may see (selectors.cases_visible)."""

    unit: OrgUnit
    department_id: int | None

    @property
    def scope_unit(self) -> OrgUnit:
        return self.unit

    def owner_department_ids(self) -> set[int]:
        return {self.department_id} if self.department_id is not None else set()


def my_area(request: HttpRequest, /, **_kwargs: Any) -> PetitionArea:
    membership = membership_of(request.user)
    unit = my_scope(request)
    return PetitionArea(unit, membership.department_id if membership is not None else None)


def _concerned_units(desk: OrgUnit) -> QuerySet[OrgUnit]:
    return (
        OrgUnit.objects.filter(path__startswith=desk.path)
        .exclude(type=UnitType.DEPARTMENT)
        .filter(closed_on__isnull=True)
        .order_by("path")
    )


def route_units(user: Any, case: PetitionCase) -> QuerySet[OrgUnit]:
    """Units a case may be routed to by this user: the bureau's office routes to the
    districts, the departments and the bureau's own schools; a district to its units."""
    if is_petitions_office_staff(user):
        root = case.received_by if case.received_by.depth == 0 else case.received_by.parent
        assert root is not None
        return OrgUnit.objects.filter(
            Q(type__in=[UnitType.DISTRICT, UnitType.DEPARTMENT]) | Q(parent=root)
        ).order_by("path")
    scope = scope_of(user)
    if scope is None:
        return OrgUnit.objects.none()
    return _concerned_units(scope)


def _case_table(lines: list[CaseLine]) -> Table:
    """The case list as a workbook: never a petitioner."""
    return Table(
        id="cases",
        title=_("Petition cases"),
        header=[
            _("case number"),
            _("received on"),
            _("channel"),
            _("subject category"),
            _("unit concerned"),
            _("handling unit"),
            _("number of petitioners"),
            _("next step"),
            _("due on"),
            _("days left"),
        ],
        rows=[
            [
                line.case.number,
                line.case.received_on,
                line.case.get_channel_display(),
                line.case.get_category_display(),
                line.case.concerned_unit.name,
                line.case.responsible_unit.name if line.case.responsible_unit else "",
                line.case.people_count,
                line.step_label or _("Case closed"),
                line.deadline.due if line.deadline else None,
                line.days_left,
            ]
            for line in lines
        ],
    )


@requires_in_request(Action.PETITION_VIEW, load=my_area)
def case_list(request: HttpRequest, area: PetitionArea) -> HttpResponse:
    today = _today()
    state = request.GET.get("state", "open")
    state = state if state in STATES or state == "all" else "open"
    cases = cases_filtered(cases_visible(user=request.user), state=state, today=today)
    wanted = request.GET.get("q", "").strip()
    if wanted:
        cases = cases.filter(number__icontains=wanted)
    cases = cases.order_by("due_on", "-received_on", "pk")
    exported = table_export(request, lambda: [_case_table(case_lines(cases, today=today))])
    if exported is not None:
        return exported
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "petitions/case_list.html",
        {
            "lines": case_lines(page.object_list, today=today),  # type: ignore[arg-type]
            "page": page,
            "state": state,
            "states": STATES,
            "q": wanted,
            "may_register": can(request.user, Action.PETITION_HANDLE, my_desk(request)),
        },
    )


@requires_in_request(Action.PETITION_HANDLE, load=my_desk)
def case_register_view(request: HttpRequest, desk: PetitionDesk) -> HttpResponseBase:
    units = _concerned_units(desk.unit)
    form = RegisterForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_register(
                user=request.user,
                received_by=desk.unit,
                received_on=data["received_on"],
                channel=data["channel"],
                category=data["category"],
                summary=data["summary"],
                concerned_unit=data["concerned_unit"],
                people_count=data["people_count"],
                petitioners=[
                    PetitionerIn(
                        name=data["name"],
                        id_number=data["id_number"],
                        phone=data["phone"],
                        address=data["address"],
                    )
                ],
                earlier_numbers=data["earlier"].split(),
                same_matter=True,
                request_key=data["request_key"],
            )
        except InputError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Case %(number)s registered.") % {"number": case.number})
            return redirect("petitions:case", pk=case.pk)
    return render(request, "petitions/case_register.html", {"form": form, "desk": desk.unit})


def _links(case: PetitionCase) -> list[CaseLink]:
    return list(
        CaseLink.objects.filter(Q(case=case) | Q(earlier=case)).select_related("case", "earlier")
    )


ACTIONS = {"route", "decide", "step", "extend", "backlog"}


def _form_errors(form: Any) -> str:
    """A refused form's errors, each after its field's label."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}：" if field is not None and field.label else ""
        parts.append(label + " ".join(str(e) for e in errors))
    return "；".join(parts)


def _act(request: HttpRequest, case: PetitionCase, action: str) -> str | None:
    """Run the posted action; an error message, or None when it was recorded."""
    forms_by_action: dict[str, Any] = {
        "route": RouteForm(request.POST, units=route_units(request.user, case)),
        "decide": DecideForm(request.POST),
        "step": StepForm(request.POST),
        "extend": ExtendForm(request.POST),
        "backlog": BacklogForm(request.POST),
    }
    form = forms_by_action[action]
    if not form.is_valid():
        return _form_errors(form)
    data = form.cleaned_data
    try:
        if action == "route":
            case_route(user=request.user, case=case, unit=data["unit"], on=data["on"])
        elif action == "decide":
            case_decide(
                user=request.user,
                case=case,
                accepted=data["accepted"],
                on=data["on"],
                note=data["note"],
            )
        elif action == "step":
            case_step_record(
                user=request.user,
                case=case,
                step=Step(data["step"]),
                on=data["on"],
                note=data["note"],
            )
        elif action == "extend":
            case_extend(
                user=request.user,
                case=case,
                days=data["days"],
                reason=data["reason"],
                on=data["on"],
            )
        else:
            backlog_case_list(
                user=request.user, case=case, lead_official=data["lead_official"], on=data["on"]
            )
    except InputError as error:
        return error.message
    return None


@requires(Action.PETITION_VIEW, load=case_with_units)
def case_page(request: HttpRequest, case: PetitionCase) -> HttpResponseBase:
    handles = can(request.user, Action.PETITION_HANDLE, case)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if not handles or action not in ACTIONS:
            raise PermissionDenied(_("You may not do this here."))
        error = _act(request, case, action)
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Recorded."))
        return redirect("petitions:case", pk=case.pk)
    today = _today()
    deadline = case_deadline(case, today=today)
    pending = Step(case.due_step) if case.due_step else None
    return render(
        request,
        "petitions/case.html",
        {
            "case": case,
            "line": CaseLine(case=case, deadline=deadline, today=today),
            "links": _links(case),
            "events": list(case.events.select_related("actor")),
            "handles": handles,
            "may_read_petitioners": can(request.user, Action.PETITION_PERSONAL, PersonalData(case)),
            "route_form": RouteForm(units=route_units(request.user, case)) if handles else None,
            "decide_form": DecideForm(initial={"on": today}) if handles else None,
            "step_form": StepForm(initial={"on": today, "step": pending}) if handles else None,
            "extend_form": ExtendForm(initial={"on": today}) if handles else None,
            "backlog_form": BacklogForm(initial={"on": today}) if handles else None,
            "pending": pending,
            "is_backlog": hasattr(case, "backlog"),
            "link_kinds": dict(LinkKind.choices),
        },
    )


def personal_data_of(pk: int) -> PersonalData:
    return PersonalData(case_with_units(pk))


@requires(Action.PETITION_PERSONAL, load=personal_data_of)
def petitioners(request: HttpRequest, target: PersonalData) -> HttpResponse:
    people = petitioners_read(user=request.user, case=target.case, purpose="case page")
    response = render(
        request, "petitions/petitioners.html", {"case": target.case, "people": people}
    )
    response["Cache-Control"] = "no-store"
    return response


def _overview_table(lines: list[Any], year: int) -> Table:
    return Table(
        id="overview",
        title=_("Petitions by district, %(year)s") % {"year": year},
        header=[
            _("district"),
            _("received"),
            _("open"),
            _("due soon"),
            _("overdue"),
            _("answered"),
            _("answered in time (%)"),
            _("repeat rate (%)"),
            _("backlog cases"),
            _("backlog resolved"),
        ],
        rows=[
            [
                line.unit.name if line.unit else _("Bureau's own units"),
                line.received,
                line.open,
                line.near,
                line.missed,
                line.answered,
                number(line.in_time_share, 1),
                number(line.repeat_share, 1),
                line.backlog,
                line.backlog_resolved,
            ]
            for line in lines
        ],
    )


@requires_in_request(Action.PETITION_VIEW, load=my_area)
def overview(request: HttpRequest, area: PetitionArea) -> HttpResponse:
    today = _today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    lines = district_overview(cases=cases_visible(user=request.user), year=year, today=today)
    table = _overview_table(lines, year)
    exported = table_export(request, [table])
    if exported is not None:
        return exported
    return render(
        request,
        "petitions/overview.html",
        {"lines": lines, "year": year, "years": range(today.year, today.year - 5, -1)},
    )
