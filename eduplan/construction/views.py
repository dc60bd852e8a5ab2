"""An org unit's page (its children and its class-size census), a school's classes (on the
page and as .xlsx) and the form to correct one class's enrolment."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.construction.census import YEAR_MAX, YEAR_MIN, census_history
from eduplan.construction.models import SchoolClass
from eduplan.construction.selectors import (
    class_census_summary,
    classes_table,
    school_census_years,
    school_classes,
)
from eduplan.construction.services import PUPILS_MAX, PUPILS_MIN, school_class_set_pupils
from eduplan.core.errors import InputError
from eduplan.core.tables import table_export
from eduplan.org.access import Action, can, requires, scope_of
from eduplan.org.models import OrgUnit
from eduplan.org.selectors import unit_ancestors, unit_children_with_school_counts


def _unit(code: str) -> OrgUnit:
    return get_object_or_404(OrgUnit, code=code)


def _school(code: str) -> OrgUnit:
    unit = get_object_or_404(OrgUnit, code=code)
    if not unit.is_school:
        raise Http404
    return unit


def _class(pk: int) -> SchoolClass:
    return get_object_or_404(SchoolClass.objects.select_related("school"), pk=pk)


class PupilsForm(forms.Form):
    pupils = forms.IntegerField(
        label=gettext_lazy("Pupils"), min_value=PUPILS_MIN, max_value=PUPILS_MAX
    )


@requires(Action.UNIT_VIEW, load=_unit)
def unit_detail(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    scope = scope_of(request.user)
    # The breadcrumb starts at the user's scope: a district sees no link it may not open.
    ancestors = [a for a in unit_ancestors(unit=unit) if scope is not None and scope.contains(a)]
    return render(
        request,
        "construction/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": list(unit_children_with_school_counts(unit=unit)),
            "census": class_census_summary(unit=unit),
            # A district's administrators keep its schools' census with one workbook.
            "may_enter_census": not unit.is_school
            and can(request.user, Action.UNIT_DATA_CHANGE, unit),
        },
    )


@requires(Action.UNIT_VIEW, load=_school)
def class_list(request: HttpRequest, school: OrgUnit) -> HttpResponse:
    year = request.GET.get("year", "")
    chosen = int(year) if year.isdigit() and YEAR_MIN <= int(year) <= YEAR_MAX else None
    classes = list(school_classes(school=school, school_year=chosen))
    exported = table_export(request, [classes_table(school=school, classes=classes)])
    if exported is not None:
        return exported
    years = school_census_years(school=school)
    return render(
        request,
        "construction/class_list.html",
        {
            "school": school,
            "classes": classes,
            "year": chosen or (classes[0].school_year if classes else (years[0] if years else "")),
            "years": years,
            "history": census_history(school=school),
            "may_change": can(request.user, Action.UNIT_DATA_CHANGE, school),
        },
    )


@requires(Action.UNIT_DATA_CHANGE, load=_class)
def class_edit(request: HttpRequest, school_class: SchoolClass) -> HttpResponse:
    form = PupilsForm(request.POST or None, initial={"pupils": school_class.pupils})
    if request.method == "POST" and form.is_valid():
        try:
            school_class_set_pupils(
                user=request.user, school_class=school_class, pupils=form.cleaned_data["pupils"]
            )
        except InputError as exc:
            form.add_error("pupils", exc.message)
        else:
            messages.success(request, _("Saved"))
            return redirect("class_list", code=school_class.school.code)
    return render(
        request, "construction/class_edit.html", {"school_class": school_class, "form": form}
    )
