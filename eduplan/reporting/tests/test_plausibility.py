"""Plausibility warnings: a figure against the unit's previous period, against its size
(pupils from the class-size form), and a status against its percentage. Each is a
warning that needs a 核实说明, never a block."""

from __future__ import annotations

import copy
import datetime

import pytest
import time_machine

from eduplan.core.errors import InputError
from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.loading import definitions_from_dir
from eduplan.reporting.services import (
    SubmissionInvalid,
    expected_reports_open,
    form_load,
    submission_check,
    submission_save,
    submission_submit,
)
from eduplan.reporting.tests.conftest import GOOD

FOOTBALL = {
    "code": "football-test",
    "name": "足球活动",
    "period_type": "bimonthly",
    "due_days": 5,
    "owner": "D-JC",
    "assigned_types": ["primary", "senior"],
    "elements": [
        {"code": "t_players", "name": "参与学生", "type": "integer", "min": 0},
        {"code": "t_status", "name": "状态", "type": "choice", "choices": ["未启动", "已完成"]},
        {"code": "t_percent", "name": "完成比例", "type": "percentage"},
    ],
    "rules": [
        {
            "code": "players_le_pupils",
            "left": "t_players",
            "operator": "<=",
            "right": "reported_pupils_total",
            "severity": "warning",
            "message": "参与学生多于在校生",
        },
        {
            "code": "players_jump",
            "left": "t_players",
            "operator": "<=",
            "right": "previous_t_players * 5 + 100",
            "severity": "warning",
            "message": "比上期增加超过5倍",
        },
        {
            "code": "done_below_full",
            "when": {"t_status": "已完成"},
            "left": "t_percent",
            "operator": ">=",
            "right": "100",
            "severity": "warning",
            "message": "已完成但不足100%",
        },
    ],
}


@pytest.fixture
def football_form(city):
    form, _version, _created = form_load(definition=definition_from_data(FOOTBALL, source="test"))
    for period in ("2016B3", "2016B4"):
        expected_reports_open(form=form, period_code=period)
    return form


def _report(city, form, period, values, submit=True):
    sub = submission_save(
        user=city.users["alice"],
        form=form,
        org_unit=city.jinshui_one,
        period_code=period,
        values=values,
    )
    if submit:
        sub = submission_submit(
            user=city.users["alice"], submission=sub, revision=sub.revision, comment="已核实"
        )
    return sub


def _warnings(sub):
    return sorted(p.element for p in submission_check(sub) if p.severity == "warning")


@time_machine.travel(datetime.datetime(2016, 8, 3, 9, 0, tzinfo=datetime.UTC))
def test_a_jump_of_more_than_five_times_the_previous_period_asks_for_a_comment(city, football_form):
    _report(city, football_form, "2016B3", {"t_players": "120"})
    sub = _report(city, football_form, "2016B4", {"t_players": "999999"}, submit=False)
    assert _warnings(sub) == ["players_jump"]
    with pytest.raises(SubmissionInvalid, match="请在说明中解释"):
        submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    sub = submission_save(
        user=city.users["alice"],
        form=football_form,
        org_unit=city.jinshui_one,
        period_code="2016B4",
        values={"t_players": "600"},
        revision=sub.revision,
    )
    assert _warnings(sub) == []  # 600 ≤ 120 × 5 + 100


@time_machine.travel(datetime.datetime(2016, 8, 3, 9, 0, tzinfo=datetime.UTC))
def test_without_a_previous_report_or_a_class_census_nothing_is_judged(city, football_form):
    sub = _report(city, football_form, "2016B4", {"t_players": "800"}, submit=False)
    assert _warnings(sub) == []


@time_machine.travel(datetime.datetime(2016, 8, 3, 9, 0, tzinfo=datetime.UTC))
def test_more_players_than_the_school_reported_pupils_asks_for_a_comment(
    city, football_form, class_form
):
    submission_submit(
        user=city.users["alice"],
        submission=(
            sub := submission_save(
                user=city.users["alice"],
                form=class_form,
                org_unit=city.jinshui_one,
                period_code="2016T1",
                values=GOOD,  # 900 pupils
            )
        ),
        revision=sub.revision,
    )
    over = _report(city, football_form, "2016B4", {"t_players": "950"}, submit=False)
    assert _warnings(over) == ["players_le_pupils"]


@time_machine.travel(datetime.datetime(2016, 8, 3, 9, 0, tzinfo=datetime.UTC))
def test_a_draft_of_the_previous_period_is_not_a_reference(city, football_form):
    _report(city, football_form, "2016B3", {"t_players": "10"}, submit=False)
    sub = _report(city, football_form, "2016B4", {"t_players": "5000"}, submit=False)
    assert _warnings(sub) == []


@time_machine.travel(datetime.datetime(2016, 8, 3, 9, 0, tzinfo=datetime.UTC))
def test_a_status_is_checked_against_its_percentage_only_when_it_applies(city, football_form):
    done_at_40 = _report(
        city, football_form, "2016B4", {"t_status": "已完成", "t_percent": "40"}, submit=False
    )
    assert _warnings(done_at_40) == ["done_below_full"]
    not_started_at_40 = submission_save(
        user=city.users["alice"],
        form=football_form,
        org_unit=city.jinshui_one,
        period_code="2016B4",
        values={"t_status": "未启动", "t_percent": "40"},
        revision=done_at_40.revision,
    )
    assert _warnings(not_started_at_40) == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"when": {"t_status": "进行中"}}, "t_status = 进行中"),
        ({"right": "previous_unknown * 5"}, "unknown"),
    ],
)
def test_a_rule_on_an_unknown_choice_or_element_is_refused_with_its_place(rule, message):
    data = copy.deepcopy(FOOTBALL)
    data["rules"][2] |= rule
    with pytest.raises(InputError, match=message) as excinfo:
        definition_from_data(data, source="test")
    assert "rules[2]" in str(excinfo.value.where)


def test_the_shipped_forms_check_football_players_and_measure_status():
    shipped = {d.code: d for d in definitions_from_dir()}
    football, measure = shipped["football-activity"], shipped["measure-progress"]
    assert {"players_le_pupils", "players_jump"} <= {r.code for r in football.rules}
    assert {"done_below_full", "not_started_with_progress"} <= {r.code for r in measure.rules}
