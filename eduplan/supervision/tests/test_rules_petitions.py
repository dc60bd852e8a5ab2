"""Petition warnings: a statutory deadline near or missed, a repeated petition, a group
petition and one that skipped a level each raise one order, for the unit that answers,
through the supervision scan; a case closed raises none."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from eduplan.petitions.services import PetitionerIn, case_decide, case_route
from eduplan.petitions.tests.conftest import ID_NUMBER, register
from eduplan.petitions.tests.conftest import office as office  # the fixture
from eduplan.supervision.models import Rule, SupervisionOrder
from eduplan.supervision.rules import FINDERS, rule_specs
from eduplan.supervision.rules_petitions import find_petition_deadlines
from eduplan.supervision.services import supervision_scan

D = datetime.date
PETITION_RULES = [
    Rule.PETITION_DEADLINE,
    Rule.PETITION_REPEATED,
    Rule.PETITION_GROUP,
    Rule.PETITION_SKIPPED_LEVEL,
]

pytestmark = pytest.mark.usefixtures("office")


def _travel(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(2)), tick=False)


def _orders(rule):
    return list(SupervisionOrder.objects.filter(rule=rule).select_related("responsible_unit"))


def test_the_petition_rules_are_switched_on_with_their_finders(db):
    enabled = {s.rule for s in rule_specs() if s.enabled}
    for rule in PETITION_RULES:
        assert rule in enabled and rule in FINDERS


def test_a_deadline_warns_when_near_and_once_missed_each_step_once(city, office):
    case = register(city)  # received 2016-12-20: decision due 2017-01-04
    assert find_petition_deadlines(at=D(2016, 12, 31), days=0) == []  # four days left
    near = find_petition_deadlines(at=D(2017, 1, 1), days=0)  # three days left
    assert [(f.subject, f.occurrence, f.unit) for f in near] == [
        (f"petition:{case.pk}:accept", "2017-01-04", office)  # not routed: the office answers
    ]
    assert "3" in near[0].detail and case.number in near[0].title
    supervision_scan(at=D(2017, 1, 1))
    supervision_scan(at=D(2017, 1, 6))  # missed now, but its order is open: no second
    assert len(_orders(Rule.PETITION_DEADLINE)) == 1
    with _travel(D(2017, 1, 6)):
        case_route(user=city.users["xena"], case=case, unit=city.jinshui, on=D(2017, 1, 6))
        case_decide(user=city.users["bob"], case=case, accepted=True, on=D(2017, 1, 6))
    # The answer is due 2017-03-07: near on 03-04, for the district it was routed to.
    assert find_petition_deadlines(at=D(2017, 3, 3), days=0) == []
    supervision_scan(at=D(2017, 3, 4))
    answer = next(o for o in _orders(Rule.PETITION_DEADLINE) if o.subject.endswith(":reply"))
    assert answer.responsible_unit == city.jinshui and answer.occurrence == "2017-03-07"


def test_repeated_group_and_skipped_level_petitions_raise_orders(city):
    first = register(city, user=city.users["bob"], received_by=city.jinshui)
    group = register(city, people_count=6, petitioners=[PetitionerIn("赵六")])
    again = register(city, petitioners=[PetitionerIn("王小明", ID_NUMBER)])  # same person
    supervision_scan(at=D(2016, 12, 21))
    subjects = {
        rule: {o.subject for o in _orders(rule)}
        for rule in [Rule.PETITION_REPEATED, Rule.PETITION_GROUP, Rule.PETITION_SKIPPED_LEVEL]
    }
    assert subjects[Rule.PETITION_REPEATED] == {f"petition:{again.pk}"}
    assert subjects[Rule.PETITION_GROUP] == {f"petition:{group.pk}"}
    # The bureau received 金水一小's matter: 越级, unless the district had it before.
    assert subjects[Rule.PETITION_SKIPPED_LEVEL] == {f"petition:{group.pk}"}
    assert f"petition:{first.pk}" not in set().union(*subjects.values())
    assert supervision_scan(at=D(2016, 12, 22)).created.get(Rule.PETITION_GROUP) == 0


def test_a_closed_case_raises_nothing(city):
    case = register(city, people_count=6)
    with _travel(D(2016, 12, 22)):
        case_decide(user=city.users["xena"], case=case, accepted=False, on=D(2016, 12, 22))
    supervision_scan(at=D(2016, 12, 23))
    assert not SupervisionOrder.objects.filter(subject__startswith="petition:").exists()


def test_the_deadline_finder_is_one_query_whatever_the_number_of_cases(
    city, django_assert_num_queries
):
    for _ in range(5):
        register(city)
    find_petition_deadlines(at=D(2017, 1, 3), days=0)  # warms the office lookup's plan
    with django_assert_num_queries(2):  # the office, then the cases with their units
        found = find_petition_deadlines(at=D(2017, 1, 3), days=0)
    assert len(found) == 5
