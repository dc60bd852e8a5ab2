"""Targets only a person can judge: the owner department assesses them, with a comment."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied

from eduplan.core.errors import InputError
from eduplan.core.periods import period_from_code
from eduplan.indicators.models import TargetAssessment
from eduplan.indicators.services import target_assessment_record
from eduplan.indicators.status import Status, target_status_list
from eduplan.plans.models import Target
from eduplan.plans.tests.factories import make_plan


@pytest.fixture
def plan(city):
    # Project 1 belongs to Dan's department (基础教育处), project 2 to 体卫艺处.
    return make_plan(
        code="city", organisation=city.root, owners={1: city.dept_basic, 2: city.dept_sports}
    )


def _target(plan, number):
    return Target.objects.get(plan=plan, goal__project__number=number)


def test_the_owner_assesses_and_the_status_shows_it(city, plan):
    target_assessment_record(
        user=city.users["dan"],
        target=_target(plan, 1),
        period_code="2016B3",
        status="at_risk",
        comment="选拔进度偏慢",
        progress="40",
    )
    rows = {
        r.target.goal.project.number: r
        for r in target_status_list(plan=plan, at=period_from_code("2016B6"), unit=city.root)
    }
    assert rows[1].status is Status.AT_RISK and rows[1].kind == "judged"
    assert rows[1].assessment.comment == "选拔进度偏慢"
    assert rows[2].status is Status.UNMEASURED
    earlier = {
        r.target.goal.project.number: r
        for r in target_status_list(plan=plan, at=period_from_code("2016B2"), unit=city.root)
    }
    assert earlier[1].status is Status.UNMEASURED  # an assessment counts from its period on


@pytest.mark.parametrize("who", ["dan", "bob", "alice", "lee", "nobody"])
def test_only_the_owner_department_or_the_office_may_assess(city, plan, who):
    target = _target(plan, 2)  # 体卫艺处's project: Dan's department does not own it
    with pytest.raises(PermissionDenied, match="只有该目标的责任处室或督查室可以评估"):
        target_assessment_record(
            user=city.users[who],
            target=target,
            period_code="2016B3",
            status="on_track",
            comment="好",
        )
    target_assessment_record(
        user=city.users["sue"],
        target=target,
        period_code="2016B3",
        status="on_track",
        comment="督查室评估",
    )
    assert TargetAssessment.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"comment": "  "}, "comment"),
        ({"status": "great"}, "status"),
        ({"period_code": "2016T1"}, "period"),
        ({"progress": "120"}, "progress"),
    ],
)
def test_a_bad_assessment_is_refused_with_its_field_and_nothing_is_stored(
    city, plan, changes, where
):
    args = {"period_code": "2016B3", "status": "on_track", "comment": "正常", **changes}
    with pytest.raises(InputError, match=f"^{re.escape(where)}: ") as excinfo:
        target_assessment_record(user=city.users["dan"], target=_target(plan, 1), **args)
    assert excinfo.value.where == where
    assert not TargetAssessment.objects.exists()


def test_the_assess_page_records_for_the_owner_and_refuses_others(client, city, plan):
    target = _target(plan, 1)
    client.force_login(city.users["dan"])
    response = client.post(
        f"/targets/{target.pk}/assess/?at=2016B3",
        {"status": "off_track", "comment": "经费未到位", "at": "2016B3"},
    )
    assert response.status_code == 302
    assert TargetAssessment.objects.get().status == "off_track"
    client.force_login(city.users["bob"])
    assert (
        client.post(
            f"/targets/{target.pk}/assess/?at=2016B3", {"status": "done", "comment": "x"}
        ).status_code
        == 403
    )
    assert TargetAssessment.objects.count() == 1
