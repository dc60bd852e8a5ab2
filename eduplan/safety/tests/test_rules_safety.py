"""Overdue rectifications and expiring bus licences raise supervision orders for the
school, once, through the nightly scan."""

from __future__ import annotations

import datetime

from eduplan.safety.models import Hazard, HazardStatus, SchoolBus, Severity
from eduplan.safety.services import hazard_fix_report, hazard_record
from eduplan.safety.tests.conftest import png
from eduplan.supervision.models import Rule, SupervisionOrder
from eduplan.supervision.rules import rule_specs
from eduplan.supervision.rules_safety import find_hazards_overdue, find_licences_expiring
from eduplan.supervision.services import supervision_scan

AT = datetime.date(2016, 6, 10)


def _hazard(safety, deadline, severity=Severity.MAJOR):
    return hazard_record(
        user=safety.ann,
        inspection=safety.inspection,
        rule_code="B05",
        severity=severity,
        description="灭火器过期",
        deadline=deadline,
        responsible_person="李校长",
    )


def test_both_safety_rules_are_switched_on():
    enabled = {s.rule for s in rule_specs() if s.enabled}
    assert {Rule.HAZARD_OVERDUE, Rule.LICENCE_EXPIRING} <= enabled


def test_a_schools_hazards_past_their_deadline_make_one_finding_for_the_school(safety):
    _hazard(safety, datetime.date(2016, 5, 1), Severity.GRAVE)
    _hazard(safety, datetime.date(2016, 6, 1))
    _hazard(safety, datetime.date(2016, 6, 10))  # due today: not overdue yet
    fixed = _hazard(safety, datetime.date(2016, 5, 2))
    hazard_fix_report(user=safety.city.users["alice"], hazard=fixed, note="x", evidence=png())
    found = find_hazards_overdue(at=AT, days=0)
    assert len(found) == 1
    (finding,) = found
    assert finding.unit == safety.city.jinshui_one
    assert finding.subject == f"hazards:{safety.city.jinshui_one.pk}"
    assert finding.occurrence == "2016-06-01"
    # A fix reported but not verified is still not closed.
    assert "3" in finding.title and "1 项重大" in finding.detail


def test_closed_hazards_are_not_overdue(safety):
    hazard = _hazard(safety, datetime.date(2016, 5, 1))
    Hazard.objects.filter(pk=hazard.pk).update(
        status=HazardStatus.CLOSED,
        fixed_by=safety.city.users["alice"],
        fixed_on=AT,
        fix_note="x",
        fix_evidence="safety/x.png",
        verified_by=safety.ann,
        verified_on=AT,
    )
    assert find_hazards_overdue(at=AT, days=0) == []


def test_a_bus_whose_papers_run_out_within_the_warning_days_is_found(safety, settings):
    settings.EDUPLAN_SAFETY_LICENCE_WARN_DAYS = 30
    # The inspection runs out on 2016-12-20, the licence on 2017-01-31.
    assert find_licences_expiring(at=datetime.date(2016, 11, 19), days=0) == []
    (finding,) = find_licences_expiring(at=datetime.date(2016, 11, 20), days=0)
    assert finding.unit == safety.city.jinshui_one and finding.occurrence == "2016-12-20"
    assert "车辆安全技术检验将于 2016-12-20 到期" in finding.detail
    (later,) = find_licences_expiring(at=datetime.date(2017, 1, 5), days=0)
    assert later.occurrence == "2017-01-31,2016-12-20"
    assert "已于 2016-12-20 到期" in later.detail
    SchoolBus.objects.update(in_service=False)
    assert find_licences_expiring(at=datetime.date(2017, 1, 5), days=0) == []


def test_the_scan_raises_the_safety_orders_once(safety):
    _hazard(safety, datetime.date(2016, 5, 1))
    at = datetime.date(2016, 12, 1)
    first = supervision_scan(at=at)
    assert first.created[Rule.HAZARD_OVERDUE] == 1
    assert first.created[Rule.LICENCE_EXPIRING] == 1
    orders = SupervisionOrder.objects.filter(
        rule__in=[Rule.HAZARD_OVERDUE, Rule.LICENCE_EXPIRING]
    ).select_related("responsible_unit")
    assert {o.responsible_unit.name for o in orders} == {"金水一小"}
    assert "校车 豫A12345" in orders.get(rule=Rule.LICENCE_EXPIRING).title
    again = supervision_scan(at=at)
    assert again.created[Rule.HAZARD_OVERDUE] == 0
    assert again.created[Rule.LICENCE_EXPIRING] == 0
