"""A target is judged at its due date: figures after it never count, zero is a figure,
and past the due date there are two outcomes only (已完成 or 未完成), or 未评估 for a
target nobody judged."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from eduplan.core.figures_cache import figures_scope
from eduplan.core.periods import period_from_code
from eduplan.indicators.models import GoalMode, TargetAssessment, TargetBinding
from eduplan.indicators.projects import project_statuses_from, status_summary
from eduplan.indicators.status import Status, TargetStatus, target_status_list
from eduplan.org.models import UnitType
from eduplan.org.tests.factories import OrgUnitFactory
from eduplan.plans.models import PlanStatus, Target
from eduplan.plans.tests.factories import make_plan
from eduplan.supervision.models import Rule, SupervisionOrder
from eduplan.supervision.services import supervision_scan

DUE = datetime.date(2016, 12, 31)


@pytest.fixture
def plan(city):
    plan = make_plan(code="city", organisation=city.root, owners={1: city.dept_basic})
    plan.status = PlanStatus.ACTIVE
    plan.save(update_fields=["status"])
    return plan


@pytest.fixture
def schools_target(plan):
    """新建学校 2 所 in 2016, counted from the schools the org tree opens."""
    target = Target.objects.create(
        plan=plan,
        goal=plan.projects.get(number=1).goals.get(),
        indicator="新建学校",
        value=Decimal(2),
        unit="所",
        comparator="=",
        year=2016,
        source="2016年新建学校2所",
    )
    TargetBinding.objects.create(
        target=target,
        metric_key="org.schools_opened",
        goal_mode=GoalMode.ABSOLUTE,
        baseline_value=Decimal(0),
        baseline_on=datetime.date(2015, 12, 31),
        start_on=datetime.date(2016, 1, 1),
        due_on=DUE,
    )
    return target


def _open_school(city, code: str, day: datetime.date) -> None:
    OrgUnitFactory(code=code, parent=city.jinshui, type=UnitType.PRIMARY, opened_on=day)


def _status_of(plan, target, at: str, unit=None) -> TargetStatus:
    with figures_scope():
        rows = target_status_list(
            plan=plan, at=period_from_code(at), unit=unit or plan.organisation
        )
    return next(r for r in rows if r.target.pk == target.pk)


def test_a_target_is_judged_at_its_due_date_whatever_the_period_chosen(city, plan, schools_target):
    _open_school(city, "410105-N1", datetime.date(2016, 9, 1))
    _open_school(city, "410105-N2", datetime.date(2017, 9, 1))
    _open_school(city, "410105-N3", datetime.date(2017, 9, 1))
    for at in ("2016B6", "2017B6", "2018B6"):
        row = _status_of(plan, schools_target, at)
        # Schools opened in 2017 do not make the 2016 target met.
        assert (row.actual, row.status, row.shortfall) == (1, Status.MISSED, 1), at
        assert row.label == "未完成（差1所）"


def test_a_target_met_by_its_due_date_stays_done_later(city, plan, schools_target):
    _open_school(city, "410105-N1", datetime.date(2016, 3, 1))
    _open_school(city, "410105-N2", datetime.date(2016, 9, 1))
    assert _status_of(plan, schools_target, "2018B6").status == Status.DONE


def test_a_zero_count_is_a_figure_with_its_status_not_no_data(city, plan, schools_target):
    before = _status_of(plan, schools_target, "2016B4")
    assert before.actual == 0 and before.status == Status.OFF_TRACK
    due = _status_of(plan, schools_target, "2016B6")
    assert due.actual == 0 and due.status == Status.MISSED and due.shortfall == 2
    # The district's figure is zero too, not missing.
    [project] = project_statuses_from(plan, [due])
    assert project.status == Status.MISSED


def test_no_report_is_no_data_and_keeps_the_project_from_reading_on_track(city, plan):
    target = plan.targets.get(indicator="示范学校")
    TargetBinding.objects.create(
        target=target,
        metric_key="form.fb_teams",  # no form loaded, no report: no data
        goal_mode=GoalMode.ABSOLUTE,
        baseline_value=Decimal(0),
        baseline_on=datetime.date(2015, 12, 31),
        start_on=datetime.date(2016, 1, 1),
        due_on=datetime.date(2018, 12, 31),
    )
    on_track = TargetStatus(target=target, unit=city.root, kind="measured", status=Status.ON_TRACK)
    no_data = TargetStatus(target=target, unit=city.root, kind="measured", status=Status.NO_DATA)
    [project] = project_statuses_from(plan, [on_track, no_data])
    assert project.status == Status.NO_DATA and project.label == "暂无数据"
    assert project.unknown == 1 and project.ok == 1


def test_a_missed_target_raises_one_supervision_order_for_its_miss(city, plan, schools_target):
    _open_school(city, "410105-N1", datetime.date(2016, 9, 1))
    supervision_scan(at=datetime.date(2017, 1, 10))
    [order] = SupervisionOrder.objects.filter(rule=Rule.TARGET_OFF_TRACK)
    assert order.responsible_unit == city.dept_basic
    assert order.occurrence == "due:2016-12-31"
    assert "2016-12-31" in order.detail and "1所" in order.detail and "2所" in order.detail
    # Missed stays missed: later scans raise nothing new for it.
    assert supervision_scan(at=datetime.date(2017, 5, 10)).created[Rule.TARGET_OFF_TRACK] == 0


@pytest.fixture
def judged_target(plan):
    """A work point's target only a person can judge, due at the end of 2016."""
    return Target.objects.create(
        plan=plan,
        work_point=plan.work_points.get(),
        indicator="党建示范点",
        value=Decimal(10),
        unit="个",
        comparator=">=",
        year=2016,
        source="建设10个党建示范点",
    )


def _assess(target, user, status: str, period: str) -> None:
    TargetAssessment.objects.create(
        target=target, period=period, status=status, comment="评估", assessed_by=user
    )


def test_a_judged_target_nobody_assessed_past_its_date_is_not_assessed_and_warned(
    city, plan, judged_target
):
    assert _status_of(plan, judged_target, "2016B6").status == Status.UNMEASURED
    row = _status_of(plan, judged_target, "2017B1")
    assert row.status == Status.NOT_ASSESSED and row.label == "未评估" and row.due == DUE
    supervision_scan(at=datetime.date(2017, 3, 5))
    [order] = SupervisionOrder.objects.filter(rule=Rule.TARGET_NOT_ASSESSED)
    assert "党建示范点" in order.title and "2016-12-31" in order.detail


def test_after_the_due_date_a_judgement_is_achieved_or_missed(city, plan, judged_target):
    dan = city.users["dan"]
    _assess(judged_target, dan, "on_track", "2016B5")
    # An assessment before the due period does not judge the outcome.
    assert _status_of(plan, judged_target, "2017B2").status == Status.NOT_ASSESSED
    _assess(judged_target, dan, "on_track", "2016B6")
    assert _status_of(plan, judged_target, "2017B2").status == Status.MISSED
    _assess(judged_target, dan, "done", "2017B1")
    assert _status_of(plan, judged_target, "2017B2").status == Status.DONE


def test_a_restated_target_is_counted_once(city, plan, schools_target):
    again = Target.objects.create(
        plan=plan,
        work_point=plan.work_points.get(),
        indicator="新建学校",
        value=Decimal(2),
        unit="所",
        comparator="=",
        year=2016,
        source="新建学校2所",
        restates=schools_target,
    )
    rows = [
        TargetStatus(target=t, unit=city.root, kind="measured", status=Status.OFF_TRACK)
        for t in (schools_target, again)
    ]
    assert [count for _label, _style, count in status_summary(rows)] == [1]


def test_the_cli_prints_each_figure_in_its_own_unit(city, plan, schools_target):
    schools_target.unit = "%"  # as if the target were a cut by a percentage of schools
    schools_target.save(update_fields=["unit"])
    binding = schools_target.binding
    binding.goal_mode = GoalMode.INCREASE_PERCENT
    binding.baseline_value = Decimal(4)
    binding.save(update_fields=["goal_mode", "baseline_value"])
    out = io.StringIO()
    call_command("targets", "status", "--at", "2016B6", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if "新建学校" in x)
    assert "目标 4.08所" in line and "%" not in line
    out = io.StringIO()
    call_command("targets", "status", "--at", "2016B6", "--json", stdout=out)
    row = next(r for r in json.loads(out.getvalue())["targets"] if r["indicator"] == "新建学校")
    assert row["figures_unit"] == "所" and row["goal"] == 4.08


def test_a_missed_rate_says_its_shortfall_in_percentage_points(city, plan):
    target = plan.targets.get(indicator="示范学校")
    row = TargetStatus(
        target=target,
        unit=city.root,
        kind="measured",
        status=Status.MISSED,
        shortfall=Decimal("3.69"),
        figures_unit="%",
    )
    assert row.label == "未完成（差3.69个百分点）"


def test_the_targets_page_shows_a_2016_target_missed_when_viewed_in_2017(
    client, city, plan, schools_target
):
    _open_school(city, "410105-N1", datetime.date(2016, 9, 1))
    _open_school(city, "410105-N2", datetime.date(2017, 9, 1))
    client.force_login(city.users["lee"])
    page = client.get("/targets/", {"at": "2017B6"}).content.decode()
    assert "未完成（差1所）" in page and "已完成" not in page


def test_an_order_for_a_provisional_measure_says_it_is_one(city, plan, schools_target):
    binding = schools_target.binding
    binding.provisional = "只统计新开办的学校"
    binding.save(update_fields=["provisional"])
    supervision_scan(at=datetime.date(2017, 1, 10))
    [order] = SupervisionOrder.objects.filter(rule=Rule.TARGET_OFF_TRACK)
    assert "临时口径：只统计新开办的学校" in order.detail
