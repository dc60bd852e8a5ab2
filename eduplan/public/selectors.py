"""Reads for the public pages: only what is marked public, never anything else.

Every function here filters on `published` (or, for reported figures, on approved
submissions and on the elements a form marks public) itself, so a view cannot forget to.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplan.core.figures_cache import figures_stamp
from eduplan.core.periods import Period, PeriodCodeError, period_from_code
from eduplan.indicators.projects import project_statuses
from eduplan.indicators.selectors import default_period
from eduplan.org.models import SCHOOL_TYPES, OrgUnit, Ownership, UnitType
from eduplan.org.selectors import open_on
from eduplan.plans.models import Goal, Horizon, Plan, PlanStatus, Project
from eduplan.plans.selectors import plan_default
from eduplan.public.models import DirectoryEntry, FeeItem
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


def _published_fees(school_year: int) -> QuerySet[FeeItem]:
    return FeeItem.objects.filter(published=True, school_year=school_year)


def fee_school_years() -> list[int]:
    """School years with published fee items, newest first."""
    return list(
        FeeItem.objects.filter(published=True)
        .order_by("-school_year")
        .values_list("school_year", flat=True)
        .distinct()
    )


def fee_schools(
    *, school_year: int, district: OrgUnit | None = None, name: str = ""
) -> QuerySet[OrgUnit]:
    """Open schools with published fee items that year, each with `public_fees`
    (its published items) prefetched; filtered by district and part of the name."""
    fees = _published_fees(school_year)
    qs = (
        OrgUnit.objects.filter(type__in=SCHOOL_TYPES)
        .filter(open_on(_today()))
        .filter(Exists(fees.filter(school=OuterRef("pk"))))
        .select_related("parent")
        .prefetch_related(
            Prefetch("fee_items", queryset=fees.order_by("item", "id"), to_attr="public_fees")
        )
        .order_by("path")
    )
    if district is not None:
        qs = qs.filter(path__startswith=district.path)
    name = name.strip()[:NAME_SEARCH_MAX]
    if name:
        qs = qs.filter(name__icontains=name)
    return qs


def fee_items_published(
    *, school_year: int, district: OrgUnit | None = None, name: str = ""
) -> QuerySet[FeeItem]:
    """The published fee items of the schools `fee_schools` lists, one row each."""
    schools = fee_schools(school_year=school_year, district=district, name=name)
    return (
        _published_fees(school_year)
        .filter(school__in=schools.values("pk"))
        .select_related("school__parent")
        .order_by("school__path", "item", "id")
    )


# The school types of the directory's type filter, in the order UnitType lists them.
DIRECTORY_TYPES = [t for t in UnitType if t in SCHOOL_TYPES]


def directory_entries(
    *, district: OrgUnit | None = None, school_type: str = ""
) -> QuerySet[DirectoryEntry]:
    """Published entries of open private schools, by district and school type."""
    qs = (
        DirectoryEntry.objects.filter(published=True, school__ownership=Ownership.PRIVATE)
        .filter(open_on(_today(), prefix="school__"))
        .select_related("school__parent")
        .order_by("school__path")
    )
    if district is not None:
        qs = qs.filter(school__path__startswith=district.path)
    if school_type:
        qs = qs.filter(school__type=school_type)
    return qs


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
