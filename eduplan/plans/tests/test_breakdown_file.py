"""A breakdown file that is not right is refused whole, naming file, line, column and
path, and nothing is stored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eduplan.core.errors import InputError
from eduplan.plans.loading import plan_spec_from_file
from eduplan.plans.models import Plan, Task
from eduplan.plans.services import plan_load
from eduplan.plans.tests.test_plan_file import PLAN

BREAKDOWN = """\
plan: shifan
tasks:
  - measure: "1.1"
    title: 搞好协调和服务
    lead: D-JC
    co: [410105]
    deadline: 2016-12-31
    milestones:
      - {kind: document, title: 出台《示范办法》, document: 示范办法}
  - work_point: 1
    title: 新建学校
    lead: D-JC
    deadline: 2016-06-30
"""


def _load(tmp_path: Path, breakdown: str) -> Plan:
    (tmp_path / "plan.yaml").write_text(
        PLAN.replace("end_year: 2018\n", "end_year: 2018\nbreakdown: tasks.yaml\n"),
        encoding="utf-8",
    )
    (tmp_path / "tasks.yaml").write_text(breakdown, encoding="utf-8")
    return plan_load(spec=plan_spec_from_file(tmp_path / "plan.yaml"))


def test_the_breakdown_the_refusals_start_from_loads(city, tmp_path: Path):
    plan = _load(tmp_path, BREAKDOWN)
    measure_task, point_task = Task.objects.filter(plan=plan).order_by("pk")
    assert measure_task.measure is not None and point_task.work_point is not None
    assert (measure_task.measure.number, measure_task.number) == (1, 1)
    assert [u.code for u in measure_task.co_units.all()] == ["410105"]
    milestone = measure_task.milestones.get()
    assert (milestone.kind, milestone.document_title, str(milestone.due_on)) == (
        "document",
        "示范办法",
        "2016-12-31",
    )
    assert point_task.work_point.number == 1 and str(point_task.deadline) == "2016-06-30"


REFUSED = [
    ("plan: other\n", "tasks.yaml:1:7 plan", "other"),
    ("plan: shifan\ntasks: {a: 1}\n", "tasks.yaml:2:8 tasks", "列表"),
    (BREAKDOWN.replace("    lead: D-JC\n    co", "    co"), "tasks.yaml:3:5 tasks[0]", "lead"),
    (BREAKDOWN.replace("title: 搞好", "titel: 搞好"), "tasks.yaml:3:5 tasks[0].title", "title"),
    (
        BREAKDOWN.replace("deadline: 2016-12-31", "deadline: 2016-13-01"),
        "tasks[0].deadline",
        "2016-13-01",
    ),
    (BREAKDOWN.replace("kind: document", "kind: paper"), "tasks[0].milestones[0].kind", "paper"),
    (
        BREAKDOWN.replace('measure: "1.1"', 'measure: "1.2"'),
        "tasks.yaml:3:14 tasks[0].measure",
        "1.2",
    ),
    (BREAKDOWN.replace('measure: "1.1"', "measure: first"), "tasks[0].measure", "12.1"),
    (BREAKDOWN.replace("work_point: 1", "work_point: 9"), "tasks[1].work_point", "9"),
    (
        BREAKDOWN.replace("  - work_point: 1\n    title", "  - title"),
        "tasks[1]",
        "一条举措或一条工作要点",
    ),
    (
        BREAKDOWN.replace("deadline: 2016-06-30", "deadline: 2019-06-30"),
        "tasks.yaml:13:15 tasks[1].deadline",
        "2019",
    ),
    (
        BREAKDOWN.replace("lead: D-JC\n    deadline", "lead: D-NONE\n    deadline"),
        "tasks.yaml:12:11 tasks[1].lead",
        "D-NONE",
    ),
    (
        BREAKDOWN.replace("co: [410105]", "co: [410105-P1]"),
        "tasks.yaml:6:10 tasks[0].co[0]",
        "410105-P1",
    ),
    (BREAKDOWN.replace("co: [410105]", "co: [D-JC]"), "tasks[0].co", "配合单位"),
]


@pytest.mark.parametrize(("text", "where", "fragment"), REFUSED)
def test_a_bad_breakdown_is_refused_with_its_place_and_nothing_is_stored(
    city, tmp_path: Path, text: str, where: str, fragment: str
):
    with pytest.raises(InputError, match=re.escape(fragment)) as excinfo:
        _load(tmp_path, text)
    assert where in str(excinfo.value)
    assert fragment in str(excinfo.value)
    assert not Plan.objects.exists() and not Task.objects.exists()


def test_a_breakdown_file_that_is_not_there_is_refused(city, tmp_path: Path):
    (tmp_path / "plan.yaml").write_text(
        PLAN.replace("end_year: 2018\n", "end_year: 2018\nbreakdown: ../tasks.yaml\n"),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"plan\.yaml:6:12 breakdown: .*tasks\.yaml"):
        plan_spec_from_file(tmp_path / "plan.yaml")
