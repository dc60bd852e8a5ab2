"""Reads of the campus-safety register for its pages: a school's own objects,
inspections and hazards; a district's open hazards by severity and age; the city's open
hazards by district. Each overview is one grouped query on the hazards' district index."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.tables import Table
from eduplan.org.models import OrgUnit, UnitType
from eduplan.safety.models import (
    SEVERITY_ORDER,
    Building,
    Hazard,
    HazardStatus,
    Inspection,
    Rating,
    SchoolBus,
    Severity,
)

NOT_CLOSED = [HazardStatus.OPEN, HazardStatus.FIXED]
# Age of an open hazard (days since found): the overview's columns.
AGE_BANDS: list[tuple[str, int, int | None]] = [
    ("a30", 0, 30),
    ("a90", 31, 90),
    ("a365", 91, 365),
    ("older", 366, None),
]
AGE_LABELS = {
    "a30": gettext_lazy("Up to 30 days"),
    "a90": gettext_lazy("31–90 days"),
    "a365": gettext_lazy("91–365 days"),
    "older": gettext_lazy("Over a year"),
}
LIST_LIMIT = 200  # open hazards listed on a district's page (the workbook has them all)


def unit_by_code(code: str) -> OrgUnit:
    return get_object_or_404(OrgUnit, code=code)


def district_by_code(code: str) -> OrgUnit:
    return get_object_or_404(OrgUnit, code=code, type=UnitType.DISTRICT)


def hazard_by_pk(pk: int) -> Hazard:
    return get_object_or_404(
        Hazard.objects.select_related("school", "inspection__round__organiser"), pk=pk
    )


def building_status(building: Building) -> str:
    """What the page says of a building: D is closed, whatever was stored before."""
    if building.rating == Rating.D:
        return _("Closed (rated D, to be demolished)")
    if building.rating == Rating.C:
        return _("In use, to be reinforced") if building.in_use else _("Out of use")
    return _("In use") if building.in_use else _("Out of use")


@dataclass(frozen=True)
class SchoolSafety:
    unit: OrgUnit
    buildings: list[Building]
    buses: list[SchoolBus]
    inspections: list[Inspection]
    hazards: list[Hazard]


def school_safety(*, unit: OrgUnit) -> SchoolSafety:
    """A school's buildings, buses, inspections and hazards (newest first). Four queries."""
    return SchoolSafety(
        unit=unit,
        buildings=list(Building.objects.filter(school=unit).order_by("name")),
        buses=list(SchoolBus.objects.filter(school=unit).order_by("plate")),
        inspections=list(
            Inspection.objects.filter(school=unit)
            .select_related("round", "building", "bus")
            .order_by("-inspected_on", "pk")
        ),
        hazards=list(
            Hazard.objects.filter(school=unit)
            .select_related("inspection__building", "inspection__bus")
            .order_by("status", "deadline", "pk")
        ),
    )


def _age_counts(today: datetime.date) -> dict[str, Any]:
    counts: dict[str, Any] = {"total": Count("pk")}
    for key, low, high in AGE_BANDS:
        found = Q(found_on__lte=today - datetime.timedelta(days=low))
        if high is not None:
            found &= Q(found_on__gte=today - datetime.timedelta(days=high))
        counts[key] = Count("pk", filter=found)
    counts["overdue"] = Count("pk", filter=Q(deadline__lt=today))
    return counts


@dataclass
class OverviewRow:
    label: str
    total: int = 0
    overdue: int = 0
    ages: list[int] = field(default_factory=lambda: [0] * len(AGE_BANDS))


def district_overview(*, district: OrgUnit, today: datetime.date) -> list[OverviewRow]:
    """The district's hazards not closed, by severity (grave first) and age; one query."""
    rows: dict[str, dict[str, Any]] = {
        r["severity"]: dict(r)
        for r in Hazard.objects.filter(district=district, status__in=NOT_CLOSED)
        .values("severity")
        .annotate(**_age_counts(today))
        .order_by()
    }
    table = []
    for severity in SEVERITY_ORDER:
        r: dict[str, Any] = rows.get(severity, {})
        table.append(
            OverviewRow(
                label=str(Severity(severity).label),
                total=r.get("total", 0),
                overdue=r.get("overdue", 0),
                ages=[r.get(key, 0) for key, _low, _high in AGE_BANDS],
            )
        )
    return table


def district_hazards(*, district: OrgUnit) -> QuerySet[Hazard]:
    """The district's hazards not closed, oldest deadline first."""
    return (
        Hazard.objects.filter(district=district, status__in=NOT_CLOSED)
        .select_related("school")
        .order_by("deadline", "pk")
    )


@dataclass
class CityRow:
    unit: OrgUnit | None  # None: the schools the bureau runs itself
    label: str
    by_severity: dict[str, int]
    total: int
    overdue: int


def city_overview(*, today: datetime.date) -> list[CityRow]:
    """Hazards not closed in each district (and the bureau's own schools), by severity,
    with how many are past their deadline; every district has a row. Two queries."""
    counts = {s.value: Count("pk", filter=Q(severity=s.value)) for s in SEVERITY_ORDER}
    grouped: dict[int | None, dict[str, Any]] = {
        r["district_id"]: dict(r)
        for r in Hazard.objects.filter(status__in=NOT_CLOSED)
        .values("district_id")
        .annotate(total=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)), **counts)
        .order_by()
    }
    rows = []
    units: list[OrgUnit | None] = list(
        OrgUnit.objects.filter(type=UnitType.DISTRICT).order_by("path")
    )
    units.append(None)
    for unit in units:
        r: dict[str, Any] = grouped.get(unit.pk if unit is not None else None, {})
        if unit is None and not r:
            continue
        rows.append(
            CityRow(
                unit=unit,
                label=unit.name if unit is not None else _("Schools run by the bureau"),
                by_severity={s.value: r.get(s.value, 0) for s in SEVERITY_ORDER},
                total=r.get("total", 0),
                overdue=r.get("overdue", 0),
            )
        )
    return rows


# Tables (the pages' workbooks) -----------------------------------------------------------


def hazard_table(
    *, table_id: str, title: str, hazards: list[Hazard], today: datetime.date
) -> Table:
    return Table(
        id=table_id,
        title=title,
        header=[
            _("School"),
            _("Checklist item"),
            _("Rule broken"),
            _("Severity"),
            _("Description"),
            _("Found on"),
            _("Rectification deadline"),
            _("Responsible person"),
            _("Status"),
            _("Days open"),
            _("Overdue"),
        ],
        rows=[
            [
                h.school.name,
                h.rule_code,
                h.rule_text,
                Severity(h.severity).label,
                h.description,
                h.found_on,
                h.deadline,
                h.responsible_person,
                HazardStatus(h.status).label,
                (today - h.found_on).days,
                _("yes") if h.status != HazardStatus.CLOSED and h.deadline < today else "",
            ]
            for h in hazards
        ],
    )


def overview_table(*, district: OrgUnit, rows: list[OverviewRow]) -> Table:
    return Table(
        id="overview",
        title=_("%(district)s: open hazards by severity and age") % {"district": district.name},
        header=[_("Severity"), _("Open hazards"), _("Overdue")]
        + [str(AGE_LABELS[k]) for k, *_r in AGE_BANDS],
        rows=[[r.label, r.total, r.overdue, *r.ages] for r in rows],
    )


def city_table(*, rows: list[CityRow]) -> Table:
    return Table(
        id="districts",
        title=_("Open hazards by district"),
        header=[_("District")]
        + [str(Severity(s).label) for s in SEVERITY_ORDER]
        + [_("Open hazards"), _("Overdue")],
        rows=[
            [r.label, *(r.by_severity[s.value] for s in SEVERITY_ORDER), r.total, r.overdue]
            for r in rows
        ],
    )


def city_chart(*, rows: list[CityRow]) -> dict[str, Any]:
    """The city table as a bar chart (drawn by dashboards/charts.js), grave first."""
    return {
        "id": "districts-chart",
        "title": str(_("Open hazards by district")),
        "kind": "bar",
        "unit": "项",
        "categories": [r.label for r in rows],
        "series": [
            {
                "name": str(Severity(s).label),
                "data": [r.by_severity[s.value] for r in rows],
                "role": "bar",
            }
            for s in SEVERITY_ORDER
        ],
    }
