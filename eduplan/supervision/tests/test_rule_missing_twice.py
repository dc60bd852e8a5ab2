"""A report missing twice in a row: the same unit missed the same form in two consecutive
periods; one order names both periods, for the unit that must report, raised once."""

from __future__ import annotations

import datetime

import time_machine

from eduplan.reporting.services import expected_reports_open, submission_save, submission_submit
from eduplan.reporting.tests.conftest import GOOD
from eduplan.supervision.models import Rule, SupervisionOrder
from eduplan.supervision.services import supervision_scan

AFTER_BOTH = datetime.date(2016, 8, 21)  # 2016T1 due 2016-08-15, five days' grace


def _submit(user, form, unit, period):
    with time_machine.travel(datetime.datetime(2016, 7, 20, 9, tzinfo=datetime.UTC)):
        draft = submission_save(
            user=user, form=form, org_unit=unit, period_code=period, values=GOOD
        )
        submission_submit(user=user, submission=draft, revision=draft.revision)


def test_two_consecutive_misses_raise_one_order_naming_both_periods(city, class_form):
    expected_reports_open(form=class_form, period_code="2015T2")
    _submit(city.users["alice"], class_form, city.jinshui_one, "2015T2")  # missed once only
    _submit(city.users["charlie"], class_form, city.erqi_one, "2016T1")  # missed once only
    result = supervision_scan(at=AFTER_BOTH)
    assert result.created[Rule.REPORT_MISSING_TWICE] == 2
    orders = {
        o.responsible_unit.name: o
        for o in SupervisionOrder.objects.filter(rule=Rule.REPORT_MISSING_TWICE)
    }
    assert set(orders) == {"金水二小", "局属一中"}
    order = orders["金水二小"]
    assert "2015" in order.title and "2016" in order.title and "班额情况" in order.title
    assert order.subject.count(":") == 2 and order.occurrence == ""
    assert supervision_scan(at=AFTER_BOTH).created[Rule.REPORT_MISSING_TWICE] == 0


def test_a_single_period_missed_raises_no_twice_order(city, class_form):
    assert supervision_scan(at=AFTER_BOTH).created[Rule.REPORT_MISSING_TWICE] == 0
    assert SupervisionOrder.objects.filter(rule=Rule.REPORT_MISSING).count() == 4
