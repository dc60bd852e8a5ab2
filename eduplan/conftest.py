"""A small city shared by the org and access tests.

郑州 (root) ├ 基础教育处, 体卫艺处 (departments)
            ├ 金水区 ├ 金水一小 (Alice reports for it), 金水二小
            ├ 二七区 └ 二七一小 (Charlie reports for it)
            └ 局属一中 (bureau-run)
Bob administers 金水区, Dora 二七区; Lee leads the bureau, Sue works in the
supervision office, Dan in 基础教育处; Nobody has a role but no scope.

And `demo`: the demo city (the real plan, organisation, forms and bindings, 5% of the
schools) for the tests that need a whole world. It is built once per test process: the
tests that ask for it run last, one after another (`pytest_collection_modifyitems`),
each inside a transaction rolled back after it, so they share one committed city.
Should any other test come after them (a `-k` selection, a reordering plugin), the city
is flushed before that test and built again for the next one that asks for it; a
transactional test flushes the database after itself, so the city is rebuilt after one.
"""

from __future__ import annotations

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


DEMO_SCALE = 0.05
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_SEED = 2016


@dataclass
class DemoWorld:
    """The demo city in this test process's database, and whether it is there now."""

    blocker: Any  # pytest-django's django_db_blocker
    built: bool = False

    def build(self) -> None:
        if self.built:
            return
        from django.test import override_settings

        from eduplan.demo.services import demo_setup

        # Its accounts' passwords are hashed the way the tests check them (fast_hashing).
        with self.blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            demo_setup(scale=DEMO_SCALE, seed=DEMO_SEED)
        self.built = True

    def clear(self) -> None:
        if not self.built:
            return
        from django.core.management import call_command

        with self.blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
        self.built = False


WORLD = pytest.StashKey[DemoWorld]()


def uses_demo(item: pytest.Item) -> bool:
    return "demo" in getattr(item, "fixturenames", ())


def flushes_after(item: pytest.Item) -> bool:
    """A transactional test (a live server's, say) empties the database when it ends."""
    marker = item.get_closest_marker("django_db")
    marked = marker is not None and bool(
        marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
    )
    names = getattr(item, "fixturenames", ())
    return marked or "transactional_db" in names or "live_server" in names


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests on the demo city run last, the transactional ones (which flush it) at
    the very end; otherwise in the order collected. Each xdist worker receives its tests
    in this order, so each builds the city once."""
    items.sort(key=lambda item: (uses_demo(item), uses_demo(item) and flushes_after(item)))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of the test: the city is there for a test that asks for it and
    gone for one that does not (which may expect an empty database)."""
    world = item.config.stash.get(WORLD, None)
    if world is None:
        return
    if uses_demo(item):
        world.build()
    else:
        world.clear()


def pytest_runtest_teardown(item: pytest.Item) -> None:
    world = item.config.stash.get(WORLD, None)
    if world is not None and flushes_after(item):
        world.built = False


@pytest.fixture(scope="session")
def demo_world(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: Any,
) -> DemoWorld:
    world = DemoWorld(blocker=django_db_blocker)
    request.config.stash[WORLD] = world
    return world


@pytest.fixture(scope="module")
def demo(demo_world: DemoWorld) -> None:
    """The demo city, committed; a test changes it only inside its own transaction."""
    demo_world.build()
