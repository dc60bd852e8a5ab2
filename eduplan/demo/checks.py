"""`eduplan demo check`: does the demo city tell one story?

The demo's reports are derived from one simulated truth (`world.py`); this verifies the
database as written, so that a change to the generator, the history or a form that
makes two pages disagree is caught. What it checks, for approved reports:

- **Classes**: every class-size report equals the census of the school year it reports
  on (classes, pupils, 大班额 band, 特大班额), and the ICT form's class count equals the
  census too (a school without a census, vocational: the same number every period).
  The school page shows exactly these two sources: the census counted as
  `class_census_summary` counts it, and the approved figures.
- **Construction**: per district, completed ≤ topped out ≤ started ≤ planned; places no
  more than the started projects can hold (none with none started); cumulative figures
  never go down from one period to the next; at least as many projects completed as new
  schools have opened in the district since the plan began.
- **Measures**: the percent never goes down; the status is the one the percent means
  against the share of the plan's years gone by; the text carries the status's words.

A few grouped queries, whatever the city's size.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings

from eduplan.construction.selectors import class_census_by_school
from eduplan.core.numbers import plain_number
from eduplan.core.periods import period_from_code
from eduplan.demo.world import (
    NEW_SCHOOL_YEARS,
    PLACES_PER_PROJECT_MAX,
    census_year_of,
    measure_status,
    narrative_agrees,
    plan_share,
)
from eduplan.org.models import OrgUnit, UnitType
from eduplan.plans.models import Measure, Task
from eduplan.reporting.models import DataValue, Status

CLASS_FORM, ICT_FORM = "class-size", "ict-status"
BUILD_FORM, MEASURE_FORM = "construction-progress", "measure-progress"
# The class-size figures and the census counts (construction.selectors) they repeat.
CENSUS_FIGURES = {
    "classes_total": ("classes", "教学班数"),
    "pupils_total": ("pupil_total", "在校生数"),
    "classes_large": ("large_band", "大班额班数"),
    "classes_huge": ("huge", "特大班额班数"),
}
# Each lower figure of a district's programme and the one it may not exceed.
BUILD_ORDER = (
    ("build_completed", "build_topped"),
    ("build_topped", "build_started"),
    ("build_started", "build_planned"),
)
BUILD_CUMULATIVE = (
    "build_planned",
    "build_started",
    "build_topped",
    "build_completed",
    "build_investment",
    "build_places",
)
ELEMENTS = (
    *CENSUS_FIGURES,
    "ict_classes",
    *BUILD_CUMULATIVE,
    "mp_status",
    "mp_percent",
    "mp_narrative",
)
NEW_SCHOOL_TYPES = (
    UnitType.PRIMARY,
    UnitType.JUNIOR,
    UnitType.SENIOR,
    UnitType.NINE_YEAR,
    UnitType.COMPLETE,
)


@dataclass(frozen=True)
class Problem:
    """Two figures of the demo that disagree: the report's figure of the unit and period,
    and what it is held against (another source, another period, or a bound)."""

    unit: str  # the unit's code
    period: str
    figure: str
    value: object
    relation: str  # how they stand, which they must not: ≠, >, <
    against: str
    against_value: object
    subject: str = ""  # e.g. "measure:12" for a department's progress on a measure

    def __str__(self) -> str:
        where = f"{self.unit} {self.subject}".strip()
        return (
            f"{where} {self.period}：{self.figure} = {_shown(self.value)} {self.relation} "
            f"{self.against} = {_shown(self.against_value)}"
        )


@dataclass
class DemoCheckReport:
    problems: list[Problem] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)


def _shown(value: object) -> object:
    """A figure (a Decimal) as plain text; anything else (a status, a count) as it is."""
    return plain_number(value) if isinstance(value, Decimal) else value


# (unit id, period, subject) -> element code -> number or text
Reports = dict[tuple[int, str, str], dict[str, Any]]


def _approved_reports() -> dict[str, Reports]:
    """The approved values of the checked forms, by form: one query."""
    by_form: dict[str, Reports] = defaultdict(dict)
    rows = DataValue.objects.filter(
        submission__status=Status.APPROVED,
        submission__form__code__in=[CLASS_FORM, ICT_FORM, BUILD_FORM, MEASURE_FORM],
        element__code__in=ELEMENTS,
    ).values_list(
        "submission__form__code",
        "org_unit_id",
        "period",
        "submission__subject",
        "element__code",
        "number",
        "text",
    )
    for form, unit, period, subject, element, number, text in rows:
        values = by_form[form].setdefault((unit, period, subject), {})
        values[element] = number if number is not None else text
    return by_form


def demo_check_report() -> DemoCheckReport:
    """Every contradiction between the demo's sources, and how much was checked."""
    report = DemoCheckReport()
    reports = _approved_reports()
    census = class_census_by_school()
    units = {
        pk: (code, type_, path, opened_on)
        for pk, code, type_, path, opened_on in OrgUnit.objects.values_list(
            "pk", "code", "type", "path", "opened_on"
        )
    }
    code_of = {pk: unit[0] for pk, unit in units.items()}
    report.problems += _class_problems(reports.get(CLASS_FORM, {}), census, code_of)
    report.problems += _ict_problems(reports.get(ICT_FORM, {}), census, code_of)
    report.problems += _build_problems(reports.get(BUILD_FORM, {}), units)
    report.problems += _measure_problems(reports.get(MEASURE_FORM, {}), code_of)
    report.checked = {
        "学校学年普查": len(census),
        "班额报表": len(reports.get(CLASS_FORM, {})),
        "信息化报表": len(reports.get(ICT_FORM, {})),
        "建设双月报": len(reports.get(BUILD_FORM, {})),
        "举措进展": len(reports.get(MEASURE_FORM, {})),
    }
    return report


def demo_check() -> list[Problem]:
    """Every contradiction between the demo's sources (none in a coherent demo)."""
    return demo_check_report().problems


def _class_problems(
    reports: Reports, census: dict[tuple[int, int], dict[str, Any]], code_of: dict[int, str]
) -> list[Problem]:
    """Each class-size report against the census of the school year it reports on."""
    problems = []
    for (unit, period, _subject), values in sorted(reports.items()):
        year = census_year_of(period_from_code(period))
        counted = census.get((unit, year))
        for figure, (count, label) in CENSUS_FIGURES.items():
            if figure not in values:
                continue
            truth = counted[count] if counted else None
            if truth is None or values[figure] != truth:
                problems.append(
                    Problem(
                        code_of[unit],
                        period,
                        figure,
                        values[figure],
                        "≠",
                        f"{year}学年班额普查{label}",
                        truth if truth is not None else "无普查",
                    )
                )
    return problems


def _ict_problems(
    reports: Reports, census: dict[tuple[int, int], dict[str, Any]], code_of: dict[int, str]
) -> list[Problem]:
    """Each ICT report's class count against the census (without one: against the
    school's first report)."""
    with_census = {unit for unit, _year in census}
    first: dict[int, tuple[str, Any]] = {}
    problems = []
    for (unit, period, _subject), values in sorted(reports.items()):
        if "ict_classes" not in values:
            continue
        classes = values["ict_classes"]
        if unit in with_census:
            year = census_year_of(period_from_code(period))
            counted = census.get((unit, year))
            truth = counted["classes"] if counted else None
            if truth is None or classes != truth:
                problems.append(
                    Problem(
                        code_of[unit],
                        period,
                        "ict_classes",
                        classes,
                        "≠",
                        f"{year}学年班额普查教学班数",
                        truth if truth is not None else "无普查",
                    )
                )
            continue
        earlier = first.setdefault(unit, (period, classes))
        if classes != earlier[1]:
            problems.append(
                Problem(
                    code_of[unit],
                    period,
                    "ict_classes",
                    classes,
                    "≠",
                    f"{earlier[0]} ict_classes",
                    earlier[1],
                )
            )
    return problems


def _build_problems(
    reports: Reports, units: dict[int, tuple[str, str, str, datetime.date | None]]
) -> list[Problem]:
    """Each district's construction reports: order, capacity, growth, new schools."""
    first_day = datetime.date(min(NEW_SCHOOL_YEARS), 1, 1)
    new_schools = [
        (path, opened_on)
        for _code, type_, path, opened_on in units.values()
        if type_ in NEW_SCHOOL_TYPES and opened_on is not None and opened_on >= first_day
    ]
    problems = []
    previous: dict[int, tuple[str, dict[str, Any]]] = {}
    for (unit, period, _subject), values in sorted(reports.items()):
        code, _type, path, _opened = units[unit]
        found: list[tuple[str, str, str, object]] = []  # figure, relation, against, its value
        for lower, upper in BUILD_ORDER:
            if lower in values and upper in values and values[lower] > values[upper]:
                found.append((lower, ">", upper, values[upper]))
        if "build_places" in values and "build_started" in values:
            room = values["build_started"] * PLACES_PER_PROJECT_MAX
            if values["build_places"] > room:
                found.append(
                    ("build_places", ">", f"build_started × {PLACES_PER_PROJECT_MAX}", room)
                )
        if unit in previous:
            before, old = previous[unit]
            for figure in BUILD_CUMULATIVE:
                if figure in values and figure in old and values[figure] < old[figure]:
                    found.append((figure, "<", f"{before} {figure}", old[figure]))
        end = period_from_code(period).end
        opened = sum(p.startswith(path) and o <= end for p, o in new_schools)
        if "build_completed" in values and values["build_completed"] < opened:
            found.append(("build_completed", "<", f"{first_day.year}年以来新开办学校", opened))
        problems += [Problem(code, period, f, values[f], r, a, v) for f, r, a, v in found]
        previous[unit] = (period, values)
    return problems


def _measure_problems(reports: Reports, code_of: dict[int, str]) -> list[Problem]:
    """Each department's progress on each measure: growth, status, text."""
    ids = {int(s.split(":", 1)[1]) for _u, _p, s in reports if s.startswith("measure:")}
    years = {
        f"measure:{pk}": (start, end)
        for pk, start, end in Measure.objects.filter(pk__in=ids).values_list(
            "pk", "project__plan__start_year", "project__plan__end_year"
        )
    }
    tasks = {int(s.split(":", 1)[1]) for _u, _p, s in reports if s.startswith("task:")}
    years |= {
        f"task:{pk}": (year, year)
        for pk, year in Task.objects.filter(pk__in=tasks).values_list("pk", "year")
    }
    problems = []
    previous: dict[tuple[int, str], tuple[str, Any]] = {}
    for (unit, period, subject), values in sorted(reports.items()):
        code = code_of[unit]
        percent, status = values.get("mp_percent"), values.get("mp_status")
        if percent is not None and (unit, subject) in previous:
            before, old = previous[(unit, subject)]
            if percent < old:
                problems.append(
                    Problem(
                        code,
                        period,
                        "mp_percent",
                        percent,
                        "<",
                        f"{before} mp_percent",
                        old,
                        subject,
                    )
                )
        if percent is not None:
            previous[(unit, subject)] = (period, percent)
        if percent is not None and status and subject in years:
            start, end = years[subject]
            day = period_from_code(period).end
            expected = 100 * plan_share(day, start_year=start, end_year=end)
            meant = measure_status(percent, expected)
            if status != meant:
                problems.append(
                    Problem(
                        code,
                        period,
                        "mp_status",
                        status,
                        "≠",
                        f"mp_percent {_shown(percent)}（应完成 {expected:.0f}%，"
                        f"正常线 {settings.EDUPLAN_ON_TRACK_MIN:.0%}）所示状态",
                        meant,
                        subject,
                    )
                )
        narrative = values.get("mp_narrative")
        if status and narrative is not None and not narrative_agrees(status, narrative):
            problems.append(
                Problem(code, period, "mp_status", status, "≠", "mp_narrative", narrative, subject)
            )
    return problems
