"""Reports for 2015–2018 for the demo city: approved submissions of the plan's forms, so
that figures, trajectories and statuses show a realistic mix from the first start.

Each school or kindergarten gets a moment at which it adopts something (becomes a
football characteristic school, opens a digital campus, is certified 普惠); the counts
follow the plan's targets times a performance factor per figure — most figures keep pace,
some lag, a few fall well behind. Deterministic for a seed. Written in bulk (not through
the services: this is history, not entry), with expected reports, so completeness is real.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from eduplan.core.db import statistics_refresh
from eduplan.core.figures_cache import figures_changed
from eduplan.demo.reports import demo_values
from eduplan.org.models import OrgUnit, Ownership, UnitType
from eduplan.reporting.models import (
    DataElement,
    DataValue,
    ExpectedReport,
    Form,
    Status,
    Submission,
)
from eduplan.reporting.periods import Period, period_from_code, periods_between
from eduplan.reporting.services import due_date, expected_reports_open, form_definition
from eduplan.reporting.values import parse_value

SCHOOLS = [
    UnitType.PRIMARY,
    UnitType.JUNIOR,
    UnitType.SENIOR,
    UnitType.NINE_YEAR,
    UnitType.COMPLETE,
]
FIRST = {"bimonthly": "2016B1", "term": "2015T2", "yearly": "2015"}
LAST = {"bimonthly": "2016B6", "term": "2016T2", "yearly": "2016"}


# (form, unit, period code, values, and optionally the subject)
Row = tuple[Any, ...]


@dataclass(frozen=True)
class Adoption:
    """How many units have adopted something by the end of each year, as a share of the
    plan's figure (before the plan: a share of the units)."""

    before: float  # share of units adopted before 2016
    by_year: dict[int, float]  # year -> count reached, as a share of the goal
    goal: float


def adoption_dates(
    rng: random.Random, units: list[OrgUnit], spec: Adoption, *, scale: float
) -> dict[int, datetime.date | None]:
    """For each unit, the day it adopts (None: not by 2018)."""
    order = units[:]
    rng.shuffle(order)
    dates: dict[int, datetime.date | None] = {u.pk: None for u in units}
    done = round(spec.before * len(order))
    for u in order[:done]:
        dates[u.pk] = datetime.date(2015, 1, 1)
    for year, share in sorted(spec.by_year.items()):
        reach = min(len(order), done + round(spec.goal * share * scale))
        for u in order[done:reach]:
            dates[u.pk] = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 330))
        done = max(done, reach)
    return dates


def _periods(kind: str, last_year: int) -> list[Period]:
    first = period_from_code(FIRST[kind])
    last = period_from_code(LAST[kind].replace("2016", str(last_year)))
    return periods_between(first, last)


def history_load(*, scale: float, seed: int, until_year: int = 2018) -> int:
    """Write the history; returns the number of submissions written."""
    rng = random.Random(seed * 7 + 1)
    forms = {f.code: f for f in Form.objects.select_related("current_version")}
    elements = dict(DataElement.objects.values_list("code", "pk"))
    schools = list(OrgUnit.objects.filter(type__in=SCHOOLS).order_by("code"))
    kindergartens = list(OrgUnit.objects.filter(type=UnitType.KINDERGARTEN).order_by("code"))
    districts = list(OrgUnit.objects.filter(type=UnitType.DISTRICT).order_by("code"))
    characteristic = adoption_dates(
        rng, schools, Adoption(0.02, {2016: 0.49, 2017: 0.75, 2018: 1.0}, 200), scale=scale
    )
    digital = adoption_dates(
        rng, schools, Adoption(0.06, {2016: 1.1, 2017: 2.0, 2018: 3.0}, 23), scale=scale
    )
    smart = adoption_dates(
        rng, schools, Adoption(0.02, {2016: 0.8, 2017: 2.0, 2018: 3.0}, 17), scale=scale
    )
    network = adoption_dates(
        rng, schools, Adoption(0.10, {2016: 1.05, 2017: 2.0, 2018: 3.0}, 15), scale=scale
    )
    card = adoption_dates(
        rng, schools, Adoption(0.03, {2016: 1.0, 2017: 2.0, 2018: 3.0}, 5), scale=scale
    )
    tv = adoption_dates(
        rng, schools, Adoption(0.01, {2016: 1.0, 2017: 2.0, 2018: 3.0}, 3), scale=scale
    )
    private = [k for k in kindergartens if k.ownership == Ownership.PRIVATE]
    certified = adoption_dates(
        rng, private, Adoption(0.30, {2016: 0.9, 2017: 3.0, 2018: 6.0}, 20), scale=scale
    )
    per_school = {u.pk: rng.random() for u in schools}  # each school's own keenness
    rows: list[Row] = []

    def active(dates: dict[int, datetime.date | None], unit: OrgUnit, day: datetime.date) -> bool:
        when = dates.get(unit.pk)
        return when is not None and when <= day

    football = forms.get("football-activity")
    if football:
        for period in _periods("bimonthly", until_year):
            progress = (period.end - datetime.date(2016, 1, 1)).days / 1095
            for unit in _open(schools, period):
                if period.end > BEHIND_FROM and rng.random() < 0.03:
                    continue  # a few schools fall behind with their reports
                keen = per_school[unit.pk]
                is_char = active(characteristic, unit, period.end)
                teams = (1 + (keen > 0.8)) if is_char else int(keen > 0.93)
                players = int((120 if is_char else 25) * (0.6 + keen) * (0.7 + 0.5 * progress))
                rows.append(
                    (
                        football,
                        unit,
                        period.code,
                        {
                            "fb_weekly_lessons": 1 if keen > 0.04 else 0,
                            "fb_class_matches": int((6 if is_char else 2) * (0.5 + keen)),
                            "fb_teams": teams,
                            "fb_players": players,
                            "fb_characteristic": int(is_char),
                        },
                    )
                )
    ict = forms.get("ict-status")
    vocational = list(OrgUnit.objects.filter(type=UnitType.VOCATIONAL).order_by("code"))
    if ict:
        for period in _periods("term", until_year):
            share = min(
                0.95, 0.22 + 0.22 * max(0.0, (period.end - datetime.date(2016, 1, 1)).days / 365)
            )
            for unit in _open(schools + vocational, period):
                keen = per_school.get(unit.pk, 0.5)
                classes = 12 + int(keen * 24)
                rows.append(
                    (
                        ict,
                        unit,
                        period.code,
                        {
                            "ict_classes": classes,
                            "ict_upgraded": min(
                                classes, round(classes * share * (0.7 + 0.6 * keen))
                            ),
                            "ict_digital_campus": int(active(digital, unit, period.end)),
                            "ict_smart_campus": int(active(smart, unit, period.end)),
                            "ict_network_upgraded": int(active(network, unit, period.end)),
                            "ict_campus_card": int(active(card, unit, period.end)),
                            "ict_tv_station": int(active(tv, unit, period.end)),
                            "ict_bandwidth": 100 if keen > 0.5 else 50,
                        },
                    )
                )
    kg = forms.get("kindergarten-status")
    if kg:
        for period in _periods("term", until_year):
            years = max(0.0, (period.end - datetime.date(2015, 12, 31)).days / 365)
            for unit in _open(kindergartens, period):
                base = int(unit.attributes.get("children", 200))
                children = int(base * (1 + 0.03 * years))
                # Public kindergartens are 普惠; private ones once certified.
                inclusive = unit.ownership == Ownership.PUBLIC or active(
                    certified, unit, period.end
                )
                rows.append(
                    (
                        kg,
                        unit,
                        period.code,
                        {
                            "kg_children": children,
                            "kg_classes": max(3, children // 30),
                            "kg_teachers": max(6, children // 15),
                            "kg_inclusive": int(inclusive),
                        },
                    )
                )
    population = forms.get("preschool-population")
    if population:
        kids = {d.pk: 0 for d in districts}
        for unit in kindergartens:
            for d in districts:
                if unit.path.startswith(d.path):
                    kids[d.pk] += int(unit.attributes.get("children", 200))
        for period in _periods("yearly", until_year):
            for d in districts:
                # Children aged 3–5: enrolment runs from ~84% (2015) to ~93% (2018).
                rate = 0.84 + 0.03 * (int(period.code) - 2015) + rng.uniform(-0.04, 0.03)
                rows.append(
                    (
                        population,
                        d,
                        period.code,
                        {
                            "pop_3_5": int(
                                kids[d.pk] * (1 + 0.03 * (int(period.code) - 2015)) / rate
                            )
                        },
                    )
                )
    with transaction.atomic():
        for form in {r[0] for r in rows}:
            for code in sorted({r[2] for r in rows if r[0] is form}):
                expected_reports_open(form=form, period_code=code)
        rows += _routine_rows(forms, rng, until_year)
        _write(rows, elements, rng)
        figures_changed()
        statistics_refresh(ExpectedReport, Submission, DataValue)
    return len(rows)


# Forms reported every period that no target is bound to: every expected unit reports,
# except that a few fall behind from the autumn of 2016 on (so that warnings show).
ROUTINE = ("class-size", "construction-progress", "measure-progress")
BEHIND_FROM = datetime.date(2016, 9, 1)


def _routine_rows(forms: dict[str, Form], rng: random.Random, until_year: int) -> list[Row]:
    rows: list[Row] = []
    for code in ROUTINE:
        form = forms.get(code)
        if form is None or form.current_version is None:
            continue
        definition = form_definition(form.current_version)
        for period in _periods(form.period_type, until_year):
            expected_reports_open(form=form, period_code=period.code)
            expected = ExpectedReport.objects.filter(form=form, period=period.code)
            for row in expected.select_related("org_unit").order_by("org_unit__code", "subject"):
                if period.end > BEHIND_FROM and rng.random() < 0.03:
                    continue
                values = demo_values(definition, rng)
                rows.append((form, row.org_unit, period.code, values, row.subject))
    return rows


def _open(units: Iterable[OrgUnit], period: Period) -> list[OrgUnit]:
    return [
        u
        for u in units
        if (u.opened_on is None or u.opened_on <= period.end)
        and (u.closed_on is None or u.closed_on >= period.start)
    ]


def _write(rows: list[Row], elements: dict[str, int], rng: random.Random) -> None:
    now = timezone.now()
    subs = []
    for form, unit, code, _values, *rest in rows:
        period = period_from_code(code)
        due = due_date(form, period)
        late = rng.random() < 0.08
        submitted = datetime.datetime.combine(
            due + datetime.timedelta(days=rng.randint(1, 20) if late else -rng.randint(0, 4)),
            datetime.time(10, 0),
            tzinfo=datetime.UTC,
        )
        submitted = min(submitted, now)
        subs.append(
            Submission(
                form=form,
                form_version=form.current_version,
                org_unit=unit,
                period=code,
                subject=rest[0] if rest else "",
                status=Status.APPROVED,
                revision=3,
                submitted_at=submitted,
                first_submitted_at=submitted,
                decided_at=submitted + datetime.timedelta(days=2),
            )
        )
    created = Submission.objects.bulk_create(subs, batch_size=2000)
    definitions = {
        f.pk: form_definition(f.current_version) for f in {r[0] for r in rows} if f.current_version
    }
    values = []
    for sub, (form, unit, code, data, *_rest) in zip(created, rows, strict=True):
        for key, value in data.items():
            # Through the same parsing as entered values (是/否, choices, text).
            number, text = parse_value(definitions[form.pk].element(key), value)
            values.append(
                DataValue(
                    submission=sub,
                    element_id=elements[key],
                    org_unit_id=unit.pk,
                    period=code,
                    number=number,
                    text=text,
                )
            )
    DataValue.objects.bulk_create(values, batch_size=5000)
