"""The appraisal pages (考核): the units one may see with their scores, a unit's page with
each part's formula and evidence, its workbook, and the adjustment form. Never public."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eduplan.appraisal.models import Part, WeightSet
from eduplan.appraisal.scoring import UnitScore, points_text, unit_scores
from eduplan.appraisal.selectors import appraisal_unit, appraisal_units_for, weights_for_year
from eduplan.appraisal.services import ERR_REASON, adjustment_record
from eduplan.appraisal.xlsx import unit_score_xlsx
from eduplan.core.errors import InputError
from eduplan.core.routing import replica_reads
from eduplan.core.tables import Table, table_export
from eduplan.core.xlsx import XLSX_CONTENT_TYPE
from eduplan.org.access import Action, can, my_entry_unit, requires, requires_in_request
from eduplan.org.models import OrgUnit

EVIDENCE_SHOWN = 200  # per part on the page; the workbook lists every record

RULE = gettext_lazy(
    "Each part scores the share of the unit's records of the year that were met × its "
    "weight. Records not yet due, or not yet judged, are not counted. A part with no "
    "counted record does not apply, and its weight goes to the unit's other parts in "
    "proportion to theirs (weight × 100 / the applicable weights). The score is the sum "
    "of the parts, each rounded to 0.1; adjustments are added on top. The list is in "
    "order of unit code, not a ranking."
)


class AdjustmentForm(forms.Form):
    points = forms.DecimalField(
        label=gettext_lazy("Points (negative to deduct)"), max_digits=4, decimal_places=1
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": ERR_REASON},
    )
    request_key = forms.CharField(widget=forms.HiddenInput)


def _year_unit(year: int, code: str) -> OrgUnit:
    return appraisal_unit(code)


@requires_in_request(Action.APPRAISAL_VIEW, load=my_entry_unit)
def start(request: HttpRequest, _unit: OrgUnit) -> HttpResponse:
    latest = WeightSet.objects.order_by("-year").values_list("year", flat=True).first()
    return redirect("appraisal:index", year=latest or timezone.localdate().year)


def _index_table(year: int, scores: list[UnitScore]) -> Table:
    parts = list(Part)
    return Table(
        id="appraisal",
        title=_("Appraisal %(year)s") % {"year": year},
        header=[_("Code"), _("Unit"), _("Kind")]
        + [str(p.label) for p in parts]
        + [_("Computed score"), _("Adjustment"), _("Final score")],
        rows=[
            [s.unit.code, s.unit.name, s.unit.get_type_display()]
            + [_part_cell(s, p) for p in parts]
            + [s.computed, s.adjusted, s.final]
            for s in scores
        ],
        note=str(RULE),
    )


def _part_cell(score: UnitScore, part: Part) -> Any:
    found = score.part(part)
    if found is None:
        return ""
    return found.points if found.points is not None else _("Not applicable")


@requires_in_request(Action.APPRAISAL_VIEW, load=my_entry_unit)
def index(request: HttpRequest, _unit: OrgUnit) -> HttpResponse:
    year = _year(request)
    weights = weights_for_year(year)
    scores = unit_scores(units=appraisal_units_for(user=request.user), year=year, weights=weights)
    table = _index_table(year, scores)
    exported = table_export(request, [table])
    if exported is not None:
        return exported
    rows = [
        {
            "score": s,
            "cells": [_part_text(s, p) for p in Part],
            "computed": points_text(s.computed),
            "adjusted": points_text(s.adjusted) if s.adjustments else "",
            "final": points_text(s.final),
        }
        for s in scores
    ]
    return render(
        request,
        "appraisal/index.html",
        {"year": year, "weights": weights, "rows": rows, "parts": list(Part), "rule": RULE},
    )


def _part_text(score: UnitScore, part: Part) -> str:
    found = score.part(part)
    if found is None:
        return ""
    return points_text(found.points) if found.points is not None else _("Not applicable")


def _unit_score(year: int, unit: OrgUnit) -> UnitScore:
    return unit_scores(units=[unit], year=year, weights=weights_for_year(year))[0]


def _unit_page(
    request: HttpRequest, year: int, unit: OrgUnit, form: AdjustmentForm | None = None
) -> HttpResponse:
    score = _unit_score(year, unit)
    may_adjust = can(request.user, Action.APPRAISAL_ADJUST, unit)
    if may_adjust and form is None:
        form = AdjustmentForm(initial={"request_key": uuid.uuid4().hex})
    return render(
        request,
        "appraisal/unit.html",
        {
            "year": year,
            "unit": unit,
            "score": score,
            "final_text": points_text(score.final),
            "rule": RULE,
            "shown": EVIDENCE_SHOWN,
            "form": form if may_adjust else None,
        },
    )


@requires(Action.APPRAISAL_VIEW, load=_year_unit)
def unit_page(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    return _unit_page(request, _year(request), unit)


def _year(request: HttpRequest) -> int:
    assert request.resolver_match is not None
    return int(request.resolver_match.kwargs["year"])


@replica_reads
@requires(Action.APPRAISAL_VIEW, load=_year_unit)
def unit_xlsx(request: HttpRequest, unit: OrgUnit) -> HttpResponseBase:
    year = _year(request)
    body = unit_score_xlsx(_unit_score(year, unit), rule=str(RULE))
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    filename = _("Appraisal %(year)s %(unit)s.xlsx") % {"year": year, "unit": unit.name}
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


@requires(Action.APPRAISAL_ADJUST, load=_year_unit)
@require_POST
def adjust(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    year = _year(request)
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            adjustment_record(
                user=request.user,
                unit=unit,
                year=year,
                points=data["points"],
                reason=data["reason"],
                request_key=data["request_key"],
            )
        except InputError as exc:
            form.add_error(exc.where if exc.where in form.fields else None, exc.message)
        else:
            messages.success(request, _("Adjustment recorded"))
            return redirect("appraisal:unit", year=year, code=unit.code)
    return _unit_page(request, year, unit, form)
