"""A small city shared by the org and access tests.

郑州 (root) ├ 基础教育处, 体卫艺处 (departments)
            ├ 金水区 ├ 金水一小 (Alice reports for it), 金水二小
            ├ 二七区 └ 二七一小 (Charlie reports for it)
            └ 局属一中 (bureau-run)
Bob administers 金水区, Dora 二七区; Lee leads the bureau, Sue works in the
supervision office, Dan in 基础教育处; Nobody has a role but no scope.

And `demo`: the demo city (the real plan, organisation, forms and bindings, 5% of the
schools) for the tests that need a whole world, built once per module and flushed after.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from eduplan.org.models import OrgUnit, Role, UnitType
from eduplan.org.tests.factories import OrgUnitFactory, user_with_role


@dataclass
class City:
    root: OrgUnit
    dept_basic: OrgUnit
    dept_sports: OrgUnit
    jinshui: OrgUnit
    erqi: OrgUnit
    jinshui_one: OrgUnit
    jinshui_two: OrgUnit
    erqi_one: OrgUnit
    bureau_school: OrgUnit
    users: dict[str, Any]


@pytest.fixture
def city(db: None) -> City:
    root = OrgUnitFactory(code="410100", name="郑州市教育局", type=UnitType.BUREAU)
    dept_basic = OrgUnitFactory(
        code="D-JC", name="基础教育处", type=UnitType.DEPARTMENT, parent=root
    )
    dept_sports = OrgUnitFactory(
        code="D-TWY", name="体卫艺处", type=UnitType.DEPARTMENT, parent=root
    )
    jinshui = OrgUnitFactory(code="410105", name="金水区", type=UnitType.DISTRICT, parent=root)
    erqi = OrgUnitFactory(code="410103", name="二七区", type=UnitType.DISTRICT, parent=root)
    jinshui_one = OrgUnitFactory(code="410105-P1", name="金水一小", parent=jinshui)
    jinshui_two = OrgUnitFactory(code="410105-P2", name="金水二小", parent=jinshui)
    erqi_one = OrgUnitFactory(code="410103-P1", name="二七一小", parent=erqi)
    bureau_school = OrgUnitFactory(
        code="410100-S1", name="局属一中", type=UnitType.SENIOR, parent=root
    )
    users = {
        "lee": user_with_role("lee", Role.LEADER, root),
        "sue": user_with_role("sue", Role.SUPERVISION, root),
        "dan": user_with_role("dan", Role.DEPARTMENT, root, department=dept_basic),
        "bob": user_with_role("bob", Role.DISTRICT_ADMIN, jinshui),
        "dora": user_with_role("dora", Role.DISTRICT_ADMIN, erqi),
        "alice": user_with_role("alice", Role.SCHOOL_REPORTER, jinshui_one),
        "charlie": user_with_role("charlie", Role.SCHOOL_REPORTER, erqi_one),
        "nobody": user_with_role("nobody", Role.LEADER, None),
    }
    return City(
        root,
        dept_basic,
        dept_sports,
        jinshui,
        erqi,
        jinshui_one,
        jinshui_two,
        erqi_one,
        bureau_school,
        users,
    )


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    from django.core.management import call_command

    from eduplan.demo.services import demo_setup

    with django_db_blocker.unblock():
        demo_setup(scale=0.05, seed=2016)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
