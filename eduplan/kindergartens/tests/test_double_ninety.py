"""双90% of a district equals the counts it is made from, over random registers."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplan.core.figures_cache import figures_changed
from eduplan.kindergartens.models import Certification, Enrolment, Kindergarten, Ownership
from eduplan.kindergartens.selectors import (
    DOUBLE_NINETY,
    double_ninety,
    double_ninety_by_district,
)
from eduplan.kindergartens.tests.conftest import population_store
from eduplan.org.models import UnitType
from eduplan.org.services import UnitSpec, org_units_create

YEAR = 2016
COUNTED = datetime.date(YEAR, 9, 1)
_runs = itertools.count()
# Where a private kindergarten's certification lies against the count day.
CERTIFICATIONS = ["none", "in_force", "ended_before", "starts_after", "ended_after"]

kindergartens = st.fixed_dictionaries(
    {
        "ownership": st.sampled_from([o.value for o in Ownership]),
        "certification": st.sampled_from(CERTIFICATIONS),
        "ages": st.tuples(*(st.integers(min_value=0, max_value=300) for _ in range(3))),
        "last_year_too": st.booleans(),
    }
)
registers = st.lists(
    st.fixed_dictionaries(
        {
            "kindergartens": st.lists(kindergartens, max_size=6),
            "population": st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
        }
    ),
    min_size=1,
    max_size=4,
)


def _certify(kg: Kindergarten, where: str) -> None:
    spans = {
        "in_force": (datetime.date(2015, 3, 1), None),
        "ended_before": (datetime.date(2014, 3, 1), datetime.date(2016, 8, 31)),
        "starts_after": (datetime.date(2016, 9, 2), None),
        "ended_after": (datetime.date(2015, 3, 1), datetime.date(2016, 9, 1)),
    }
    if where in spans:
        start, end = spans[where]
        Certification.objects.create(kindergarten=kg, certified_on=start, ended_on=end)


def _is_inclusive(spec: dict) -> bool:
    if spec["ownership"] != Ownership.PRIVATE:
        return True
    return spec["certification"] in {"in_force", "ended_after"}


def _build(city, form, version, districts: list[dict]) -> list:
    run = next(_runs)
    specs = [UnitSpec(f"R{run}", f"市{run}", UnitType.BUREAU, None)]
    for d, district in enumerate(districts):
        specs.append(UnitSpec(f"R{run}D{d}", f"区{d}", UnitType.DISTRICT, f"R{run}"))
        for k in range(len(district["kindergartens"])):
            specs.append(
                UnitSpec(f"R{run}D{d}K{k}", f"园{d}-{k}", UnitType.KINDERGARTEN, f"R{run}D{d}")
            )
    units = {u.code: u for u in org_units_create(specs=specs)}
    for d, district in enumerate(districts):
        if district["population"] is not None:
            population_store(form, version, units[f"R{run}D{d}"], YEAR, district["population"])
        for k, spec in enumerate(district["kindergartens"]):
            unit = units[f"R{run}D{d}K{k}"]
            kg = Kindergarten.objects.create(
                unit=unit, unit_path=unit.path, ownership=spec["ownership"]
            )
            _certify(kg, spec["certification"])
            a3, a4, a5 = spec["ages"]
            Enrolment.objects.create(
                kindergarten=kg,
                unit_path=unit.path,
                year=YEAR,
                counted_on=COUNTED,
                classes=3,
                children_3=a3,
                children_4=a4,
                children_5=a5,
            )
            if spec["last_year_too"]:  # an older count never adds to this year's
                Enrolment.objects.create(
                    kindergarten=kg,
                    unit_path=unit.path,
                    year=YEAR - 1,
                    counted_on=datetime.date(YEAR - 1, 9, 1),
                    classes=3,
                    children_3=a3 + 7,
                    children_4=a4,
                    children_5=a5,
                )
    figures_changed()
    return [units[f"R{run}"]] + [units[f"R{run}D{d}"] for d in range(len(districts))]


def _expected(district: dict) -> tuple[int, int]:
    children = sum(sum(s["ages"]) for s in district["kindergartens"])
    inclusive = sum(sum(s["ages"]) for s in district["kindergartens"] if _is_inclusive(s))
    return children, inclusive


def _percent(top: int, bottom: int | None) -> Decimal | None:
    return None if not bottom else Decimal(100) * top / bottom


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(districts=registers)
def test_a_districts_double_ninety_equals_its_counts(city, population_form, districts):
    form, version = population_form
    city_unit, *district_units = _build(city, form, version, districts)
    rows = {r.unit.code: r for r in double_ninety_by_district(city=city_unit, year=YEAR)}
    for unit, district in zip(district_units, districts, strict=True):
        children, inclusive = _expected(district)
        population = district["population"]
        for rates in (rows.get(unit.code), double_ninety(unit=unit, year=YEAR)):
            assert rates is not None
            if district["kindergartens"]:
                assert rates.children == children
                assert rates.gross == _percent(children, population)
            if children:
                assert rates.inclusive_children == inclusive
                assert rates.inclusive == _percent(inclusive, children)
            else:
                assert rates.inclusive is None
            assert rates.reaches_both is (
                rates.gross is not None
                and rates.inclusive is not None
                and rates.gross >= DOUBLE_NINETY
                and rates.inclusive >= DOUBLE_NINETY
            )
    total_children = sum(_expected(d)[0] for d in districts)
    total_inclusive = sum(_expected(d)[1] for d in districts)
    whole = double_ninety(unit=city_unit, year=YEAR)
    assert whole.inclusive == _percent(total_inclusive, total_children)
    reported = [d["population"] for d in districts if d["population"] is not None]
    assert whole.population == (sum(reported) if reported else None)


def test_a_district_at_ninety_and_ninety_reaches_both(city, population_form):
    form, version = population_form
    _city, district = _build(
        city,
        form,
        version,
        [
            {
                "kindergartens": [
                    {
                        "ownership": "public",
                        "certification": "none",
                        "ages": (30, 30, 30),
                        "last_year_too": False,
                    },
                    {
                        "ownership": "private",
                        "certification": "none",
                        "ages": (4, 3, 3),
                        "last_year_too": False,
                    },
                ],
                "population": 111,
            }
        ],
    )
    rates = double_ninety(unit=district, year=YEAR)
    assert (rates.children, rates.inclusive_children, rates.population) == (100, 90, 111)
    assert rates.inclusive == Decimal(90)
    assert rates.gross is not None and rates.gross > Decimal(90)
    assert rates.reaches_both
