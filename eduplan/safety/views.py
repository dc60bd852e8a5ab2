"""The campus-safety pages: where each role lands (/safety/), a school's own page, a
district's and the city's overviews, and a hazard's page where the school reports its
fix and the inspecting side verifies it. Each list downloads as .xlsx (`?export=`).

Thin views: the access rule is declared (org/access.py); every write goes through
safety.services, which checks the user's right again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.tables import Table, table_export
from eduplan.core.uploads import attachment_response
from eduplan.org.access import Action, can, my_scope, requires, requires_in_request
from eduplan.org.models import OrgUnit, UnitType
from eduplan.safety.models import Hazard, HazardEvent, HazardStatus
from eduplan.safety.selectors import (
    AGE_BANDS,
    AGE_LABELS,
    LIST_LIMIT,
    building_status,
    city_chart,
    city_overview,
    city_table,
    district_by_code,
    district_hazards,
    district_overview,
    hazard_by_pk,
    hazard_table,
    overview_table,
    school_safety,
    unit_by_code,
)
from eduplan.safety.services import ERR_EVIDENCE, hazard_fix_report, hazard_verify

MSG_FIXED = gettext_lazy("The fix is reported; it now waits for verification.")
MSG_CLOSED = gettext_lazy("The fix is verified and the hazard is closed.")
MSG_REJECTED = gettext_lazy("The fix was not accepted: the hazard is back in rectification.")


class FixForm(forms.Form):
    fix_note = forms.CharField(
        label=gettext_lazy("What was done"), widget=forms.Textarea(attrs={"rows": 3})
    )
    fix_evidence = forms.FileField(
        label=gettext_lazy("Evidence (photo or document)"),
        error_messages={"required": ERR_EVIDENCE},  # the service's own words
    )
    fixed_on = forms.DateField(
        label=gettext_lazy("Fixed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class VerifyForm(forms.Form):
    verdict = forms.ChoiceField(
        label=gettext_lazy("Verification"),
        choices=[
            ("accept", gettext_lazy("Accepted: close the hazard")),
            ("reject", gettext_lazy("Not accepted")),
        ],
    )
    verify_note = forms.CharField(
        label=gettext_lazy("Verification note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _bureau() -> OrgUnit:
    root = OrgUnit.objects.filter(type=UnitType.BUREAU, parent__isnull=True).first()
    if root is None:
        raise Http404
    return root


@requires(Action.SAFETY_VIEW, load=lambda: _bureau())
def city(request: HttpRequest, root: OrgUnit) -> HttpResponseBase:
    today = timezone.localdate()
    rows = city_overview(today=today)
    table = city_table(rows=rows)
    exported = table_export(request, [table, Table(**{**table.__dict__, "id": "districts-chart"})])
    if exported is not None:
        return exported
    districts = [
        (r, r.unit is not None and can(request.user, Action.SAFETY_VIEW, r.unit)) for r in rows
    ]
    return render(
        request,
        "safety/city.html",
        {"rows": districts, "table": table, "charts": [city_chart(rows=rows)]},
    )


@requires(Action.SAFETY_VIEW, load=district_by_code)
def district(request: HttpRequest, unit: OrgUnit) -> HttpResponseBase:
    today = timezone.localdate()
    rows = district_overview(district=unit, today=today)
    title = _("%(district)s: hazards not closed") % {"district": unit.name}

    def tables() -> list[Table]:
        hazards = list(district_hazards(district=unit))
        return [
            overview_table(district=unit, rows=rows),
            hazard_table(table_id="hazards", title=title, hazards=hazards, today=today),
        ]

    exported = table_export(request, tables)
    if exported is not None:
        return exported
    hazards = list(district_hazards(district=unit)[: LIST_LIMIT + 1])
    return render(
        request,
        "safety/district.html",
        {
            "unit": unit,
            "rows": rows,
            "ages": [AGE_LABELS[key] for key, *_rest in AGE_BANDS],
            "hazards": hazards[:LIST_LIMIT],
            "more": len(hazards) > LIST_LIMIT,
            "limit": LIST_LIMIT,
            "today": today,
        },
    )


def _school_tables(page: Any, today: Any) -> list[Table]:
    unit = page.unit
    return [
        hazard_table(
            table_id="hazards",
            title=_("%(school)s: hazards") % {"school": unit.name},
            hazards=page.hazards,
            today=today,
        ),
        Table(
            id="buildings",
            title=_("%(school)s: buildings") % {"school": unit.name},
            header=[
                _("Building"),
                _("Use"),
                _("Structure"),
                _("Floors"),
                _("Rating"),
                _("Rated on"),
                _("Status"),
            ],
            rows=[
                [
                    b.name,
                    b.get_use_display(),
                    b.get_structure_display(),
                    b.floors,
                    b.rating,
                    b.rated_on,
                    building_status(b),
                ]
                for b in page.buildings
            ],
        ),
        Table(
            id="buses",
            title=_("%(school)s: school buses") % {"school": unit.name},
            header=[
                _("Plate number"),
                _("Seats"),
                _("School-bus licence number"),
                _("Licence expires on"),
                _("Driver"),
                _("Driver's qualification expires on"),
                _("Vehicle inspection expires on"),
            ],
            rows=[
                [
                    b.plate,
                    b.seats,
                    b.licence_number,
                    b.licence_expires_on,
                    b.driver,
                    b.driver_licence_expires_on,
                    b.inspection_expires_on,
                ]
                for b in page.buses
            ],
        ),
        Table(
            id="inspections",
            title=_("%(school)s: inspections") % {"school": unit.name},
            header=[_("Round"), _("Object"), _("Inspected on"), _("Items failed")],
            rows=[
                [
                    i.round.name,
                    i.object_label,
                    i.inspected_on,
                    "、".join(c for c, ok in i.results.items() if not ok),
                ]
                for i in page.inspections
            ],
        ),
    ]


@requires(Action.SAFETY_VIEW, load=unit_by_code)
def school(request: HttpRequest, unit: OrgUnit) -> HttpResponseBase:
    today = timezone.localdate()
    page = school_safety(unit=unit)
    tables = _school_tables(page, today)
    exported = table_export(request, tables)
    if exported is not None:
        return exported
    return render(
        request,
        "safety/school.html",
        {
            "page": page,
            "today": today,
            "buildings": [(b, building_status(b)) for b in page.buildings],
            "may_fix": can(request.user, Action.HAZARD_FIX, unit),
        },
    )


@requires_in_request(Action.SAFETY_VIEW, load=my_scope)
def home(request: HttpRequest, scope: OrgUnit) -> HttpResponseBase:
    """Each role's own view: the city's, a district's, or the school's page."""
    if scope.type == UnitType.BUREAU:
        return redirect("safety:city")
    if scope.type == UnitType.DISTRICT:
        return redirect("safety:district", code=scope.code)
    return redirect("safety:school", code=scope.code)


def _post_step(request: HttpRequest, hazard: Hazard) -> tuple[HttpResponseBase | None, Any, Any]:
    """Run the fix or the verification posted; a redirect when stored, else the forms
    with their errors."""
    fix_form: Any = FixForm()
    verify_form: Any = VerifyForm()
    step = request.POST.get("step")
    try:
        if step == "fix":
            fix_form = FixForm(request.POST, request.FILES)
            if fix_form.is_valid():
                hazard_fix_report(
                    user=request.user,
                    hazard=hazard,
                    note=fix_form.cleaned_data["fix_note"],
                    evidence=fix_form.cleaned_data["fix_evidence"],
                    fixed_on=fix_form.cleaned_data["fixed_on"],
                )
                messages.success(request, str(MSG_FIXED))
                return redirect("safety:hazard", pk=hazard.pk), fix_form, verify_form
        elif step == "verify":
            verify_form = VerifyForm(request.POST)
            if verify_form.is_valid():
                accepted = verify_form.cleaned_data["verdict"] == "accept"
                hazard_verify(
                    user=request.user,
                    hazard=hazard,
                    accepted=accepted,
                    note=verify_form.cleaned_data["verify_note"],
                )
                messages.success(request, str(MSG_CLOSED if accepted else MSG_REJECTED))
                return redirect("safety:hazard", pk=hazard.pk), fix_form, verify_form
        else:
            raise PermissionDenied(_("You may not do this here."))
    except InputError as exc:
        form = fix_form if step == "fix" else verify_form
        form.add_error(exc.where if exc.where in form.fields else None, exc.message)
    return None, fix_form, verify_form


def _errors(form: forms.Form) -> list[str]:
    """Each error of a posted form, naming its field."""
    if not form.is_bound:
        return []
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        lines += [f"{label}：{e}" if label else str(e) for e in errors]
    return lines


@requires(Action.SAFETY_VIEW, load=hazard_by_pk)
def hazard(request: HttpRequest, found: Hazard) -> HttpResponseBase:
    fix_form: Any = FixForm()
    verify_form: Any = VerifyForm()
    if request.method == "POST":
        done, fix_form, verify_form = _post_step(request, found)
        if done is not None:
            return done
        found.refresh_from_db()
    may_fix = found.status == HazardStatus.OPEN and can(request.user, Action.HAZARD_FIX, found)
    may_verify = found.status == HazardStatus.FIXED and can(
        request.user, Action.SAFETY_INSPECT, found.inspection.round
    )
    events = HazardEvent.objects.filter(hazard=found).select_related("by")
    errors = _errors(fix_form) + _errors(verify_form)
    return render(
        request,
        "safety/hazard.html",
        {
            "hazard": found,
            "events": list(events),
            "errors": errors,
            "fix_form": fix_form if may_fix else None,
            "verify_form": verify_form if may_verify else None,
            "overdue": found.status != HazardStatus.CLOSED
            and found.deadline < timezone.localdate(),
        },
        # Refused input changes nothing and says so: not a success.
        status=400 if errors else 200,
    )


@requires(Action.SAFETY_VIEW, load=hazard_by_pk)
def hazard_photo(request: HttpRequest, found: Hazard) -> HttpResponseBase:
    if not found.photo:
        raise Http404
    return attachment_response(found.photo.open("rb"), str(found.photo.name).rsplit("/", 1)[-1])


@requires(Action.SAFETY_VIEW, load=hazard_by_pk)
def hazard_evidence(request: HttpRequest, found: Hazard) -> HttpResponseBase:
    if not found.fix_evidence:
        raise Http404
    name = str(found.fix_evidence.name).rsplit("/", 1)[-1]
    return attachment_response(found.fix_evidence.open("rb"), name)
