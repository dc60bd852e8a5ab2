"""Every role against every action, inside and outside its scope."""

from __future__ import annotations

import pytest

from eduplan.org.access import ROLE_GRANTS, Action, can, scope_of
from eduplan.org.models import OrgUnit, Role
from eduplan.org.tests.factories import user_with_role

# (user, target unit) -> actions allowed. Everything not listed is refused.
EXPECTED: dict[tuple[str, str], set[Action]] = {
    # The leader reads the whole city and changes nothing.
    ("lee", "jinshui_one"): {Action.UNIT_VIEW},
    ("lee", "erqi"): {Action.UNIT_VIEW},
    ("lee", "root"): {Action.UNIT_VIEW},
    # The supervision office reads everything; it changes plans, not schools' data.
    ("sue", "jinshui_one"): {Action.UNIT_VIEW},
    ("sue", "root"): {Action.UNIT_VIEW},
    # Department staff read the city.
    ("dan", "jinshui_one"): {Action.UNIT_VIEW},
    ("dan", "root"): {Action.UNIT_VIEW},
    # Bob: his district and its schools, nothing else.
    ("bob", "jinshui"): {Action.UNIT_VIEW, Action.UNIT_DATA_CHANGE},
    ("bob", "jinshui_one"): {Action.UNIT_VIEW, Action.UNIT_DATA_CHANGE},
    ("bob", "jinshui_two"): {Action.UNIT_VIEW, Action.UNIT_DATA_CHANGE},
    ("bob", "erqi_one"): set(),
    ("bob", "erqi"): set(),
    ("bob", "root"): set(),
    ("bob", "bureau_school"): set(),
    # Alice: her school only.
    ("alice", "jinshui_one"): {Action.UNIT_VIEW, Action.UNIT_DATA_CHANGE},
    ("alice", "jinshui_two"): set(),
    ("alice", "jinshui"): set(),
    ("alice", "erqi_one"): set(),
    ("alice", "root"): set(),
    # Charlie: his school only.
    ("charlie", "erqi_one"): {Action.UNIT_VIEW, Action.UNIT_DATA_CHANGE},
    ("charlie", "jinshui_one"): set(),
    # A role without a scope sees nothing.
    ("nobody", "root"): set(),
    ("nobody", "jinshui_one"): set(),
}
# Department staff enter reports for their own department, nowhere else.
EXPECTED[("dan", "dept_basic")] = {Action.UNIT_VIEW, Action.REPORT_ENTER}
EXPECTED[("dan", "dept_sports")] = {Action.UNIT_VIEW}
EXPECTED[("bob", "dept_basic")] = set()
EXPECTED[("alice", "dept_basic")] = set()
UNIT_ACTIONS = [Action.UNIT_VIEW, Action.UNIT_DATA_CHANGE, Action.REPORT_VIEW, Action.REPORT_ENTER]
# Reading reports follows reading units; entering follows changing a unit's data.
SAME_AS = {Action.REPORT_VIEW: Action.UNIT_VIEW}


def _allowed(who: str, where: str, action: Action) -> bool:
    granted = EXPECTED[(who, where)]
    if action in SAME_AS:
        return SAME_AS[action] in granted
    if action is Action.REPORT_ENTER and who != "dan":
        return Action.UNIT_DATA_CHANGE in granted
    return action in granted


@pytest.mark.parametrize(("who", "where"), list(EXPECTED))
@pytest.mark.parametrize("action", UNIT_ACTIONS)
def test_unit_action_matrix(city, who, where, action):
    assert can(city.users[who], action, getattr(city, where)) is _allowed(who, where, action)


def test_every_role_appears_in_the_unit_matrix():
    roles = {
        "lee": Role.LEADER,
        "sue": Role.SUPERVISION,
        "dan": Role.DEPARTMENT,
        "bob": Role.DISTRICT_ADMIN,
        "alice": Role.SCHOOL_REPORTER,
    }
    assert set(roles.values()) == set(Role)
    assert {who for who, _where in EXPECTED} >= set(roles)


def test_every_action_is_granted_to_some_role_and_known_to_the_matrices():
    granted = set().union(*ROLE_GRANTS.values())
    assert granted == set(Action)
    # Plan actions: plans/tests/test_plan_access.py;
    # approval: reporting/tests/test_approval_matrix.py.
    # orders and the board: test_supervision_actions_belong_to_the_office_and_leaders;
    # league results: test_league_results_belong_to_the_organiser;
    # appraisal: appraisal/tests/test_access.py.
    # task reports: test_task_reports_belong_to_the_lead_unit below;
    # campus safety: test_safety_actions_follow_scope_and_round_organiser below.
    others = {
        Action.SAFETY_VIEW,
        Action.HAZARD_FIX,
        Action.SAFETY_INSPECT,
        Action.TASK_REPORT,
        Action.PLAN_VIEW,
        Action.PLAN_CHANGE,
        Action.REPORT_APPROVE,
        Action.ORDER_DECIDE,
        Action.BOARD_VIEW,
        Action.LEAGUE_RESULTS,
        Action.APPRAISAL_VIEW,
        Action.APPRAISAL_ADJUST,
    }
    assert set(UNIT_ACTIONS) | others == set(Action)


def test_anonymous_users_may_do_nothing(city):
    from django.contrib.auth.models import AnonymousUser

    for action in Action:
        assert not can(AnonymousUser(), action, city.root)


def test_a_user_without_membership_may_do_nothing(city):
    from eduplan.org.tests.factories import UserFactory

    stranger = UserFactory(username="stranger")
    for action in Action:
        assert not can(stranger, action, city.jinshui_one)


def test_a_users_scope_is_their_memberships_unit_and_none_without_one(city):
    from django.contrib.auth.models import AnonymousUser

    from eduplan.org.tests.factories import UserFactory

    assert scope_of(city.users["alice"]) == city.jinshui_one
    assert scope_of(city.users["bob"]) == city.jinshui
    assert scope_of(city.users["dan"]) == city.root  # reads the city, enters for 基础教育处
    assert scope_of(city.users["nobody"]) is None
    assert scope_of(UserFactory(username="stranger")) is None
    assert scope_of(AnonymousUser()) is None


@pytest.mark.parametrize("who", ["lee", "sue", "dan", "bob", "dora", "alice", "charlie", "nobody"])
def test_supervision_actions_belong_to_the_office_and_leaders(city, who):
    user = city.users[who]
    inside, outside = city.jinshui_one, city.erqi
    assert can(user, Action.ORDER_DECIDE, inside) is (who == "sue")
    assert can(user, Action.BOARD_VIEW, inside) is (who in {"sue", "lee"})
    assert can(user, Action.BOARD_VIEW, outside) is (who in {"sue", "lee"})


# Organiser -> who may record the results of a competition it runs. Sam works in
# 体卫艺处, which runs the city's league; Dan's department (基础教育处) runs none.
LEAGUE: dict[str, set[str]] = {
    "dept_sports": {"sam"},
    "dept_basic": {"dan"},
    "jinshui": {"bob"},
    "erqi": {"dora"},
    "root": set(),
    "jinshui_one": {"bob"},
}


@pytest.mark.parametrize("organiser", list(LEAGUE))
@pytest.mark.parametrize("who", ["lee", "sue", "dan", "sam", "bob", "dora", "alice", "nobody"])
def test_league_results_belong_to_the_organiser(city, organiser, who):
    city.users["sam"] = user_with_role("sam", Role.DEPARTMENT, city.root, city.dept_sports)
    unit = getattr(city, organiser)
    assert can(city.users[who], Action.LEAGUE_RESULTS, unit) is (who in LEAGUE[organiser])


# Lead unit -> who may report on its tasks and mark their milestones done: its own staff
# (a department's, a district's administrators) and the supervision office.
TASK_LEADS: dict[str, set[str]] = {
    "dept_basic": {"dan", "sue"},
    "dept_sports": {"sam", "sue"},
    "jinshui": {"bob", "sue"},
    "erqi": {"dora", "sue"},
}


@pytest.mark.parametrize("lead", list(TASK_LEADS))
@pytest.mark.parametrize("who", ["lee", "sue", "dan", "sam", "bob", "dora", "alice", "nobody"])
def test_task_reports_belong_to_the_lead_unit(city, lead, who):
    city.users["sam"] = user_with_role("sam", Role.DEPARTMENT, city.root, city.dept_sports)
    unit = getattr(city, lead)
    assert can(city.users[who], Action.TASK_REPORT, unit) is (who in TASK_LEADS[lead])


class _Unorganised:
    """A target that belongs to no area (a competition without organiser)."""

    @property
    def scope_unit(self) -> OrgUnit | None:
        return None


@pytest.mark.parametrize("who", ["lee", "sue", "dan", "bob", "alice", "nobody"])
def test_a_target_of_no_area_is_refused_to_every_role(city, who):
    for action in Action:
        assert not can(city.users[who], action, _Unorganised())


# Campus safety. Reading a unit's inspections and hazards follows the scope (every role);
# reporting a fix is the school's side (its reporter, its district); inspecting and
# verifying fixes belong to the round's organiser: Ann of 安全稳定工作处 for the city's
# rounds, a district's administrators for their district's (Dan's department runs none
# of the city's safety rounds, so only rounds it organised itself).
SAFETY_VIEW = {
    "jinshui_one": {"lee", "sue", "dan", "ann", "bob", "alice"},
    "erqi_one": {"lee", "sue", "dan", "ann", "dora", "charlie"},
    "jinshui": {"lee", "sue", "dan", "ann", "bob"},
    "bureau_school": {"lee", "sue", "dan", "ann"},
}
HAZARD_FIX = {
    "jinshui_one": {"bob", "alice"},
    "erqi_one": {"dora", "charlie"},
    "jinshui": {"bob"},
    "bureau_school": set(),
}
SAFETY_INSPECT = {  # organiser of the round -> who inspects in it
    "dept_safety": {"ann"},
    "dept_basic": {"dan"},
    "jinshui": {"bob"},
    "erqi": {"dora"},
    "root": set(),
}
SAFETY_PEOPLE = ["lee", "sue", "dan", "ann", "bob", "dora", "alice", "charlie", "nobody"]


@pytest.mark.parametrize("who", SAFETY_PEOPLE)
def test_safety_actions_follow_scope_and_round_organiser(city, who):
    from eduplan.org.models import UnitType
    from eduplan.org.tests.factories import OrgUnitFactory

    city.dept_safety = OrgUnitFactory(
        code="D-AQ", name="安全稳定工作处", type=UnitType.DEPARTMENT, parent=city.root
    )
    city.users["ann"] = user_with_role("ann", Role.DEPARTMENT, city.root, city.dept_safety)
    user = city.users[who]
    for where, allowed in SAFETY_VIEW.items():
        assert can(user, Action.SAFETY_VIEW, getattr(city, where)) is (who in allowed), where
    for where, allowed in HAZARD_FIX.items():
        assert can(user, Action.HAZARD_FIX, getattr(city, where)) is (who in allowed), where
    for where, allowed in SAFETY_INSPECT.items():
        unit = getattr(city, where)
        assert can(user, Action.SAFETY_INSPECT, unit) is (who in allowed), where
