"""The teachers' pages: who is behind (city ▸ district ▸ school), a school's teachers with
their credits, and the teachers' department's import of providers' workbooks and its
reminders. Personal fields appear only where `selectors.personal_allowed` says so."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.tables import xlsx_download
from eduplan.core.workbooks import WORKBOOK_ACCEPT
from eduplan.core.xlsx import XLSX_CONTENT_TYPE
from eduplan.org.access import Action, can, my_scope, requires, requires_in_request, signed_in
from eduplan.org.models import OrgUnit
from eduplan.teachers.credits import CreditRules, cycle_of
from eduplan.teachers.importing import completions_import, template_xlsx
from eduplan.teachers.models import TEACHER_SCHOOL_TYPES, Teacher
from eduplan.teachers.selectors import (
    behind_table,
    personal_allowed,
    school_teachers,
    teacher_completions,
    teachers_department,
    year_default,
)
from eduplan.teachers.services import credit_reminders_send

MSG_IMPORTED = gettext_lazy("%(n)s completions of %(c)s courses imported.")
MSG_REPLAYED = gettext_lazy(
    "This very file was imported already (%(n)s completions); nothing was stored again."
)
MSG_REMINDED = gettext_lazy("%(s)s schools reminded (%(p)s messages); %(a)s had been already.")
YEAR_MIN, YEAR_MAX = 2000, 2100


def _unit(request: HttpRequest, /, **_kwargs: Any) -> OrgUnit:
    """The unit named by `?org=`, or the user's own scope."""
    code = request.GET.get("org", "")
    return get_object_or_404(OrgUnit, code=code) if code else my_scope(request)


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "") or request.POST.get("year", "")
    if raw.isdigit() and YEAR_MIN <= int(raw) <= YEAR_MAX:
        return int(raw)
    return year_default()


def _school(code: str) -> OrgUnit:
    return get_object_or_404(OrgUnit, code=code, type__in=TEACHER_SCHOOL_TYPES)


def _department(request: HttpRequest, /, **_kwargs: Any) -> OrgUnit:
    department = teachers_department()
    if department is None:
        raise PermissionDenied(_("You may not do this here."))
    return department


def _years() -> list[int]:
    today = timezone.localdate()
    first = CreditRules.from_settings().cycle_start
    return list(range(max(first, today.year - 10), today.year + 1))


@requires_in_request(Action.UNIT_VIEW, load=_unit)
def behind(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    if unit.type in TEACHER_SCHOOL_TYPES:
        return redirect(f"{_school_path(unit)}?year={_year(request)}")
    table = behind_table(unit=unit, year=_year(request))
    if request.GET.get("export") == "xlsx":
        return xlsx_download(
            title=_("Teachers behind on training %(year)s · %(unit)s")
            % {"year": table.year, "unit": unit.name},
            header=[
                _("Code"),
                _("Unit"),
                _("Teachers"),
                _("Behind on the year"),
                _("Behind on the cycle"),
                _("Behind"),
                _("Share behind (%)"),
            ],
            rows=[
                [
                    r.unit_code,
                    r.unit_name,
                    r.teachers,
                    r.year_behind,
                    r.cycle_behind,
                    r.behind,
                    round(r.share, 1) if r.share is not None else None,
                ]
                for r in table.rows
            ],
            note=_("Year %(year)s, cycle %(cycle)s: %(annual)s hours a year, %(req)s by now.")
            % {
                "year": table.year,
                "cycle": table.cycle_label,
                "annual": table.annual,
                "req": table.required,
            },
        )
    schools = {
        code
        for code in OrgUnit.objects.filter(
            code__in=[r.unit_code for r in table.rows], type__in=TEACHER_SCHOOL_TYPES
        ).values_list("code", flat=True)
    }
    return render(
        request,
        "teachers/behind.html",
        {
            "table": table,
            "schools": schools,
            "years": _years(),
            "may_keep": _may_keep(request),
        },
    )


def _school_path(school: OrgUnit) -> str:
    return reverse("teachers:school", args=[school.code])


def _may_keep(request: HttpRequest) -> bool:
    department = teachers_department()
    return department is not None and can(request.user, Action.TEACHER_CREDITS, department)


@requires(Action.UNIT_VIEW, load=_school)
def school(request: HttpRequest, school: OrgUnit) -> HttpResponse:
    year = _year(request)
    at = min(timezone.localdate(), datetime.date(year + 1, 1, 1))
    lines = school_teachers(user=request.user, school=school, at=at)
    personal = bool(lines) and lines[0].personal
    if request.GET.get("export") == "xlsx":
        header = [_("Teacher number"), _("Name"), _("Subject taught")]
        if personal:
            header += [_("ID number"), _("Phone"), _("Birth date")]
        header += [
            _("Hours %(year)s") % {"year": year},
            _("Hours in the cycle"),
            _("Hours needed by now"),
            _("Behind"),
        ]
        rows = []
        for line in lines:
            row: list[Any] = [line.teacher.code, line.teacher.name, line.teacher.subject]
            if personal:
                row += [line.id_number, line.phone, line.birth_date]
            s = line.standing
            row += [
                s.year_hours,
                s.cycle_hours,
                s.cycle_required,
                _("yes") if s.behind else "",
            ]
            rows.append(row)
        return xlsx_download(
            title=_("Teachers of %(school)s") % {"school": school.name}, header=header, rows=rows
        )
    return render(
        request,
        "teachers/school.html",
        {
            "school": school,
            "lines": lines,
            "personal": personal,
            "year": year,
            "cycle": cycle_of(year, CreditRules.from_settings()),
            "years": _years(),
        },
    )


def _teacher(pk: int) -> Teacher:
    return get_object_or_404(Teacher.objects.select_related("school"), pk=pk)


class _TeacherAt:
    """A teacher as a target: inside the teacher's school's area."""

    def __init__(self, teacher: Teacher) -> None:
        self.teacher = teacher

    @property
    def scope_unit(self) -> OrgUnit:
        return self.teacher.school


def _teacher_target(pk: int) -> _TeacherAt:
    return _TeacherAt(_teacher(pk))


@requires(Action.UNIT_VIEW, load=_teacher_target)
def teacher(request: HttpRequest, target: _TeacherAt) -> HttpResponse:
    found = target.teacher
    return render(
        request,
        "teachers/teacher.html",
        {
            "teacher": found,
            "personal": personal_allowed(request.user, found.school),
            "completions": teacher_completions(teacher=found),
        },
    )


@requires_in_request(Action.TEACHER_CREDITS, load=_department)
def import_page(request: HttpRequest, department: OrgUnit) -> HttpResponse:
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to import."))
        else:
            result = completions_import(
                user=signed_in(request.user), data=upload.read(), filename=upload.name or ""
            )
            if result.ok:
                message = MSG_REPLAYED if result.replayed else MSG_IMPORTED
                messages.success(request, str(message % {"n": result.stored, "c": result.courses}))
                return redirect("teachers:import")
    return render(
        request,
        "teachers/import.html",
        {"result": result, "accept": WORKBOOK_ACCEPT},
        status=400 if result is not None and not result.ok else 200,
    )


@requires_in_request(Action.TEACHER_CREDITS, load=_department)
def template(request: HttpRequest, department: OrgUnit) -> HttpResponse:
    response = HttpResponse(template_xlsx(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="training-completions.xlsx"'
    return response


@requires_in_request(Action.TEACHER_CREDITS, load=_department)
def remind(request: HttpRequest, department: OrgUnit) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    year = _year(request)
    result = credit_reminders_send(year=year)
    messages.success(
        request, str(MSG_REMINDED % {"s": result.schools, "p": result.people, "a": result.already})
    )
    return redirect(f"{_behind_path()}?year={year}")


def _behind_path() -> str:
    return reverse("teachers:behind")
