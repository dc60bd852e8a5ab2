"""Public pages (no login): fee disclosure, the private-school directory, school
construction progress and the plan overview, each with an xlsx download of what it shows.

Every view is `@public`; what may be shown is decided in public/selectors.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from eduplan.core.tables import xlsx_download
from eduplan.org.access import public
from eduplan.org.models import OrgUnit, UnitType
from eduplan.public.selectors import (
    DIRECTORY_TYPES,
    NAME_SEARCH_MAX,
    Published,
    construction_progress_public,
    directory_entries,
    district_by_code,
    districts,
    fee_items_published,
    fee_school_years,
    fee_schools,
    fees_of_schools,
    fees_published,
    plan_overview_public,
)

FEE_SCHOOLS_PER_PAGE = 20
DIRECTORY_PER_PAGE = 25


def _param(request: HttpRequest, name: str, *, limit: int = NAME_SEARCH_MAX) -> str:
    """A query parameter as plain text: trimmed, bounded, without NUL characters."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


def _parent_name(school: OrgUnit) -> str:
    return school.parent.name if school.parent else ""


@public
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "public/index.html", {"public_tab": "index"})


@dataclass(frozen=True)
class FeeFilters:
    fees: Published
    district: OrgUnit | None
    name: str
    year: int | None
    years: list[int]


def _fee_filters(request: HttpRequest) -> FeeFilters:
    fees = fees_published()
    years = fee_school_years(fees=fees)
    asked = _param(request, "year", limit=4)
    year = int(asked) if asked.isdigit() and int(asked) in years else None
    return FeeFilters(
        fees=fees,
        district=district_by_code(_param(request, "district")),
        name=_param(request, "name"),
        year=year if year is not None else (years[0] if years else None),
        years=years,
    )


@public
def fees(request: HttpRequest) -> HttpResponse:
    filters = _fee_filters(request)
    schools = (
        fee_schools(
            fees=filters.fees,
            school_year=filters.year,
            district=filters.district,
            name=filters.name,
        )
        if filters.year is not None
        else OrgUnit.objects.none()
    )
    page = Paginator(schools, FEE_SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    fees_by_school = (
        fees_of_schools(fees=filters.fees, schools=shown, school_year=filters.year)
        if filters.year is not None
        else {}
    )
    rows = [(school, fees_by_school.get(school.pk, [])) for school in shown]
    return render(
        request,
        "public/fees.html",
        {
            "public_tab": "fees",
            "filters": filters,
            "districts": list(districts()),
            "page": page,
            "rows": rows,
        },
    )


@public
def fees_xlsx(request: HttpRequest) -> HttpResponse:
    filters = _fee_filters(request)
    items = (
        fee_items_published(
            fees=filters.fees,
            school_year=filters.year,
            district=filters.district,
            name=filters.name,
        )
        if filters.year is not None
        else []
    )
    return xlsx_download(
        title=_("School fee disclosure"),
        header=[
            _("District"),
            _("School"),
            _("School year"),
            _("Fee item"),
            _("Standard"),
            _("Billing unit"),
            _("Approving body"),
            _("Document number"),
            _("Scope of charge"),
            _("Complaint hotline"),
            _("Waivers for pupils from poor families"),
        ],
        rows=[
            [
                _parent_name(fee.school),
                fee.school.name,
                fee.school_year,
                fee.item,
                fee.amount,
                fee.unit,
                fee.approving_body,
                fee.document_number,
                fee.scope,
                fee.hotline,
                fee.waivers,
            ]
            for fee in items
        ],
    )


@dataclass(frozen=True)
class DirectoryFilters:
    district: OrgUnit | None
    type: str


def _directory_filters(request: HttpRequest) -> DirectoryFilters:
    asked = _param(request, "type")
    return DirectoryFilters(
        district=district_by_code(_param(request, "district")),
        type=asked if asked in DIRECTORY_TYPES else "",
    )


@public
def directory(request: HttpRequest) -> HttpResponse:
    filters = _directory_filters(request)
    entries = directory_entries(district=filters.district, school_type=filters.type)
    page = Paginator(entries, DIRECTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/directory.html",
        {
            "public_tab": "directory",
            "filters": filters,
            "districts": list(districts()),
            "types": [(t.value, t.label) for t in DIRECTORY_TYPES],
            "page": page,
        },
    )


@public
def directory_xlsx(request: HttpRequest) -> HttpResponse:
    filters = _directory_filters(request)
    entries = directory_entries(district=filters.district, school_type=filters.type)
    return xlsx_download(
        title=_("Directory of private schools"),
        header=[
            _("School"),
            _("District"),
            _("Type"),
            _("Licence number"),
            _("Sponsor"),
            _("Address"),
            _("Phone"),
            _("Levels"),
            _("Approved by"),
        ],
        rows=[
            [
                e.school.name,
                _parent_name(e.school),
                UnitType(e.school.type).label,
                e.licence_number,
                e.sponsor,
                e.address,
                e.phone,
                e.levels,
                e.approved_by,
            ]
            for e in entries
        ],
    )


@public
def construction(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/construction.html",
        {"public_tab": "construction", "progress": construction_progress_public()},
    )


@public
def construction_xlsx(request: HttpRequest) -> HttpResponse:
    progress = construction_progress_public()
    return xlsx_download(
        title=_("School construction progress"),
        header=[
            _("District"),
            _("Period"),
            *[f"{e.name}（{e.unit}）" if e.unit else e.name for e in progress.elements],
        ],
        rows=[
            [row.district.name, row.period.label if row.period else "", *row.values]
            for row in progress.rows
        ],
    )


@public
def plan(request: HttpRequest) -> HttpResponse:
    overview = plan_overview_public()
    return render(
        request,
        "public/plan.html",
        {
            "public_tab": "plan",
            "plan": overview.plan if overview else None,
            "period": overview.period if overview else None,
            "lines": overview.lines if overview else [],
        },
    )


@public
def plan_xlsx(request: HttpRequest) -> HttpResponse:
    overview = plan_overview_public()
    return xlsx_download(
        title=overview.plan.name if overview else _("Plan overview"),
        header=[
            _("Number"),
            _("Project"),
            _("Status"),
            _("Three-year goal"),
            _("Provisional measure"),
        ],
        rows=[
            [
                line.project.number,
                line.project.name,
                line.label,
                line.goal,
                "；".join(line.provisional),
            ]
            for line in (overview.lines if overview else [])
        ],
        note=(
            _("Status for the whole city as of %(period)s") % {"period": overview.period.label}
            if overview
            else ""
        ),
    )
