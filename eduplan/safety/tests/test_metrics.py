"""Project 8's figures come from the register: hazards found, rectified by their
deadline (a share), inspections made, added up the org tree."""

from __future__ import annotations

import datetime
from decimal import Decimal

from eduplan.indicators.aggregation import metric_value
from eduplan.safety.models import Hazard, HazardStatus, Severity
from eduplan.safety.services import hazard_fix_report, hazard_record, hazard_verify
from eduplan.safety.tests.conftest import png

START, END = datetime.date(2016, 1, 1), datetime.date(2016, 12, 31)


def _hazard(safety, deadline):
    return hazard_record(
        user=safety.ann,
        inspection=safety.inspection,
        rule_code="B07",
        severity=Severity.GENERAL,
        description="窗玻璃松动",
        deadline=deadline,
        responsible_person="李校长",
    )


def test_the_safety_metrics_count_the_register_up_the_tree(safety):
    in_time = _hazard(safety, datetime.date(2016, 5, 31))
    _hazard(safety, datetime.date(2016, 5, 20))  # never fixed
    hazard_fix_report(
        user=safety.city.users["alice"],
        hazard=in_time,
        note="已加固",
        evidence=png(),
        fixed_on=datetime.date(2016, 5, 30),
    )
    hazard_verify(user=safety.ann, hazard=in_time, accepted=True)
    assert Hazard.objects.filter(status=HazardStatus.CLOSED).count() == 1

    def value(key, unit):
        return metric_value(key=key, unit=unit, start=START, end=END).value

    assert value("safety.hazards_found", safety.city.root) == 2
    assert value("safety.hazards_found", safety.city.erqi) == 0
    assert value("safety.inspections", safety.city.jinshui) == 1
    assert value("safety.rectified_in_time", safety.city.jinshui) == Decimal(50)
