"""The kindergartens' test city: the shared city plus 学前教育处 (Xue works in it), two
Jinshui kindergartens (Kim reports for the first), one in Erqi, the population form and
the ledger kindergarten_grading."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from eduplan.core.loading import yaml_file_load
from eduplan.kindergartens.models import Grade, Kindergarten, Ownership
from eduplan.ledgers.services import LEDGERS_DIR, ledger_data_load
from eduplan.org.models import OrgUnit, Role, UnitType
from eduplan.org.tests.factories import OrgUnitFactory, user_with_role
from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.models import DataElement, DataValue, Submission
from eduplan.reporting.services import form_load

POPULATION_FORM = {
    "code": "preschool-population",
    "name": "学前三年适龄儿童人口统计表",
    "period_type": "yearly",
    "due_days": 31,
    "owner": "D-JC",
    "assigned_types": ["district"],
    "elements": [{"code": "pop_3_5", "name": "3—5岁常住适龄儿童", "type": "integer", "min": 0}],
}


@dataclass
class KgCity:
    city: Any
    dept: OrgUnit
    jinshui_kg1: Kindergarten
    jinshui_kg2: Kindergarten
    erqi_kg: Kindergarten
    users: dict[str, Any]


def register_entry(
    unit: OrgUnit, *, ownership: str = Ownership.PRIVATE, grade: str = ""
) -> Kindergarten:
    return Kindergarten.objects.create(
        unit=unit,
        unit_path=unit.path,
        ownership=ownership,
        grade=grade,
        graded_on=datetime.date(2014, 6, 1) if grade else None,
        fee_monthly=Decimal("800"),
        hotline="12358",
    )


@pytest.fixture
def kg(city) -> KgCity:
    dept = OrgUnitFactory(
        code="DEPT-XQJY", name="学前教育处", type=UnitType.DEPARTMENT, parent=city.root
    )
    units = [
        OrgUnitFactory(code=code, name=name, type=UnitType.KINDERGARTEN, parent=parent)
        for code, name, parent in (
            ("410105-K1", "金水一幼", city.jinshui),
            ("410105-K2", "金水二幼", city.jinshui),
            ("410103-K1", "二七一幼", city.erqi),
        )
    ]
    kgs = [register_entry(u, grade=Grade.SECOND) for u in units]
    users = dict(city.users)
    users["xue"] = user_with_role("xue", Role.DEPARTMENT, city.root, department=dept)
    users["kim"] = user_with_role("kim", Role.SCHOOL_REPORTER, units[0])
    ledger_data_load(
        data=yaml_file_load(path=LEDGERS_DIR / "kindergarten_grading.yaml"), source="t"
    )
    return KgCity(city, dept, kgs[0], kgs[1], kgs[2], users)


@pytest.fixture
def population_form(city):
    form, version, _ = form_load(definition=definition_from_data(POPULATION_FORM, source="t"))
    return form, version


def population_store(form: Any, version: Any, unit: OrgUnit, year: int, children: int) -> None:
    """An approved population report of `unit` for `year`."""
    sub = Submission.objects.create(
        form=form, form_version=version, org_unit=unit, period=str(year), status="approved"
    )
    DataValue.objects.create(
        submission=sub,
        element=DataElement.objects.get(code="pop_3_5"),
        org_unit=unit,
        period=str(year),
        number=children,
    )


@pytest.fixture(autouse=True)
def english_messages():
    """Services' refusals read in English here (the pages' own language is per request), so
    that a page test run before leaves no Chinese behind for the tests after it."""
    from django.utils import translation

    with translation.override("en"):
        yield
