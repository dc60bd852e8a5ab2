"""A plan file that is not right is refused whole, naming file, line, column and path,
and nothing is stored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eduplan.core.errors import InputError
from eduplan.plans.loading import plan_spec_from_file
from eduplan.plans.models import Plan
from eduplan.plans.services import plan_load

PLAN = """\
code: shifan
name: 示范规划
organisation: "410100"
start_year: 2016
end_year: 2018
projects:
  - number: 1
    name: 学校建设工程
    owners:
      - {department: D-JC, role: lead}
    goals:
      - horizon: annual
        year: 2016
        text: 新建学校30所
        targets:
          - {value: 30, unit: 所, comparator: "=", indicator: 新建学校, source: 新建学校30所}
    measures:
      - text: 搞好协调和服务
sections:
  - number: 1
    title: 力推建校
    work_points:
      - number: 1
        text: 新建学校
        projects: [1]
"""
RESTATING = (
    '        projects: [1]\n        targets: [{value: 30, unit: 所, comparator: "=", '
    "indicator: 新建学校, source: 新建, restates: 第一项工程 2017年}]"
)


def _with(old: str, new: str) -> str:
    assert PLAN.count(old) == 1, old
    return PLAN.replace(old, new)


def _load(tmp_path: Path, text: str) -> Plan:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return plan_load(spec=plan_spec_from_file(path))


def test_the_plan_the_refusals_start_from_loads(city, tmp_path: Path):
    plan = _load(tmp_path, PLAN)
    assert (plan.code, plan.projects.count(), plan.targets.count()) == ("shifan", 1, 1)


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        (_with("name: 学校建设工程", "name: 学校: 建设工程"), "plan.yaml:8:13", "YAML 格式错误"),
        ("", "plan.yaml", "键值结构"),
        ("- 示范规划\n", "plan.yaml:1:1", "键值结构"),
        (
            _with("- {department: D-JC, role: lead}", "- D-JC"),
            "plan.yaml:10:9 projects[0].owners[0]",
            "键值结构",
        ),
        (
            _with("unit: 所, ", ""),
            "plan.yaml:16:13 projects[0].goals[0].targets[0].unit",
            "缺少必填的键 unit",
        ),
        (_with("measures:", "measure:"), "plan.yaml:17:5 projects[0].measure", "未知的键 measure"),
        (
            _with("value: 30", "value: 三十"),
            "plan.yaml:16:21 projects[0].goals[0].targets[0].value",
            "应为数字",
        ),
        (
            _with("projects: [1]", "projects: 1"),
            "plan.yaml:25:19 sections[0].work_points[0].projects",
            "列表",
        ),
        (
            _with("text: 新建学校\n", "text: yes\n"),
            "plan.yaml:24:15 sections[0].work_points[0].text",
            "文本，而不是 True",
        ),
        (
            _with("role: lead", "role: leader"),
            "plan.yaml:10:34 projects[0].owners[0].role",
            "lead, responsible",
        ),
        (
            _with("horizon: annual", "horizon: yearly"),
            "plan.yaml:12:18 projects[0].goals[0].horizon",
            "three_year, annual",
        ),
        (
            _with("- number: 1\n    name:", "- number: 0\n    name:"),
            "plan.yaml:7:13 projects[0].number",
            "小于允许的最小值 1",
        ),
        (
            _with("year: 2016\n        text", "year: 2020\n        text"),
            "plan.yaml:13:15 projects[0].goals[0].year",
            "2020 超出 2016—2018",
        ),
        (_with("end_year: 2018", "end_year: 2015"), "plan.yaml:5:11 end_year", "2015 超出"),
        (
            _with('comparator: "="', "comparator: between"),
            "plan.yaml:16:13 projects[0].goals[0].targets[0].value_max",
            "value_max",
        ),
        (
            _with("role: lead", "role: responsible"),
            "plan.yaml:10:7 projects[0].owners",
            "牵头",
        ),
        (
            _with("projects: [1]", "projects: [7]"),
            "plan.yaml:25:20 sections[0].work_points[0].projects[0]",
            "7",
        ),
        (
            _with("- number: 1\n    title", "- number: 2\n    title"),
            "plan.yaml:20:13 sections[0].number",
            "1、2、3",
        ),
        (
            _with("name: 学校建设工程\n", "name: 学校建设工程\n    name: 学校美育工程\n"),
            "plan.yaml:9:5",
            "键重复：name",
        ),
        (
            _with("        projects: [1]", RESTATING),
            "plan.yaml:26:96 sections[0].work_points[0].targets[0].restates",
            "第一项工程 2017年",
        ),
        (
            _with("role: lead}\n", "role: lead}\n      - {department: D-JC, role: responsible}\n"),
            "plan.yaml:11:22 projects[0].owners[1].department",
            "D-JC",
        ),
        (
            _with("D-JC", "D-NONE"),
            "plan.yaml:10:22 projects[0].owners[0].department",
            "D-NONE",
        ),
        (_with('"410100"', '"999999"'), "plan.yaml:3:15 organisation", "999999"),
        (
            _with("unit: 所,", f"unit: {'所' * 21},"),
            "plan.yaml:16:31 projects[0].goals[0].targets[0].unit",
            "至多允许 20 个字符",
        ),
    ],
)
def test_a_bad_plan_file_is_refused_with_its_place_and_nothing_is_stored(
    city, tmp_path: Path, text: str, where: str, fragment: str
):
    with pytest.raises(InputError, match=re.escape(fragment)) as refused:
        _load(tmp_path, text)
    assert refused.value.where == where
    assert fragment in refused.value.message
    assert not Plan.objects.exists()
