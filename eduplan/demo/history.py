"""Reports for 2015–2018 for the demo city: approved submissions of the plan's forms, so
that figures, trajectories and statuses show a realistic mix from the first start.

Each school or kindergarten gets a moment at which it adopts something (becomes a
football characteristic school, opens a digital campus, is certified 普惠); the counts
follow the plan's targets times a performance factor per figure — most figures keep pace,
some lag, a few fall well behind. The routine reports (class sizes, construction,
progress on measures) and the ICT form's class count are read off the city's one
simulated truth (`world.py`: the class census, each district's building programme, each
measure's pace), so every page tells the same story; `eduplan demo check` verifies it.
Deterministic for a seed. Written in bulk (not through the services: this is history,
not entry), with expected reports, so completeness is real.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from eduplan.construction.selectors import class_census_by_school
from eduplan.core.db import statistics_refresh
from eduplan.core.figures_cache import figures_changed
from eduplan.core.periods import Period, period_from_code, periods_between
from eduplan.demo.generator import DISTRICT_PACE, DISTRICT_WEIGHTS
from eduplan.demo.world import (
    EXTENSIONS_AT_SCALE_ONE,
    NEW_SCHOOL_YEARS,
    BuildProject,
    NewSchool,
    census_year_of,
    class_size_values,
    district_programme,
    measure_pace,
    measure_values,
    programme_values,
    vocational_classes,
)
from eduplan.org.models import OrgUnit, Ownership, UnitType
from eduplan.plans.models import Measure, Task
from eduplan.reporting.models import (
    DataElement,
    DataValue,
    ExpectedReport,
    Form,
    Status,
    Submission,
)
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

    units: str  # who adopts: a key of the pools history_load draws from
    before: float  # share of units adopted before 2016
    by_year: dict[int, float]  # year -> count reached, as a share of the goal
    goal: float


# What schools and kindergartens adopt, in the order the seeded draws are made.
ADOPTIONS: dict[str, Adoption] = {
    # 校园足球特色学校 (football form's fb_characteristic)
    "characteristic": Adoption("schools", 0.02, {2016: 0.49, 2017: 0.75, 2018: 1.0}, 200),
    # the ICT form's campus flags
    "digital": Adoption("schools", 0.06, {2016: 1.1, 2017: 2.0, 2018: 3.0}, 23),
    "smart": Adoption("schools", 0.02, {2016: 0.8, 2017: 2.0, 2018: 3.0}, 17),
    "network": Adoption("schools", 0.10, {2016: 1.05, 2017: 2.0, 2018: 3.0}, 15),
    "card": Adoption("schools", 0.03, {2016: 1.0, 2017: 2.0, 2018: 3.0}, 5),
    "tv": Adoption("schools", 0.01, {2016: 1.0, 2017: 2.0, 2018: 3.0}, 3),
    # private kindergartens certified 普惠
    "certified": Adoption("private kindergartens", 0.30, {2016: 0.9, 2017: 3.0, 2018: 6.0}, 20),
}
# The ICT form's yes/no elements, each read off one adoption.
ICT_ADOPTIONS = {
    "ict_digital_campus": "digital",
    "ict_smart_campus": "smart",
    "ict_network_upgraded": "network",
    "ict_campus_card": "card",
    "ict_tv_station": "tv",
}


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


def _adopted(
    rng: random.Random, schools: list[OrgUnit], kindergartens: list[OrgUnit], *, scale: float
) -> dict[str, dict[int, datetime.date | None]]:
    pools = {
        "schools": schools,
        "private kindergartens": [k for k in kindergartens if k.ownership == Ownership.PRIVATE],
    }
    return {
        key: adoption_dates(rng, pools[spec.units], spec, scale=scale)
        for key, spec in ADOPTIONS.items()
    }


def certified_dates(*, scale: float, seed: int) -> dict[int, datetime.date | None]:
    """The day each private kindergarten is certified 普惠 (None: not by 2018): the same
    draw `history_load` reads its reports off, so the register and the reports agree."""
    rng = random.Random(seed * 7 + 1)
    schools = list(OrgUnit.objects.filter(type__in=SCHOOLS).order_by("code"))
    kindergartens = list(OrgUnit.objects.filter(type=UnitType.KINDERGARTEN).order_by("code"))
    return _adopted(rng, schools, kindergartens, scale=scale)["certified"]


def kindergarten_children(unit: OrgUnit, period: Period) -> int:
    """A kindergarten's children in a term (growing 3% a year from its base)."""
    years = max(0.0, (period.end - datetime.date(2015, 12, 31)).days / 365)
    return int(int(unit.attributes.get("children", 200)) * (1 + 0.03 * years))


def _periods(kind: str, last_year: int) -> list[Period]:
    first = period_from_code(FIRST[kind])
    last = period_from_code(LAST[kind].replace("2016", str(last_year)))
    return periods_between(first, last)


@dataclass(frozen=True)
class _City:
    """What the history's reports are drawn from: the units, who adopted what and when,
    each school's keenness and the class census (the truth for classes)."""

    rng: random.Random
    until_year: int
    schools: list[OrgUnit]
    kindergartens: list[OrgUnit]
    districts: list[OrgUnit]
    adopted: dict[str, dict[int, datetime.date | None]]  # ADOPTIONS key -> unit -> day
    keenness: dict[int, float]  # by school
    census: dict[tuple[int, int], dict[str, Any]]

    def active(self, adoption: str, unit: OrgUnit, day: datetime.date) -> bool:
        when = self.adopted[adoption].get(unit.pk)
        return when is not None and when <= day


def history_load(*, scale: float, seed: int, until_year: int = 2018) -> int:
    """Write the history; returns the number of submissions written."""
    rng = random.Random(seed * 7 + 1)
    forms = {f.code: f for f in Form.objects.select_related("current_version")}
    elements = dict(DataElement.objects.values_list("code", "pk"))
    schools = list(OrgUnit.objects.filter(type__in=SCHOOLS).order_by("code"))
    kindergartens = list(OrgUnit.objects.filter(type=UnitType.KINDERGARTEN).order_by("code"))
    districts = list(OrgUnit.objects.filter(type=UnitType.DISTRICT).order_by("code"))
    adopted = _adopted(rng, schools, kindergartens, scale=scale)
    city = _City(
        rng=rng,
        until_year=until_year,
        schools=schools,
        kindergartens=kindergartens,
        districts=districts,
        adopted=adopted,
        keenness={u.pk: rng.random() for u in schools},  # each school's own keenness
        census=class_census_by_school(),  # the truth for classes (world.py)
    )
    rows: list[Row] = []
    for code, rows_of in (
        ("football-activity", _football_rows),
        ("ict-status", _ict_rows),
        ("kindergarten-status", _kindergarten_rows),
        ("preschool-population", _population_rows),
    ):
        form = forms.get(code)
        if form:
            rows += rows_of(form, city)
    with transaction.atomic():
        for form in {r[0] for r in rows}:
            for period_code in sorted({r[2] for r in rows if r[0] is form}):
                expected_reports_open(form=form, period_code=period_code)
        truth = _Truth(
            census=city.census,
            programmes=_programmes(districts, city.census, scale=scale, seed=seed),
            seed=seed,
        )
        rows += _routine_rows(forms, rng, until_year, truth)
        _write(rows, elements, rng)
        figures_changed()
        statistics_refresh(ExpectedReport, Submission, DataValue)
    return len(rows)


def _football_rows(form: Form, city: _City) -> list[Row]:
    """Lessons, class matches, teams and players per school and bimonthly period, more
    in characteristic schools and growing over the plan's years."""
    rows: list[Row] = []
    for period in _periods("bimonthly", city.until_year):
        progress = (period.end - datetime.date(2016, 1, 1)).days / 1095
        for unit in _open(city.schools, period):
            if period.end > BEHIND_FROM and city.rng.random() < 0.03:
                continue  # a few schools fall behind with their reports
            keen = city.keenness[unit.pk]
            is_char = city.active("characteristic", unit, period.end)
            teams = (1 + (keen > 0.8)) if is_char else int(keen > 0.93)
            players = int((120 if is_char else 25) * (0.6 + keen) * (0.7 + 0.5 * progress))
            values = {
                "fb_weekly_lessons": 1 if keen > 0.04 else 0,
                "fb_class_matches": int((6 if is_char else 2) * (0.5 + keen)),
                "fb_teams": teams,
                "fb_players": players,
                "fb_characteristic": int(is_char),
            }
            rows.append((form, unit, period.code, values))
    return rows


def _ict_rows(form: Form, city: _City) -> list[Row]:
    """Per school and term: the census's classes (vocational schools: their own count),
    the share upgraded (never falling), the campus flags adopted and the bandwidth."""
    vocational = list(OrgUnit.objects.filter(type=UnitType.VOCATIONAL).order_by("code"))
    rows: list[Row] = []
    upgraded: dict[int, int] = {}
    for period in _periods("term", city.until_year):
        share = min(
            0.95, 0.22 + 0.22 * max(0.0, (period.end - datetime.date(2016, 1, 1)).days / 365)
        )
        for unit in _open(city.schools + vocational, period):
            keen = city.keenness.get(unit.pk, 0.5)
            # The classes the census counts (vocational schools: their own number).
            if unit.type == UnitType.VOCATIONAL:
                classes = vocational_classes(unit.attributes)
            elif (unit.pk, census_year_of(period)) in city.census:
                classes = city.census[(unit.pk, census_year_of(period))]["classes"]
            else:
                continue  # no census, no classes to report on
            # Upgraded classes stay upgraded (all of them, if the school shrank).
            upgraded[unit.pk] = min(
                classes,
                max(upgraded.get(unit.pk, 0), round(classes * share * (0.7 + 0.6 * keen))),
            )
            values = {
                "ict_classes": classes,
                "ict_upgraded": upgraded[unit.pk],
                **{
                    element: int(city.active(adoption, unit, period.end))
                    for element, adoption in ICT_ADOPTIONS.items()
                },
                "ict_bandwidth": 100 if keen > 0.5 else 50,
            }
            rows.append((form, unit, period.code, values))
    return rows


def _kindergarten_rows(form: Form, city: _City) -> list[Row]:
    """Children (growing 3% a year), classes and teachers per kindergarten and term; 普惠
    if public or once certified."""
    rows: list[Row] = []
    for period in _periods("term", city.until_year):
        for unit in _open(city.kindergartens, period):
            children = kindergarten_children(unit, period)
            # Public kindergartens are 普惠; private ones once certified.
            inclusive = unit.ownership == Ownership.PUBLIC or city.active(
                "certified", unit, period.end
            )
            values = {
                "kg_children": children,
                "kg_classes": max(3, children // 30),
                "kg_teachers": max(6, children // 15),
                "kg_inclusive": int(inclusive),
            }
            rows.append((form, unit, period.code, values))
    return rows


def _population_rows(form: Form, city: _City) -> list[Row]:
    """Children aged 3–5 per district and year, from its kindergartens' children and an
    enrolment rate rising from ~84% (2015) to ~93% (2018)."""
    rows: list[Row] = []
    kids = {d.pk: 0 for d in city.districts}
    for unit in city.kindergartens:
        for d in city.districts:
            if unit.path.startswith(d.path):
                kids[d.pk] += int(unit.attributes.get("children", 200))
    for period in _periods("yearly", city.until_year):
        for d in city.districts:
            rate = 0.84 + 0.03 * (int(period.code) - 2015) + city.rng.uniform(-0.04, 0.03)
            children = int(kids[d.pk] * (1 + 0.03 * (int(period.code) - 2015)) / rate)
            rows.append((form, d, period.code, {"pop_3_5": children}))
    return rows


# Forms reported every period that no target is bound to: every expected unit reports,
# except that a few fall behind from the autumn of 2016 on (so that warnings show).
ROUTINE = ("class-size", "construction-progress", "measure-progress")
BEHIND_FROM = datetime.date(2016, 9, 1)


@dataclass(frozen=True)
class _Truth:
    """What the routine reports are read from (world.py)."""

    census: dict[tuple[int, int], dict[str, Any]]
    programmes: dict[int, list[BuildProject]]  # by district id
    seed: int


def building_programmes(*, scale: float, seed: int) -> dict[int, list[BuildProject]]:
    """Each district's building programme as the construction reports count it (the
    school-projects ledger lists the same projects, so that the two agree)."""
    districts = list(OrgUnit.objects.filter(type=UnitType.DISTRICT).order_by("code"))
    return _programmes(districts, class_census_by_school(), scale=scale, seed=seed)


def _programmes(
    districts: list[OrgUnit],
    census: dict[tuple[int, int], dict[str, Any]],
    *,
    scale: float,
    seed: int,
) -> dict[int, list[BuildProject]]:
    """Each district's building programme, from the schools the generator opens in it."""
    opening = OrgUnit.objects.filter(
        type__in=SCHOOLS,
        opened_on__gte=datetime.date(min(NEW_SCHOOL_YEARS), 1, 1),
        opened_on__lte=datetime.date(max(NEW_SCHOOL_YEARS), 12, 31),
    ).only("pk", "path", "type", "opened_on")
    new: dict[int, list[NewSchool]] = {d.pk: [] for d in districts}
    for school in opening:
        district = next((d for d in districts if school.path.startswith(d.path)), None)
        first = census.get((school.pk, school.opened_on.year)) if school.opened_on else None
        if district is None or first is None or school.opened_on is None:
            continue
        new[district.pk].append(NewSchool(school.opened_on, school.type, first["classes"]))
    default_weight = 1 / max(1, len(districts))
    return {
        d.pk: district_programme(
            rng=random.Random(f"{seed}:construction:{d.code}"),
            new_schools=new[d.pk],
            extensions=round(
                DISTRICT_WEIGHTS.get(d.code, default_weight) * EXTENSIONS_AT_SCALE_ONE * scale
            ),
            lagging=DISTRICT_PACE.get(d.code, 1.0) < 1,
        )
        for d in districts
    }


def _routine_rows(
    forms: dict[str, Form], rng: random.Random, until_year: int, truth: _Truth
) -> list[Row]:
    rows: list[Row] = []
    for code in ROUTINE:
        form = forms.get(code)
        if form is None or form.current_version is None:
            continue
        for period in _periods(form.period_type, until_year):
            expected_reports_open(form=form, period_code=period.code)
            expected = list(
                ExpectedReport.objects.filter(form=form, period=period.code)
                .select_related("org_unit")
                .order_by("org_unit__code", "subject")
            )
            measures = _measures([row.subject for row in expected])
            for row in expected:
                if period.end > BEHIND_FROM and rng.random() < 0.03:
                    continue
                values = _routine_values(code, row, period, truth, measures)
                if values is not None:
                    rows.append((form, row.org_unit, period.code, values, row.subject))
    return rows


def _measures(subjects: list[str]) -> dict[str, tuple[int, int, str]]:
    """For each progress subject: the first and last year its work spans (a measure's,
    the plan's; a task's, its own year), and a name that stays the same in any database
    (plan, project and measure number; plan, place and task number)."""
    ids: dict[str, set[int]] = {"measure": set(), "task": set()}
    for subject in subjects:
        kind, _sep, pk = subject.partition(":")
        if kind in ids:
            ids[kind].add(int(pk))
    rows = Measure.objects.filter(pk__in=ids["measure"]).values_list(
        "pk",
        "project__plan__start_year",
        "project__plan__end_year",
        "project__plan__code",
        "project__number",
        "number",
    )
    found = {
        f"measure:{pk}": (start, end, f"{plan}:{project}.{number}")
        for pk, start, end, plan, project, number in rows
    }
    for task in Task.objects.filter(pk__in=ids["task"]).select_related(
        "plan", "measure__project", "work_point"
    ):
        name = f"{task.plan.code}:{task.place}:{task.number}"
        found[f"task:{task.pk}"] = (task.year, task.year, name)
    return found


def _routine_values(
    code: str,
    row: ExpectedReport,
    period: Period,
    truth: _Truth,
    measures: dict[str, tuple[int, int, str]],
) -> dict[str, Any] | None:
    """One routine report read off the truth (None: there is nothing true to report)."""
    if code == "class-size":
        census = truth.census.get((row.org_unit_id, census_year_of(period)))
        return class_size_values(census) if census else None
    if code == "construction-progress":
        return programme_values(truth.programmes.get(row.org_unit_id, []), period.end)
    if code == "measure-progress" and row.subject in measures:
        start, end, name = measures[row.subject]
        # One pace per department and measure, whatever the order of the rows.
        pace = measure_pace(random.Random(f"{truth.seed}:measure:{row.org_unit.code}:{name}"))
        return measure_values(pace, period.end, start_year=start, end_year=end)
    return None


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
