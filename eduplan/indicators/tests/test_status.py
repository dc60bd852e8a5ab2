"""Targets against their trajectories: progress, expected progress, status, forecast."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from eduplan.indicators.models import GoalMode, TargetBinding, Trajectory
from eduplan.indicators.status import (
    Status,
    classify,
    expected_at,
    figures_unit_for,
    goal_for,
)
from eduplan.plans.models import Target

D = Decimal


def binding(**kw):
    defaults = {
        "metric_key": "x",
        "goal_mode": GoalMode.ABSOLUTE,
        "baseline_on": datetime.date(2015, 12, 31),
        "start_on": datetime.date(2016, 1, 1),
        "due_on": datetime.date(2018, 12, 31),
        "trajectory": Trajectory.LINEAR,
    }
    return TargetBinding(**{**defaults, **kw})


def test_a_cut_against_the_baseline_is_a_goal_below_it():
    b = binding(goal_mode=GoalMode.REDUCE_PERCENT)
    assert goal_for(b, D(5000), D(60)) == D(2000)


def test_a_cut_by_a_percentage_is_counted_in_the_metrics_unit_not_in_percent():
    # "大班额比2013年减少60%": the goal is 60 %, but baseline, goal and actual are classes.
    target = Target(indicator="大班额", value=D(60), unit="%", comparator=">=")
    cut = binding(metric_key="construction.large_classes", goal_mode=GoalMode.REDUCE_PERCENT)
    assert figures_unit_for(target, cut) == "个"
    level = binding(metric_key="construction.large_classes", goal_mode=GoalMode.ABSOLUTE)
    assert figures_unit_for(target, level) == "%"


def test_adding_to_the_baseline_and_a_yearly_pace():
    assert goal_for(binding(goal_mode=GoalMode.ADD), D(60), D(23)) == D(83)
    assert goal_for(binding(goal_mode=GoalMode.PER_YEAR), D(0), D(30)) == D(90)


def test_linear_trajectory_is_where_the_calendar_says():
    b = binding()
    mid = datetime.date(2017, 7, 2)
    assert expected_at(b, D(0), D(90), datetime.date(2016, 1, 1)) == 0
    assert abs(expected_at(b, D(0), D(90), mid) - D(45)) < D("0.1")
    assert expected_at(b, D(0), D(90), datetime.date(2020, 1, 1)) == 90


def test_steps_hold_until_the_next_date_and_apply_to_cuts():
    b = binding(
        goal_mode=GoalMode.REDUCE_PERCENT,
        trajectory=Trajectory.STEPS,
        steps=[
            {"on": "2016-12-31", "value": 40},
            {"on": "2017-12-31", "value": 50},
            {"on": "2018-12-31", "value": 60},
        ],
    )
    assert expected_at(b, D(1000), D(400), datetime.date(2016, 6, 30)) == 1000
    assert expected_at(b, D(1000), D(400), datetime.date(2016, 12, 31)) == 600
    assert expected_at(b, D(1000), D(400), datetime.date(2018, 3, 1)) == 500


@pytest.mark.parametrize(
    ("progress", "expected", "status"),
    [
        (D(50), D(50), Status.ON_TRACK),
        (D("47.5"), D(50), Status.ON_TRACK),  # 95% of the expected progress
        (D(46), D(50), Status.AT_RISK),
        (D("42.5"), D(50), Status.AT_RISK),  # 85%
        (D(42), D(50), Status.OFF_TRACK),
        (D(100), D(100), Status.DONE),
        (D(-10), D(0), Status.ON_TRACK),  # nothing expected yet
        (None, D(50), Status.NO_DATA),
    ],
)
def test_status_thresholds(progress, expected, status):
    assert classify(progress, expected) is status


def test_thresholds_are_settings(settings):
    settings.EDUPLAN_ON_TRACK_MIN = 0.99
    assert classify(D(97), D(100)) is Status.AT_RISK


def _status(*args: str) -> dict:
    out = io.StringIO()
    call_command("targets", "status", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_every_target_gets_a_row_with_the_fields_the_cli_promises(demo):
    data = _status("--at", "2016B6")
    rows = data["targets"]
    from eduplan.plans.models import Target

    assert len(rows) == Target.objects.count()
    assert set(rows[0]) >= {
        "project",
        "indicator",
        "unit",
        "baseline",
        "goal",
        "due",
        "actual",
        "expected",
        "status",
        "forecast",
    }
    measured = [r for r in rows if r["kind"] == "measured"]
    assert len(measured) == TargetBinding.objects.count() >= 30
    statuses = {r["status"] for r in measured}
    assert {"on_track", "off_track"} <= statuses | {"done"}


@pytest.mark.django_db
def test_a_district_sees_its_own_baseline_and_no_apportioned_counts(demo):
    rows = {
        (r["project"], r["work_point"], r["indicator"]): r
        for r in _status("--at", "2016B6", "--org", "410105")["targets"]
    }
    large = rows[(1, None, "大班额")]
    assert large["baseline"] is not None and large["goal"] < large["baseline"]
    assert rows[(1, None, "新建改扩建中小学")]["status"] == "not_apportioned"


@pytest.mark.django_db
def test_the_reduction_target_follows_the_2013_census(demo):
    from eduplan.construction.models import SchoolClass
    from eduplan.construction.selectors import large_class_filter

    rows = {
        (r["project"], r["indicator"]): r
        for r in _status("--at", "2016B6")["targets"]
        if r["project"]
    }
    large = rows[(1, "大班额")]
    assert (
        large["baseline"]
        == SchoolClass.objects.filter(large_class_filter(), school_year=2013).count()
    )
    assert (
        large["actual"]
        == SchoolClass.objects.filter(large_class_filter(), school_year=2016).count()
    )
    assert large["goal"] == pytest.approx(large["baseline"] * 0.4, abs=0.01)


@pytest.mark.django_db
def test_an_approved_report_shows_in_the_figures_at_once(demo):
    from eduplan.reporting.models import DataValue, Submission

    before = {
        r["indicator"]: r["actual"]
        for r in _status("--at", "2016B6")["targets"]
        if r["project"] == 3
    }
    sub = Submission.objects.filter(
        form__code="football-activity", period="2016B6", status="approved"
    ).first()
    value = DataValue.objects.get(submission=sub, element__code="fb_players")
    value.number += 1000
    value.save(update_fields=["number"])
    after = {
        r["indicator"]: r["actual"]
        for r in _status("--at", "2016B6")["targets"]
        if r["project"] == 3
    }
    assert after["经常参与校园足球活动的学生"] == before["经常参与校园足球活动的学生"] + 1000


@pytest.mark.django_db
def test_a_bad_period_or_org_is_refused(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2016B3"):
        _status("--at", "2016X9")
    with pytest.raises(CommandError, match="999"):
        _status("--at", "2016B6", "--org", "999")


@pytest.mark.django_db
def test_the_demo_city_starts_with_a_mix_of_statuses_and_warnings(demo):
    from eduplan.supervision.models import SupervisionOrder

    measured = [r for r in _status("--at", "2016B6")["targets"] if r["kind"] == "measured"]
    statuses = {r["status"] for r in measured}
    assert {"on_track", "done"} & statuses and "off_track" in statuses
    rules = set(SupervisionOrder.objects.values_list("rule", flat=True))
    assert {"report_missing", "target_off_track"} <= rules
    # Most reports arrive: warnings about missing ones are a small share of those due.
    from eduplan.reporting.models import ExpectedReport

    due = ExpectedReport.objects.filter(due_on__lt="2017-01-05").count()
    assert 0 < SupervisionOrder.objects.filter(rule="report_missing").count() < 0.1 * due
