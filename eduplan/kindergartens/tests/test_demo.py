"""The demo city's register tells the same story as its reports and its ledger."""

from __future__ import annotations

import pytest
from django.db.models import F

from eduplan.kindergartens.models import (
    Application,
    Grading,
    Kindergarten,
    RecheckItem,
    RecheckRound,
)
from eduplan.kindergartens.rechecks import recheck_redraw
from eduplan.kindergartens.selectors import double_ninety, double_ninety_by_district
from eduplan.org.models import OrgUnit, UnitType
from eduplan.reporting.models import DataValue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_every_kindergarten_is_in_the_register():
    units = OrgUnit.objects.filter(type=UnitType.KINDERGARTEN)
    assert units.count() > 0
    assert Kindergarten.objects.count() == units.count()
    assert not Kindergarten.objects.exclude(unit_path=F("unit__path")).exists()


def test_the_registers_children_and_inclusive_status_agree_with_the_term_reports():
    reported = dict(
        DataValue.objects.filter(
            element__code="kg_children", period="2016T2", submission__status="approved"
        ).values_list("org_unit__code", "number")
    )
    inclusive = dict(
        DataValue.objects.filter(
            element__code="kg_inclusive", period="2016T2", submission__status="approved"
        ).values_list("org_unit__code", "number")
    )
    assert reported
    kgs = Kindergarten.objects.select_related("unit").prefetch_related("enrolments")
    checked = 0
    for kg in kgs:
        counts = {e.year: e.children for e in kg.enrolments.all()}
        if kg.unit.code in reported:
            assert counts[2016] == reported[kg.unit.code], kg.unit.code
            rate = double_ninety(unit=kg.unit, year=2016)
            assert (rate.inclusive == 100) is bool(inclusive[kg.unit.code]), kg.unit.code
            checked += 1
    assert checked == len(reported)


def test_the_current_grade_is_the_latest_grading():
    for kg in Kindergarten.objects.exclude(grade=""):
        latest = Grading.objects.filter(kindergarten=kg).order_by("graded_on", "pk").last()
        assert latest is not None and latest.grade == kg.grade


def test_each_rounds_sample_is_drawn_again_from_its_seed():
    rounds = list(RecheckRound.objects.all())
    assert rounds
    for round_ in rounds:
        drawn = list(
            RecheckItem.objects.filter(round=round_)
            .order_by("order")
            .values_list("kindergarten__unit__code", flat=True)
        )
        assert drawn == recheck_redraw(
            seed=round_.seed, drawn_from=round_.drawn_from, size=round_.size
        )
        assert all(i.ledger_record_id for i in RecheckItem.objects.filter(round=round_))


def test_every_district_has_its_double_ninety_and_applications_are_in_flight():
    city = OrgUnit.objects.get(type=UnitType.BUREAU, parent__isnull=True)
    rows = double_ninety_by_district(city=city, year=2016)
    assert rows and all(r.gross is not None and r.inclusive is not None for r in rows)
    assert Application.objects.filter(status=Application.Status.NOTICE).exists()
