"""High schools with three cohorts of simulated pupils in the small city of
eduplan/conftest.py: ten high schools (局属一中 and nine more, in both districts), the
first of them with a cohort below the minimum in 2018. Hugh is 局属一中's own account,
Sam works in 体卫艺处 (not the designated department), Dan in 基础教育处 (designated)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from eduplan.org.models import OrgUnit, Role, UnitType
from eduplan.org.tests.factories import OrgUnitFactory, user_with_role
from eduplan.valueadded.demo import valueadded_demo_seed


@dataclass
class HighSchools:
    city: Any
    schools: list[OrgUnit]  # by code
    users: dict[str, Any]


@pytest.fixture
def high(city, settings) -> HighSchools:
    settings.EDUPLAN_VALUEADDED_DEPARTMENTS = [city.dept_basic.code]
    settings.EDUPLAN_VALUEADDED_MIN_PUPILS = 30
    for k in range(9):
        parent = city.jinshui if k % 2 else city.erqi
        OrgUnitFactory(
            code=f"{parent.code}-H{k + 1}",
            name=f"高中{k + 1}",
            type=UnitType.COMPLETE if k == 4 else UnitType.SENIOR,
            parent=parent,
        )
    valueadded_demo_seed(seed=5)
    users = dict(city.users)
    users["sam"] = user_with_role("sam", Role.DEPARTMENT, city.root, city.dept_sports)
    users["hugh"] = user_with_role("hugh", Role.SCHOOL_REPORTER, city.bureau_school)
    schools = list(OrgUnit.objects.filter(type__in=["senior", "complete"]).order_by("code"))
    return HighSchools(city, schools, users)
