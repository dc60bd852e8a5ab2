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
    # value-added: test_value_added_is_seen_by_its_school_leaders_and_its_department.
    # teachers' personal fields and credits: teachers/tests/test_access.py and below.
    # kindergartens' workflows: test_preschool_steps_belong_to_… below (and step by step
    # in kindergartens/tests/test_workflow_matrix.py).
    # campus safety: test_safety_actions_follow_scope_and_round_organiser below.
    others = {
        Action.TEACHER_PERSONAL,
        Action.TEACHER_CREDITS,
        Action.PRESCHOOL_APPLY,
        Action.PRESCHOOL_DISTRICT_REVIEW,
        Action.PRESCHOOL_CITY_DECIDE,
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
        Action.VALUEADDED_VIEW,
        Action.VALUEADDED_IMPORT,
        # petitions: test_petition_actions_follow_the_case_and_the_petitions_office below.
        Action.PETITION_VIEW,
        Action.PETITION_HANDLE,
        Action.PETITION_PERSONAL,
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


# Target -> action -> who. A kindergarten applies (its reporter, or its district for it),
# its district reviews on site; the preschool department (Xue's) takes the city's steps,
# which are checked on the department itself (a department's staff act for their own).
PRESCHOOL: dict[str, dict[Action, set[str]]] = {
    "jinshui_one": {
        Action.PRESCHOOL_APPLY: {"bob", "alice"},
        Action.PRESCHOOL_DISTRICT_REVIEW: {"bob"},
        Action.PRESCHOOL_CITY_DECIDE: set(),
    },
    "erqi_one": {
        Action.PRESCHOOL_APPLY: {"dora", "charlie"},
        Action.PRESCHOOL_DISTRICT_REVIEW: {"dora"},
        Action.PRESCHOOL_CITY_DECIDE: set(),
    },
    "dept_preschool": {
        Action.PRESCHOOL_APPLY: set(),
        Action.PRESCHOOL_DISTRICT_REVIEW: set(),
        Action.PRESCHOOL_CITY_DECIDE: {"xue"},
    },
    "root": {
        Action.PRESCHOOL_APPLY: set(),
        Action.PRESCHOOL_DISTRICT_REVIEW: set(),
        Action.PRESCHOOL_CITY_DECIDE: set(),
    },
}


@pytest.mark.parametrize("target", list(PRESCHOOL))
@pytest.mark.parametrize(
    "who", ["lee", "sue", "dan", "xue", "bob", "dora", "alice", "charlie", "nobody"]
)
def test_preschool_steps_belong_to_the_kindergarten_its_district_and_the_department(
    city, target, who
):
    from eduplan.org.models import UnitType
    from eduplan.org.tests.factories import OrgUnitFactory

    dept = OrgUnitFactory(
        code="DEPT-XQJY", name="学前教育处", type=UnitType.DEPARTMENT, parent=city.root
    )
    city.users["xue"] = user_with_role("xue", Role.DEPARTMENT, city.root, dept)
    unit = dept if target == "dept_preschool" else getattr(city, target)
    for action, allowed in PRESCHOOL[target].items():
        assert can(city.users[who], action, unit) is (who in allowed), action


class _Unorganised:
    """A target that belongs to no area (a competition without organiser)."""

    @property
    def scope_unit(self) -> OrgUnit | None:
        return None


@pytest.mark.parametrize("who", ["lee", "sue", "dan", "bob", "alice", "nobody"])
def test_a_target_of_no_area_is_refused_to_every_role(city, who):
    for action in Action:
        assert not can(city.users[who], action, _Unorganised())


class _Designating:
    """A target in `unit` that names the departments which may act on it (value-added
    figures name the quality department of the setting)."""

    def __init__(self, unit: OrgUnit, codes: frozenset[str]) -> None:
        self.unit, self.codes = unit, codes

    @property
    def scope_unit(self) -> OrgUnit | None:
        return self.unit

    def designated_department_codes(self) -> frozenset[str]:
        return self.codes


# Unit -> who may see its value-added figures: the school's own account, the leaders and
# the designated department (Dan's 基础教育处), not Sam's 体卫艺处, not the supervision
# office, not a district; and who may import records (the designated department).
VALUEADDED_VIEW: dict[str, set[str]] = {
    "root": {"lee", "dan"},
    "bureau_school": {"lee", "dan", "hugh"},
    "jinshui_one": {"lee", "dan", "alice"},
    "erqi_one": {"lee", "dan", "charlie"},
}


@pytest.mark.parametrize("where", list(VALUEADDED_VIEW))
@pytest.mark.parametrize(
    "who", ["lee", "sue", "dan", "sam", "bob", "dora", "alice", "charlie", "hugh", "nobody"]
)
def test_value_added_is_seen_by_its_school_leaders_and_its_department(city, where, who):
    city.users["sam"] = user_with_role("sam", Role.DEPARTMENT, city.root, city.dept_sports)
    city.users["hugh"] = user_with_role("hugh", Role.SCHOOL_REPORTER, city.bureau_school)
    target = _Designating(getattr(city, where), frozenset({city.dept_basic.code}))
    user = city.users[who]
    assert can(user, Action.VALUEADDED_VIEW, target) is (who in VALUEADDED_VIEW[where])
    assert can(user, Action.VALUEADDED_IMPORT, target) is (who == "dan")
    # A bare unit names no department: department staff are refused, whoever they are.
    assert not can(city.users["dan"], Action.VALUEADDED_VIEW, getattr(city, where))


@pytest.mark.parametrize("who", ["lee", "sue", "dan", "bob", "dora", "alice", "charlie", "nobody"])
def test_teachers_personal_fields_are_the_schools_and_the_owning_departments(city, who):
    from eduplan.teachers.models import TeacherRoll

    # 基础教育处 (Dan's) stands in for the owning department here; none of the others own it.
    owned_by_basic = TeacherRoll(city.jinshui_one, city.dept_basic.pk)
    owned_elsewhere = TeacherRoll(city.jinshui_one, city.dept_sports.pk)
    user = city.users[who]
    assert can(user, Action.TEACHER_PERSONAL, owned_by_basic) is (who in {"alice", "dan"})
    assert can(user, Action.TEACHER_PERSONAL, owned_elsewhere) is (who == "alice")
    assert can(user, Action.TEACHER_PERSONAL, TeacherRoll(city.erqi_one, None)) is (
        who == "charlie"
    )
    # Keeping the register: department staff for their own department only.
    assert can(user, Action.TEACHER_CREDITS, city.dept_basic) is (who == "dan")
    assert can(user, Action.TEACHER_CREDITS, city.dept_sports) is False


# A petition case's unit (routed to, else concerned) -> who may see it, who may handle
# it. Xena works in the petitions office (信访办): every case, and alone the petitioners.
# Dan's department sees and handles a case only once it is routed to his department.
PETITIONS: dict[str, tuple[set[str], set[str]]] = {
    "jinshui_one": ({"lee", "sue", "xena", "bob", "alice"}, {"xena", "bob"}),
    "jinshui": ({"lee", "sue", "xena", "bob"}, {"xena", "bob"}),
    "erqi_one": ({"lee", "sue", "xena", "dora", "charlie"}, {"xena", "dora"}),
    "dept_basic": ({"lee", "sue", "xena", "dan"}, {"xena", "dan"}),
    "bureau_school": ({"lee", "sue", "xena"}, {"xena"}),
}
PETITION_USERS = ["lee", "sue", "dan", "xena", "bob", "dora", "alice", "charlie", "nobody"]


@pytest.mark.parametrize("unit", list(PETITIONS))
def test_petition_actions_follow_the_case_and_the_petitions_office(city, unit):
    from eduplan.petitions.models import PetitionCase
    from eduplan.petitions.selectors import cases_visible
    from eduplan.petitions.services import PersonalData, PetitionDesk

    office = OrgUnit.objects.create(
        code="DEPT-XF",
        name="信访办公室",
        type="department",
        parent=city.root,
        path=OrgUnit.path_for(city.root, "DEPT-XF"),
        depth=1,
    )
    city.users["xena"] = user_with_role("xena", Role.DEPARTMENT, city.root, office)
    target = getattr(city, unit)
    case = PetitionCase.objects.create(
        number="XF2016-000001",
        received_on="2016-05-01",
        channel="letter",
        category="fees",
        summary="收费",
        received_by=city.root,
        concerned_unit=target if target.type != "department" else city.jinshui_one,
        responsible_unit=target,
    )
    seers, handlers = PETITIONS[unit]
    for who in PETITION_USERS:
        user = city.users[who]
        assert can(user, Action.PETITION_VIEW, case) is (who in seers), who
        assert cases_visible(user=user).filter(pk=case.pk).exists() is (who in seers), who
        assert can(user, Action.PETITION_HANDLE, case) is (who in handlers), who
        # Petitioners: the petitions office alone, whatever the case.
        assert can(user, Action.PETITION_PERSONAL, PersonalData(case)) is (who == "xena"), who
        assert not can(user, Action.PETITION_PERSONAL, target), who
        assert not can(user, Action.PETITION_PERSONAL, office), who
    # Registering: the bureau's petitions office, and a district in its own area.
    assert can(city.users["xena"], Action.PETITION_HANDLE, PetitionDesk(city.root))
    assert can(city.users["bob"], Action.PETITION_HANDLE, PetitionDesk(city.jinshui))
    assert not can(city.users["bob"], Action.PETITION_HANDLE, PetitionDesk(city.erqi))
    assert not can(city.users["dan"], Action.PETITION_HANDLE, PetitionDesk(city.root))
    assert not can(city.users["sue"], Action.PETITION_HANDLE, PetitionDesk(city.root))


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
