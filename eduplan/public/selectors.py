"""Reads for the public pages: only what is marked public, never anything else.

Every function here filters itself, so a view cannot forget to: fees and the directory
read only approved records of the public ledgers `fee_items` and `private_schools`, and
only the fields those ledgers mark public; reported figures only approved submissions and
the elements a form marks public.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplan.core.figures_cache import figures_stamp
from eduplan.core.periods import Period, PeriodCodeError, period_from_code
from eduplan.indicators.projects import project_statuses
from eduplan.indicators.selectors import default_period
from eduplan.ledgers.definitions import LedgerDefinition
from eduplan.ledgers.models import Ledger, LedgerRecord
from eduplan.ledgers.selectors import records_public
from eduplan.org.models import SCHOOL_TYPES, OrgUnit, Ownership, UnitType
from eduplan.org.selectors import open_on
from eduplan.plans.models import Goal, Horizon, Plan, PlanStatus, Project
from eduplan.plans.selectors import plan_default
from eduplan.public.models import fee_complaint_hotline
from eduplan.reporting.definitions import ElementDef
from eduplan.reporting.models import DataValue, Form, Status, Submission
from eduplan.reporting.services import form_definition
from eduplan.reporting.values import display_value

CONSTRUCTION_FORM = "construction-progress"
NAME_SEARCH_MAX = 50


def _today() -> datetime.date:
    return timezone.localdate()


def districts() -> QuerySet[OrgUnit]:
    """The county-level units, for the district filter."""
    return OrgUnit.objects.filter(type=UnitType.DISTRICT).order_by("code")


def district_by_code(code: str | None) -> OrgUnit | None:
    if not code:
        return None
    return OrgUnit.objects.filter(type=UnitType.DISTRICT, code=code).first()


FEE_LEDGER = "fee_items"
DIRECTORY_LEDGER = "private_schools"


@dataclass(frozen=True)
class Published:
    """A public ledger's approved, active records of schools open today (none if the
    ledger is not loaded or not public), and the codes of the fields it shows."""

    records: QuerySet[LedgerRecord]
    shown: frozenset[str]


def published(code: str) -> Published:
    """What a public page may read of the ledger `code` (one query; read it once)."""
    ledger = Ledger.objects.select_related("current_version").filter(code=code).first()
    if ledger is None or ledger.current_version is None:
        return Published(LedgerRecord.objects.none(), frozenset())
    definition = LedgerDefinition(ledger.current_version.definition)
    records = records_public(ledger).filter(open_on(_today(), prefix="org_unit__"))
    return Published(records, frozenset(definition.public_codes()) - definition.private_codes())


def fees_published() -> Published:
    return published(FEE_LEDGER)


@dataclass(frozen=True)
class FeeRow:
    """A published fee item: only the fields its ledger marks public ("" otherwise)."""

    school: OrgUnit
    school_year: int | None
    item: str
    amount: Decimal | None
    unit: str
    approving_body: str
    document_number: str
    scope: str
    hotline: str
    waivers: str


def _text(data: dict[str, Any], shown: frozenset[str], code: str) -> str:
    value = data.get(code) if code in shown else None
    return "" if value is None else str(value)


def _fee_row(record: LedgerRecord, shown: frozenset[str]) -> FeeRow:
    data = record.data
    amount = data.get("amount") if "amount" in shown else None
    year = data.get("school_year") if "school_year" in shown else None
    return FeeRow(
        school=record.org_unit,
        school_year=year if isinstance(year, int) else None,
        item=_text(data, shown, "item"),
        amount=None if amount is None else Decimal(str(amount)).quantize(Decimal("0.01")),
        unit=_text(data, shown, "billing_unit"),
        approving_body=_text(data, shown, "approving_body"),
        document_number=_text(data, shown, "document_number"),
        scope=_text(data, shown, "scope"),
        hotline=_text(data, shown, "hotline") or fee_complaint_hotline(),
        waivers=_text(data, shown, "waivers"),
    )


def fee_school_years(*, fees: Published) -> list[int]:
    """School years with published fee items, newest first."""
    years = fees.records.order_by().values_list("data__school_year", flat=True).distinct()
    return sorted({y for y in years if isinstance(y, int)}, reverse=True)


def _fees(
    fees: Published, school_year: int, district: OrgUnit | None, name: str
) -> QuerySet[LedgerRecord]:
    records = fees.records.filter(data__school_year=school_year)
    if district is not None:
        records = records.filter(unit_path__startswith=district.path)
    name = name.strip()[:NAME_SEARCH_MAX]
    if name:
        records = records.filter(org_unit__name__icontains=name)
    return records


def fee_schools(
    *, fees: Published, school_year: int, district: OrgUnit | None = None, name: str = ""
) -> QuerySet[OrgUnit]:
    """Open schools with published fee items that year, filtered by district and part
    of the name (their items: `fees_of_schools`)."""
    records = _fees(fees, school_year, district, name)
    return (
        OrgUnit.objects.filter(pk__in=records.values("org_unit"))
        .select_related("parent")
        .order_by("path")
    )


def fees_of_schools(
    *, fees: Published, schools: list[OrgUnit], school_year: int
) -> dict[int, list[FeeRow]]:
    """Each school's published fee items that year, by item name."""
    rows: dict[int, list[FeeRow]] = {s.pk: [] for s in schools}
    found = fees.records.filter(data__school_year=school_year, org_unit__in=schools).select_related(
        "org_unit__parent"
    )
    for record in found:
        rows[record.org_unit_id].append(_fee_row(record, fees.shown))
    for items in rows.values():
        items.sort(key=lambda f: f.item)
    return rows


def fee_items_published(
    *, fees: Published, school_year: int, district: OrgUnit | None = None, name: str = ""
) -> list[FeeRow]:
    """The published fee items of the schools `fee_schools` lists, one row each."""
    records = _fees(fees, school_year, district, name)
    rows = [_fee_row(r, fees.shown) for r in records.select_related("org_unit__parent")]
    return sorted(rows, key=lambda f: (f.school.path, f.item))


# The school types of the directory's type filter, in the order UnitType lists them.
DIRECTORY_TYPES = [t for t in UnitType if t in SCHOOL_TYPES]


@dataclass(frozen=True)
class DirectoryRow:
    """A private school's published entry: only the fields its ledger marks public."""

    school: OrgUnit
    licence_number: str
    sponsor: str
    address: str
    phone: str
    levels: str
    approved_by: str


def directory_entries(
    *, district: OrgUnit | None = None, school_type: str = ""
) -> list[DirectoryRow]:
    """Published entries of open private schools, by district and school type."""
    entries = published(DIRECTORY_LEDGER)
    shown = entries.shown
    records = entries.records.filter(org_unit__ownership=Ownership.PRIVATE)
    if district is not None:
        records = records.filter(unit_path__startswith=district.path)
    if school_type:
        records = records.filter(org_unit__type=school_type)
    return [
        DirectoryRow(
            school=r.org_unit,
            **{
                code: _text(r.data, shown, code)
                for code in (
                    "licence_number",
                    "sponsor",
                    "address",
                    "phone",
                    "levels",
                    "approved_by",
                )
            },
        )
        for r in records.select_related("org_unit__parent").order_by("unit_path", "pk")
    ]


@dataclass(frozen=True)
class DistrictProgress:
    district: OrgUnit
    period: Period | None
    values: list[str]  # one per public element, in the form's order ("" when not reported)


@dataclass(frozen=True)
class ConstructionProgress:
    form: Form | None
    elements: list[ElementDef]
    rows: list[DistrictProgress]


def construction_progress_public() -> ConstructionProgress:
    """Each district's latest approved construction report, public elements only.

    Drafts, submitted, returned (and approved-then-reopened) reports never show: only a
    submission whose status is approved counts, and only elements the form's current
    version marks public are read from the database at all."""
    form = Form.objects.select_related("current_version").filter(code=CONSTRUCTION_FORM).first()
    all_districts = list(districts())
    if form is None or form.current_version is None:
        return ConstructionProgress(form=form, elements=[], rows=[])
    elements = [e for e in form_definition(form.current_version).elements if e.public]
    approved = Submission.objects.filter(
        form=form, status=Status.APPROVED, subject="", org_unit__type=UnitType.DISTRICT
    )
    # Period codes of one type sort as text in time order (2016B6 < 2017B1).
    latest = approved.filter(org_unit=OuterRef("org_unit")).order_by("-period").values("period")[:1]
    submissions = {
        s.org_unit_id: s
        for s in approved.filter(period=Subquery(latest)).only("id", "org_unit_id", "period")
    }
    values: dict[tuple[int, str], DataValue] = {}
    if elements and submissions:
        for value in DataValue.objects.filter(
            submission_id__in=[s.pk for s in submissions.values()],
            element__code__in=[e.code for e in elements],
        ).select_related("element"):
            values[(value.submission_id, value.element.code)] = value
    rows = []
    for district in all_districts:
        submission = submissions.get(district.pk)
        if submission is None:
            rows.append(DistrictProgress(district=district, period=None, values=[]))
            continue
        try:
            period: Period | None = period_from_code(submission.period)
        except PeriodCodeError:
            period = None
        shown = []
        for element in elements:
            found = values.get((submission.pk, element.code))
            shown.append("" if found is None else display_value(element, found.number, found.text))
        rows.append(DistrictProgress(district=district, period=period, values=shown))
    return ConstructionProgress(form=form, elements=elements, rows=rows)


@dataclass(frozen=True)
class ProjectLine:
    """A project on the public overview: its three-year goal and its status for the
    whole city only (no units, no orders, no people)."""

    project: Project
    goal: str
    label: str
    style: str
    # The project's measured targets read by a provisional measure (临时口径), as
    # "indicator：reason": the status rests on them, so the page says so.
    provisional: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanOverview:
    plan: Plan
    period: Period
    lines: list[ProjectLine]


def plan_overview_public() -> PlanOverview | None:
    """The active plan's projects with the city-level status as of the default period,
    or None when no plan is active (a draft is never public)."""
    plan = plan_default()
    if plan is None or plan.status != PlanStatus.ACTIVE:
        return None
    at = default_period(plan)
    statuses = {
        s.project.pk: s
        for s in project_statuses(plan=plan, at=at, unit=plan.organisation, stamp=figures_stamp())
    }
    projects = plan.projects.order_by("number").prefetch_related(
        Prefetch(
            "goals",
            queryset=Goal.objects.filter(horizon=Horizon.THREE_YEAR).order_by("id"),
            to_attr="three_year_goals",
        )
    )
    lines = []
    for project in projects:
        status = statuses.get(project.pk)
        lines.append(
            ProjectLine(
                project=project,
                goal="\n".join(g.text for g in getattr(project, "three_year_goals", [])),
                label=status.label if status else str(_("Not yet assessed")),
                style=status.style if status else "secondary",
                provisional=tuple(
                    f"{t.target.indicator}：{t.provisional}"
                    for t in (status.targets if status else [])
                    if t.kind == "measured" and t.provisional
                ),
            )
        )
    return PlanOverview(plan=plan, period=at, lines=lines)
