"""Value-added pages (login and VALUEADDED_VIEW required, never public): the city's
high schools by code with a funnel plot, one school's figures over the years, by subject
and by intake band, their workbooks, and the designated department's import."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.tables import xlsx_download
from eduplan.core.uploads import upload_check
from eduplan.core.workbooks import WORKBOOK_ACCEPT
from eduplan.core.xlsx import XLSX_CONTENT_TYPE
from eduplan.org.access import Action, can, requires, requires_in_request
from eduplan.valueadded import pages
from eduplan.valueadded.figures import Figure, Model, fits_for, minimum_pupils
from eduplan.valueadded.models import CohortImport
from eduplan.valueadded.records_xlsx import records_template
from eduplan.valueadded.services import (
    ValueAddedArea,
    city_area,
    cohort_records_import,
    entry_area,
    school_area,
)

ERR_NO_FILE = gettext_lazy("Choose a workbook (.xlsx) to import.")
ERR_NO_COHORT = gettext_lazy("Give the cohort's year of entry.")


def _common(area: ValueAddedArea) -> dict[str, object]:
    return {
        "models": list(Model),
        "assumptions": [(m.label, pages.ASSUMPTIONS[m]) for m in Model],
        "not_a_ranking": pages.NOT_A_RANKING % {"min": minimum_pupils()},
        "minimum": minimum_pupils(),
        "area": area,
    }


@requires_in_request(Action.VALUEADDED_VIEW, load=entry_area)
def entry(request: HttpRequest, area: ValueAddedArea) -> HttpResponseBase:
    if area.is_city:
        return redirect("valueadded:city")
    return redirect("valueadded:school", code=area.unit.code)


@requires_in_request(Action.VALUEADDED_VIEW, load=city_area)
def city(request: HttpRequest, area: ValueAddedArea) -> HttpResponse:
    """Every high school, by code, with each model's figure and the funnel plot."""
    if request.GET.get("export") == "xlsx":
        return _city_xlsx()
    selection = pages.selection_from(request.GET.get("cohort"))
    fits = fits_for(selection)
    rows = pages.city_rows(fits)
    return render(
        request,
        "valueadded/city.html",
        {
            **_common(area),
            "selection": selection,
            "selections": pages.selections(),
            "selection_label": pages.selection_label(selection),
            "rows": rows,
            "funnel": pages.funnel_chart(fits, rows) if fits else None,
            "context_note": pages.context_note(fits) if fits else "",
            "may_import": can(request.user, Action.VALUEADDED_IMPORT, area),
        },
    )


def _city_xlsx() -> HttpResponse:
    header = [_("School code"), _("School"), _("Cohort")]
    for model in Model:
        header += pages.figure_header(model.label)
    rows = []
    for selection, label in pages.selections():
        for row in pages.city_rows(fits_for(selection)):
            line = [row.school.code, row.school.name, label]
            for f in row.figures:
                line += pages.figure_cells(f)
            rows.append(line)
    return xlsx_download(
        title=_("Value-added of high schools"),
        header=header,
        rows=rows,
        note=str(pages.NOT_A_RANKING % {"min": minimum_pupils()}),
    )


@requires(Action.VALUEADDED_VIEW, load=school_area)
def school(request: HttpRequest, area: ValueAddedArea) -> HttpResponse:
    """One school's figures over the cohorts, by subject and by intake band."""
    years, pooled = pages.school_years(area.unit)
    subjects = pages.subjects_of(pooled, area.unit)
    bands = pages.bands_of(pooled, area.unit)
    if request.GET.get("export") == "xlsx":
        return _school_xlsx(area, years, subjects, bands)
    return render(
        request,
        "valueadded/school.html",
        {
            **_common(area),
            "years": years,
            "chart": pages.interval_chart(years),
            "subjects": subjects,
            "bands": bands,
            "pooled_label": years[-1].label if years else "",
            "may_see_city": can(request.user, Action.VALUEADDED_VIEW, city_area()),
        },
    )


def _school_xlsx(
    area: ValueAddedArea,
    years: list[pages.SchoolYear],
    subjects: list[tuple[str, str, Figure]],
    bands: list[tuple[str, Figure]],
) -> HttpResponse:
    header = [_("Figure"), _("Model"), _("Pupils"), _("Value-added")]
    header += [_("Low end, 95 per cent"), _("High end, 95 per cent")]
    rows: list[list[object]] = []
    for y in years:
        for model, f in zip(Model, y.figures, strict=True):
            rows.append([y.label, model.label, *pages.figure_cells(f)])
    regression = Model.REGRESSION.label
    for _code, label, f in subjects:
        rows.append([label, regression, *pages.figure_cells(f)])
    for label, f in bands:
        rows.append([label, regression, *pages.figure_cells(f)])
    return xlsx_download(
        title=f"{area.unit.name} {_('Value-added')}",
        header=header,
        rows=rows,
        note=str(pages.NOT_A_RANKING % {"min": minimum_pupils()}),
    )


@requires_in_request(Action.VALUEADDED_IMPORT, load=city_area)
def records_import(request: HttpRequest, area: ValueAddedArea) -> HttpResponse:
    """The designated department imports a cohort's records (replacing the cohort's)."""
    cohort_text = (request.POST.get("cohort") or request.GET.get("cohort") or "").strip()
    if request.GET.get("template") and cohort_text.isdigit():
        response = HttpResponse(
            records_template(cohort=int(cohort_text)), content_type=XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="records-{cohort_text}.xlsx"'
        return response
    problems: list[object] = []
    status = 200
    if request.method == "POST":
        try:
            upload = request.FILES.get("file")
            if not cohort_text.isdigit():
                raise InputError(str(ERR_NO_COHORT), where="cohort")
            if upload is None:
                raise InputError(str(ERR_NO_FILE), where="file")
            upload_check(upload, where=upload.name or "")
            count, found = cohort_records_import(
                user=request.user,
                cohort=int(cohort_text),
                data=upload.read(),
                name=upload.name or "",
            )
        except InputError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            if not found:
                messages.success(
                    request,
                    _("Imported: cohort %(cohort)s, %(n)s pupil records")
                    % {"cohort": cohort_text, "n": count},
                )
                return redirect("valueadded:import")
            problems, status = list(found), 400
    return render(
        request,
        "valueadded/import.html",
        {
            "area": area,
            "cohort": cohort_text,
            "problems": problems,
            "accept": WORKBOOK_ACCEPT,
            "imports": list(CohortImport.objects.select_related("imported_by")[:20]),
        },
        status=status,
    )
