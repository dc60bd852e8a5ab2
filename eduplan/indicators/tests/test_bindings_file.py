"""A bindings file that is not right is refused, naming file, line, column and path, and
the plan keeps the bindings it had."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eduplan.core.errors import InputError
from eduplan.indicators.loading import bindings_load
from eduplan.indicators.models import TargetBinding
from eduplan.org.services import group_specs_from_data, org_groups_create
from eduplan.plans.tests.factories import make_plan

BINDINGS = """\
plan: city
bindings:
  - where: 第一项工程 三年总目标
    indicator: 示范学校
    metric: org.schools_opened
    goal: absolute
    baseline: 0
    baseline_on: 2015-12-31
    start: 2016-01-01
    due: 2018-12-31
    trajectory: steps
    steps:
      - {by: 2016-12-31, value: 1}
      - {by: 2018-12-31, value: 3}
    units: 市区
    provisional: 只统计新开办的学校
  - {where: 第二项工程 三年总目标, indicator: 示范学校, metric: org.schools_opened,
     goal: absolute, baseline_on: 2015-12-31, start: 2016-01-01, due: 2018-12-31}
"""
SECOND = """\
  - {where: 第二项工程 三年总目标, indicator: 示范学校, metric: org.schools_opened,
     goal: absolute, baseline_on: 2015-12-31, start: 2016-01-01, due: 2018-12-31}
"""


def _with(old: str, new: str) -> str:
    assert BINDINGS.count(old) == 1, old
    return BINDINGS.replace(old, new)


@pytest.fixture
def bound(city, tmp_path: Path) -> list[tuple[str, str]]:
    """The plan's two targets bound by BINDINGS; returns what is stored."""
    make_plan(code="city", organisation=city.root, owners={1: city.dept_basic, 2: city.dept_sports})
    urban = {"code": "urban", "name": "市区", "members": ["410105"]}
    org_groups_create(specs=group_specs_from_data(data={"groups": [urban]}, source="t"))
    path = tmp_path / "bindings.yaml"
    path.write_text(BINDINGS, encoding="utf-8")
    bindings_load(path=path)
    return _stored()


def _stored() -> list[tuple[str, str]]:
    return list(TargetBinding.objects.order_by("pk").values_list("metric_key", "steps"))


def test_the_file_the_refusals_start_from_binds_both_targets(bound):
    assert bound == [
        (
            "org.schools_opened@urban",
            [{"on": "2016-12-31", "value": 1}, {"on": "2018-12-31", "value": 3}],
        ),
        ("org.schools_opened", []),
    ]


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        (_with("goal: absolute\n", "goal: absolute: yes\n"), "bad.yaml:6:19", "YAML 格式错误"),
        ("- plan: city\n", "bad.yaml:1:1", "键值结构"),
        (_with(SECOND, "  - 第二项工程\n"), "bad.yaml:17:5 bindings[1]", "键值结构"),
        (
            _with("- {by: 2016-12-31, value: 1}", "- 2016-12-31"),
            "bad.yaml:13:9 bindings[0].steps[0]",
            "键值结构",
        ),
        (
            _with("2016-12-31, value: 1}", "2016-12-31}"),
            "bad.yaml:13:9 bindings[0].steps[0].value",
            "缺少必填的键 value",
        ),
        (
            _with("    metric: org.schools_opened\n", ""),
            "bad.yaml:3:5 bindings[0].metric",
            "缺少必填的键 metric",
        ),
        (
            _with("provisional:", "provisonal:"),
            "bad.yaml:16:5 bindings[0].provisonal",
            "未知的键 provisonal",
        ),
        (_with("baseline: 0\n", "baseline: 零\n"), "bad.yaml:7:15 bindings[0].baseline", "数字"),
        (
            _with("provisional: 只统计新开办的学校", "provisional: true"),
            "bad.yaml:16:18 bindings[0].provisional",
            "文本，而不是 True",
        ),
        (
            _with("provisional: 只统计新开办的学校", 'provisional: ""'),
            "bad.yaml:16:18 bindings[0].provisional",
            "非空文本",
        ),
        (
            _with("start: 2016-01-01\n", "start: 2016-13-01\n"),
            "bad.yaml:9:12 bindings[0].start",
            "日期",
        ),
        (
            _with("goal: absolute\n", "goal: total\n"),
            "bad.yaml:6:11 bindings[0].goal",
            "absolute, add, reduce_percent, increase_percent, per_year",
        ),
        (
            _with("trajectory: steps", "trajectory: curve"),
            "bad.yaml:11:17 bindings[0].trajectory",
            "linear, steps",
        ),
        (
            _with("baseline: 0\n", "baseline: 0.12345\n"),
            "bad.yaml:7:15 bindings[0].baseline",
            "小数点后至多允许 4 位",
        ),
        (
            _with("baseline: 0\n", f"baseline: 1{'0' * 17}\n"),
            "bad.yaml:7:15 bindings[0].baseline",
            "整数部分至多允许 16 位",
        ),
        (_with("due: 2018-12-31\n", "due: 2015-12-31\n"), "bad.yaml:10:10 bindings[0].due", "早于"),
        (
            _with(
                "metric: org.schools_opened\n    goal", "metric: org.schools_opened@urban\n    goal"
            ),
            "bad.yaml:5:13 bindings[0].metric",
            "units:",
        ),
        (_with("plan: city", "plan: nowhere"), "bad.yaml:1:7 plan", "规划"),
        (
            _with("indicator: 示范学校\n", "indicator: 不存在\n"),
            "bad.yaml:3:5 bindings[0]",
            "不存在",
        ),
        (
            _with("- {where: 第二项工程", "- {where: 第一项工程"),
            "bad.yaml:17:5 bindings[1]",
            "bad.yaml:3:5 bindings[0]",
        ),
        (_with("units: 市区", "units: 郊区"), "bad.yaml:15:12 bindings[0].units", "郊区"),
        (
            _with("metric: org.schools_opened\n    goal", "metric: org.nothing\n    goal"),
            "bad.yaml:5:13 bindings[0].metric",
            "org.nothing",
        ),
    ],
)
def test_a_bad_bindings_file_is_refused_with_its_place_and_the_bindings_stay(
    bound, tmp_path: Path, text: str, where: str, fragment: str
):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(fragment)) as refused:
        bindings_load(path=path)
    assert refused.value.where == where
    assert fragment in refused.value.message
    assert _stored() == bound
