"""Public pages (no login): the city's list of certified 普惠 private kindergartens with
grade, fees and hotline, and the public notices (公示) running today; each as .xlsx."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplan.core.routing import replica_reads
from eduplan.core.tables import xlsx_download
from eduplan.kindergartens.models import Application, Kindergarten
from eduplan.kindergartens.selectors import inclusive_private_list, notices_running
from eduplan.org.access import public
from eduplan.org.models import OrgUnit, UnitType

PER_PAGE = 50
SEARCH_MAX = 20


def _district(request: HttpRequest) -> OrgUnit | None:
    code = request.GET.get("district", "")[:SEARCH_MAX]
    if not code:
        return None
    return OrgUnit.objects.filter(code=code, type=UnitType.DISTRICT).first()


def _districts() -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(type=UnitType.DISTRICT).order_by("code"))


def _grade(kg: Kindergarten) -> str:
    return kg.get_grade_display() if kg.grade else _("Not graded")


@replica_reads
@public
def inclusive(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    found = inclusive_private_list(day=timezone.localdate(), district=district)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "kindergartens/public_inclusive.html",
        {
            "public_tab": "kindergartens",
            "page": page,
            "district": district,
            "districts": _districts(),
            "complaints": settings.FEE_COMPLAINT_HOTLINE,
        },
    )


@replica_reads
@public
def inclusive_xlsx(request: HttpRequest) -> HttpResponse:
    found = inclusive_private_list(day=timezone.localdate(), district=_district(request))
    return xlsx_download(
        title=_("Certified inclusive private kindergartens"),
        header=[
            _("Kindergarten"),
            _("District"),
            _("Grade"),
            _("Care and education fee (yuan a month)"),
            _("Hotline"),
        ],
        rows=[
            [
                kg.unit.name,
                kg.unit.parent.name if kg.unit.parent else "",
                _grade(kg),
                kg.fee_monthly,
                kg.hotline,
            ]
            for kg in found
        ],
        note=_("Complaints about fees: %(phone)s") % {"phone": settings.FEE_COMPLAINT_HOTLINE},
    )


@replica_reads
@public
def notices(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "kindergartens/public_notices.html",
        {"public_tab": "kindergartens", "notices": notices_running(day=timezone.localdate())},
    )


def _sought(app: Application) -> str:
    if app.kind == Application.Kind.UPGRADE:
        return app.get_grade_sought_display()
    return str(app.get_kind_display())


@replica_reads
@public
def notices_xlsx(request: HttpRequest) -> HttpResponse:
    return xlsx_download(
        title=_("Public notice of kindergartens"),
        header=[
            _("Kindergarten"),
            _("District"),
            _("Sought"),
            _("Care and education fee (yuan a month)"),
            _("Notice runs from"),
            _("until"),
        ],
        rows=[
            [
                a.kindergarten.unit.name,
                a.kindergarten.unit.parent.name if a.kindergarten.unit.parent else "",
                _sought(a),
                a.fee_monthly,
                a.notice_starts,
                a.notice_ends,
            ]
            for a in notices_running(day=timezone.localdate())
        ],
    )
