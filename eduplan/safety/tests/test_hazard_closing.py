"""A hazard is closed only with evidence of its fix and a verification by someone other
than the one who fixed it: the services refuse, and the database refuses what gets past
them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from eduplan.core.errors import InputError
from eduplan.org.models import Role
from eduplan.org.tests.factories import user_with_role
from eduplan.safety.models import Hazard, HazardEvent, HazardStatus, Severity
from eduplan.safety.services import hazard_fix_report, hazard_record, hazard_verify
from eduplan.safety.tests.conftest import png

DEADLINE = datetime.date(2016, 5, 31)


def _hazard(safety, **extra):
    return hazard_record(
        user=safety.ann,
        inspection=safety.inspection,
        rule_code="B03",
        severity=Severity.MAJOR,
        description="三楼走廊栏杆松动",
        deadline=DEADLINE,
        responsible_person="李校长",
        **extra,
    )


def test_an_inspector_records_a_hazard_with_its_rule_and_order(safety):
    hazard = _hazard(safety, photo=png())
    assert hazard.status == HazardStatus.OPEN
    assert hazard.rule_text.startswith("楼梯、走廊、栏杆牢固")
    assert hazard.district == safety.city.jinshui
    assert hazard.photo.name.endswith(".png")
    assert [e.kind for e in HazardEvent.objects.filter(hazard=hazard)] == ["found"]


def test_a_hazard_against_an_item_not_on_the_objects_checklist_is_refused(safety):
    with pytest.raises(InputError, match="V01 不是校舍检查表中的项目"):
        hazard_record(
            user=safety.ann,
            inspection=safety.inspection,
            rule_code="V01",
            severity=Severity.GRAVE,
            description="x",
            deadline=DEADLINE,
            responsible_person="李校长",
        )
    assert not Hazard.objects.exists()


def test_the_school_reports_a_fix_and_another_person_verifies_it_and_it_closes(safety):
    alice = safety.city.users["alice"]
    hazard = _hazard(safety)
    fixed = hazard_fix_report(
        user=alice, hazard=hazard, note="更换栏杆", evidence=png("整改后.png")
    )
    assert fixed.status == HazardStatus.FIXED and fixed.fixed_by == alice
    closed = hazard_verify(user=safety.ann, hazard=fixed, accepted=True, note="复查合格")
    assert closed.status == HazardStatus.CLOSED
    assert (closed.verified_by, closed.fixed_by) == (safety.ann, alice)
    kinds = list(HazardEvent.objects.filter(hazard=hazard).values_list("kind", flat=True))
    assert kinds == ["found", "fixed", "closed"]


def test_a_fix_without_evidence_is_refused_and_changes_nothing(safety):
    hazard = _hazard(safety)
    with pytest.raises(InputError, match="整改情况须附佐证材料"):
        hazard_fix_report(
            user=safety.city.users["alice"], hazard=hazard, note="已修", evidence=None
        )
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.OPEN and hazard.fixed_by is None


def test_a_hazard_cannot_be_verified_before_a_fix_is_reported(safety):
    hazard = _hazard(safety)
    with pytest.raises(InputError, match="没有待验收的整改"):
        hazard_verify(user=safety.ann, hazard=hazard, accepted=True)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.OPEN


def test_whoever_fixed_a_hazard_cannot_verify_it(safety):
    # Bob administers 金水区: he may report a fix of its school and inspect in its own
    # round, but not verify his own fix.
    bob = safety.city.users["bob"]
    from eduplan.safety.models import Inspection, ObjectType

    inspection = Inspection.objects.create(
        round=safety.district_round,
        school=safety.city.jinshui_one,
        object_type=ObjectType.BUS,
        bus=safety.bus,
        inspected_on=datetime.date(2016, 4, 1),
    )
    hazard = hazard_record(
        user=bob,
        inspection=inspection,
        rule_code="V05",
        severity=Severity.MAJOR,
        description="灭火器过期",
        deadline=DEADLINE,
        responsible_person="张老师",
    )
    hazard_fix_report(user=bob, hazard=hazard, note="已更换灭火器", evidence=png())
    with pytest.raises(InputError, match="须由他人验收"):
        hazard_verify(user=bob, hazard=hazard, accepted=True)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.FIXED and hazard.verified_by is None


def test_a_rejected_fix_goes_back_to_rectification_with_its_reason(safety):
    hazard = _hazard(safety)
    hazard_fix_report(user=safety.city.users["alice"], hazard=hazard, note="x", evidence=png())
    with pytest.raises(InputError, match="验收意见"):
        hazard_verify(user=safety.ann, hazard=hazard, accepted=False, note=" ")
    back = hazard_verify(user=safety.ann, hazard=hazard, accepted=False, note="栏杆仍松动")
    assert back.status == HazardStatus.OPEN and back.verified_by is None


def test_a_retried_fix_report_is_stored_once(safety):
    alice = safety.city.users["alice"]
    hazard = _hazard(safety)
    hazard_fix_report(user=alice, hazard=hazard, note="更换栏杆", evidence=png())
    with pytest.raises(InputError, match="已不在整改中"):
        hazard_fix_report(user=alice, hazard=hazard, note="更换栏杆", evidence=png())
    assert HazardEvent.objects.filter(hazard=hazard, kind="fixed").count() == 1


@pytest.mark.parametrize("who", ["charlie", "dora", "dan", "lee", "sue"])
def test_only_the_schools_side_reports_a_fix(safety, who):
    hazard = _hazard(safety)
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        hazard_fix_report(user=safety.city.users[who], hazard=hazard, note="x", evidence=png())


@pytest.mark.parametrize("who", ["alice", "bob", "dora", "dan", "lee", "sue"])
def test_only_the_rounds_organiser_verifies_a_fix(safety, who):
    hazard = _hazard(safety)
    fixer = user_with_role("fixer", Role.SCHOOL_REPORTER, safety.city.jinshui_one)
    hazard_fix_report(user=fixer, hazard=hazard, note="x", evidence=png())
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        hazard_verify(user=safety.city.users[who], hazard=hazard, accepted=True)


def _raw_update(hazard, **values):
    with (
        pytest.raises(
            IntegrityError, match=r"safety_hazard_(closed_verified_by_another|fixed_has_evidence)"
        ),
        transaction.atomic(),
    ):
        Hazard.objects.filter(pk=hazard.pk).update(**values)


def test_the_database_refuses_a_closed_hazard_without_evidence_or_verification(safety):
    alice = safety.city.users["alice"]
    hazard = _hazard(safety)
    # Closed with nothing at all; fixed without evidence; closed without a verifier.
    _raw_update(hazard, status=HazardStatus.CLOSED)
    _raw_update(hazard, status=HazardStatus.FIXED, fixed_by=alice, fixed_on=DEADLINE, fix_note="x")
    hazard_fix_report(user=alice, hazard=hazard, note="更换栏杆", evidence=png())
    _raw_update(hazard, status=HazardStatus.CLOSED)
    # Verified by the one who fixed it.
    _raw_update(hazard, status=HazardStatus.CLOSED, verified_by=alice, verified_on=DEADLINE)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.FIXED
    Hazard.objects.filter(pk=hazard.pk).update(
        status=HazardStatus.CLOSED, verified_by=safety.ann, verified_on=DEADLINE
    )
