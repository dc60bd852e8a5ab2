"""credits_behind: an order per school with teachers behind, once a year, after the year
has ended (frozen clock: the scan runs as of the local day)."""

from __future__ import annotations

import datetime

import time_machine
from django.utils import timezone

from eduplan.supervision.models import InboxMessage, Rule, SupervisionOrder
from eduplan.supervision.rules import FINDERS, rule_specs
from eduplan.supervision.rules_teachers import find_credits_behind
from eduplan.supervision.services import supervision_scan
from eduplan.teachers.importing import completions_import
from eduplan.teachers.tests.conftest import register, workbook  # noqa: F401 (fixture)

ZHAO_80_HOURS = [["T0003", "C2016-02", None, datetime.date(2016, 5, 1), None]]


def _load(register):  # noqa: F811
    result = completions_import(
        user=register.city.users["jia"], data=workbook(completions=ZHAO_80_HOURS), filename="p"
    )
    assert result.ok


def test_the_rule_is_switched_on_with_its_finder():
    spec = next(s for s in rule_specs() if s.rule == Rule.CREDITS_BEHIND)
    assert spec.enabled and FINDERS[Rule.CREDITS_BEHIND] is find_credits_behind


def test_the_schools_with_teachers_behind_are_found_once_the_year_has_ended(register):  # noqa: F811
    _load(register)
    city = register.city
    assert find_credits_behind(at=datetime.date(2016, 12, 31), days=0) == []
    found = find_credits_behind(at=datetime.date(2017, 1, 1), days=0)
    assert {(f.unit.code, f.occurrence) for f in found} == {
        (city.jinshui_one.code, "2016"),
        (city.erqi_one.code, "2016"),
    }
    one = next(f for f in found if f.unit == city.jinshui_one)
    assert one.subject == f"teachers:{city.jinshui_one.pk}" and "2" in one.title
    # 2017 holds no completion at all: not loaded, so not judged.
    assert find_credits_behind(at=datetime.date(2018, 1, 2), days=0) == []


def test_a_scan_raises_one_order_per_school_and_tells_its_people(register):  # noqa: F811
    _load(register)
    city = register.city
    with time_machine.travel("2016-12-31T15:59:00Z", tick=False):  # 23:59 in Shanghai
        supervision_scan(at=timezone.localdate())
    assert not SupervisionOrder.objects.filter(rule=Rule.CREDITS_BEHIND).exists()
    with time_machine.travel("2016-12-31T16:00:00Z", tick=False):  # New Year in Shanghai
        result = supervision_scan(at=timezone.localdate())
    assert result.created[Rule.CREDITS_BEHIND] == 2
    orders = SupervisionOrder.objects.filter(rule=Rule.CREDITS_BEHIND)
    assert {o.responsible_unit.code for o in orders} == {city.jinshui_one.code, city.erqi_one.code}
    assert InboxMessage.objects.filter(user=city.users["alice"]).count() == 1
    with time_machine.travel("2017-01-05T02:00:00Z", tick=False):
        again = supervision_scan(at=timezone.localdate())
    assert again.created[Rule.CREDITS_BEHIND] == 0 and orders.count() == 2
