"""Plan actions against every role, for a city plan and for a district's plan."""

from __future__ import annotations

import pytest

from eduplan.org.access import Action, can
from eduplan.plans.tests.factories import make_plan


@pytest.fixture
def plans(city):
    city_plan = make_plan(
        code="city", organisation=city.root, owners={1: city.dept_basic, 2: city.dept_sports}
    )
    district_plan = make_plan(
        code="jinshui", organisation=city.jinshui, owners={1: city.dept_basic}
    )
    return {
        "city": city_plan,
        "city_p1": city_plan.projects.get(number=1),
        "city_p2": city_plan.projects.get(number=2),
        "jinshui": district_plan,
        "jinshui_p1": district_plan.projects.get(number=1),
    }


# (user, target) -> (may view, may change)
EXPECTED = {
    ("lee", "city"): (True, False),
    ("lee", "city_p1"): (True, False),
    ("lee", "jinshui"): (True, False),
    ("sue", "city"): (True, True),
    ("sue", "city_p2"): (True, True),
    ("sue", "jinshui_p1"): (True, True),
    ("dan", "city"): (True, False),  # the plan as a whole is the supervision office's
    ("dan", "city_p1"): (True, True),  # his department leads project 1
    ("dan", "city_p2"): (True, False),  # project 2 belongs to another department
    ("dan", "jinshui_p1"): (True, True),
    ("bob", "city"): (True, False),
    ("bob", "city_p1"): (True, False),
    ("bob", "jinshui"): (True, False),
    ("dora", "jinshui"): (False, False),  # another district's plan
    ("dora", "jinshui_p1"): (False, False),
    ("dora", "city"): (True, False),
    ("alice", "city"): (True, False),
    ("alice", "jinshui"): (True, False),
    ("charlie", "jinshui"): (False, False),
    ("nobody", "city"): (False, False),
}


@pytest.mark.parametrize(("who", "what"), list(EXPECTED))
def test_plan_action_matrix(city, plans, who, what):
    may_view, may_change = EXPECTED[(who, what)]
    user = city.users[who]
    assert can(user, Action.PLAN_VIEW, plans[what]) is may_view
    assert can(user, Action.PLAN_CHANGE, plans[what]) is may_change
