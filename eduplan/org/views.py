"""Org unit pages: a unit with its children and its class-size census."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from eduplan.construction.selectors import class_census_summary
from eduplan.org.access import Action, public, requires, scope_of
from eduplan.org.models import OrgUnit
from eduplan.org.selectors import unit_ancestors, unit_children_with_school_counts


def _unit(code: str) -> OrgUnit:
    return get_object_or_404(OrgUnit, code=code)


@requires(Action.UNIT_VIEW, load=_unit)
def unit_detail(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    scope = scope_of(request.user)
    # The breadcrumb starts at the user's scope: a district sees no link it may not open.
    ancestors = [a for a in unit_ancestors(unit=unit) if scope is not None and scope.contains(a)]
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": list(unit_children_with_school_counts(unit=unit)),
            "census": class_census_summary(unit=unit),
        },
    )


@public
def my_unit(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if scope is None:
        return redirect("login")
    return redirect("unit_detail", code=scope.code)
