"""Entering the class census: a school's classes of a year as an editable table, the
workbook of a school or a district (its schools) and its import with a preview, and the
census's change history. Every write goes through `census.census_replace`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.construction.census import (
    GRADE_MAX,
    GRADE_MIN,
    NUMBER_MAX,
    NUMBER_MIN,
    PUPILS_MAX,
    PUPILS_MIN,
    YEAR_MAX,
    YEAR_MIN,
    ClassRow,
    census_replace,
    census_revision,
    census_rows,
)
from eduplan.construction.census_xlsx import (
    census_schools,
    census_xlsx_confirm,
    census_xlsx_read,
    census_xlsx_template,
)
from eduplan.construction.models import SchoolClass
from eduplan.core.errors import InputError, StaleRevision
from eduplan.core.uploads import upload_check
from eduplan.core.xlsx import XLSX_CONTENT_TYPE
from eduplan.org.access import Action, requires
from eduplan.org.models import OrgUnit

ERR_NO_FILE = gettext_lazy("Choose a workbook (.xlsx) to import.")


def _unit(code: str) -> OrgUnit:
    return get_object_or_404(OrgUnit, code=code)


def _school(code: str) -> OrgUnit:
    unit = get_object_or_404(OrgUnit, code=code)
    if not unit.is_school:
        raise Http404
    return unit


def census_year(request: HttpRequest, school: OrgUnit | None = None) -> int:
    """The school year asked for (?year=), else the school's latest, else the latest of
    the whole census."""
    raw = request.GET.get("year") or request.POST.get("year") or ""
    if raw.isdigit() and YEAR_MIN <= int(raw) <= YEAR_MAX:
        return int(raw)
    classes = (
        SchoolClass.objects.all() if school is None else SchoolClass.objects.filter(school=school)
    )
    latest = classes.order_by("-school_year").values_list("school_year", flat=True).first()
    return (
        latest
        or SchoolClass.objects.order_by("-school_year")
        .values_list("school_year", flat=True)
        .first()
        or YEAR_MIN
    )


class ClassForm(forms.Form):
    widget_size = "sm"
    grade = forms.IntegerField(
        label=gettext_lazy("Grade"), min_value=GRADE_MIN, max_value=GRADE_MAX
    )
    number = forms.IntegerField(
        label=gettext_lazy("Class number"), min_value=NUMBER_MIN, max_value=NUMBER_MAX
    )
    pupils = forms.IntegerField(
        label=gettext_lazy("Pupils"), min_value=PUPILS_MIN, max_value=PUPILS_MAX
    )


ClassFormSet = forms.formset_factory(ClassForm, extra=5, can_delete=True, max_num=500)


def _formset_rows(formset: Any) -> list[ClassRow]:
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        rows.append(ClassRow(grade=data["grade"], number=data["number"], pupils=data["pupils"]))
    return rows


@requires(Action.UNIT_DATA_CHANGE, load=_school)
def census_edit(request: HttpRequest, school: OrgUnit) -> HttpResponse:
    """The school's classes of a year as an editable table: correct, remove (tick), add
    (the empty rows at the end); saved all at once against the revision shown."""
    year = census_year(request, school)
    stored = census_rows(school=school, school_year=year)
    initial = [{"grade": r.grade, "number": r.number, "pupils": r.pupils} for r in stored]
    formset = ClassFormSet(request.POST or None, initial=initial)
    revision = request.POST.get("revision", census_revision(stored))
    if request.method == "POST" and formset.is_valid():
        try:
            result = census_replace(
                user=request.user,
                school=school,
                school_year=year,
                rows=_formset_rows(formset),
                revision=revision,
            )
        except StaleRevision as exc:
            messages.error(request, str(exc))
        except InputError as exc:
            messages.error(request, f"{exc.where}: {exc.message}" if exc.where else exc.message)
        else:
            if result.changed:
                messages.success(request, _("Saved"))
            else:
                messages.info(request, _("Nothing changed"))
            return redirect(f"{_url_classes(school)}?year={year}")
    return render(
        request,
        "construction/census_edit.html",
        {"school": school, "year": year, "formset": formset, "revision": revision},
    )


def _url_classes(school: OrgUnit) -> str:
    return reverse("class_list", args=[school.code])


@requires(Action.UNIT_DATA_CHANGE, load=_unit)
def census_template(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    """The census workbook of a school, or of every school under a district."""
    if not census_schools(unit=unit):
        raise Http404
    year = census_year(request)
    response = HttpResponse(
        census_xlsx_template(unit=unit, school_year=year), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="classes-{unit.code}-{year}.xlsx"'
    return response


@requires(Action.UNIT_DATA_CHANGE, load=_unit)
def census_import(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    """Upload a census workbook: its problems, or a preview of what it would change;
    then confirm to store it all."""
    context: dict[str, Any] = {"unit": unit, "year": census_year(request)}
    if request.method == "POST" and "token" in request.POST:
        try:
            written = census_xlsx_confirm(user=request.user, token=request.POST["token"])
        except StaleRevision as exc:
            messages.error(request, str(exc))
        except InputError as exc:
            messages.error(request, exc.message)
        else:
            changed = sum(1 for w in written if w.changed)
            messages.success(
                request,
                _("Imported: %(changed)s of %(total)s school census lists changed")
                % {"changed": changed, "total": len(written)},
            )
            return redirect("census_import", code=unit.code)
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, str(ERR_NO_FILE))
        else:
            try:
                upload_check(upload, where=upload.name or "")
            except InputError as exc:
                messages.error(request, exc.message)
            else:
                context["result"] = census_xlsx_read(
                    user=request.user, unit=unit, data=upload.read(), name=upload.name or ""
                )
    return render(request, "construction/census_import.html", context)
