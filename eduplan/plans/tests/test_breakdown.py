"""The Zhengzhou plan ships with its work breakdown: every measure and work point has a
task with a lead unit and a deadline, and every document the plan text says will be
issued (出台《…》) is a milestone."""

from __future__ import annotations

import re

import pytest

from eduplan.demo.services import PLAN_FILE, org_load_file
from eduplan.org.models import UnitType
from eduplan.plans.loading import plan_spec_from_file
from eduplan.plans.models import Measure, Milestone, MilestoneKind, Plan, Task, WorkPoint
from eduplan.plans.services import plan_load

PLAN_TEXT = PLAN_FILE.parent / "sources" / "zhengzhou-2016-plan.txt"


@pytest.fixture
def plan(db) -> Plan:
    org_load_file()
    return plan_load(spec=plan_spec_from_file(PLAN_FILE))


def test_every_measure_and_work_point_has_a_task_with_a_lead_unit_and_a_deadline(plan):
    measures = Measure.objects.filter(project__plan=plan)
    points = WorkPoint.objects.filter(plan=plan)
    assert measures.count() == 77 and points.count() == 28
    assert not measures.filter(tasks__isnull=True).exists()
    assert not points.filter(tasks__isnull=True).exists()
    tasks = Task.objects.filter(plan=plan).select_related("lead_unit")
    assert tasks.count() == 102
    for task in tasks:
        assert task.lead_unit.type in (UnitType.DEPARTMENT, UnitType.DISTRICT), task
        assert task.deadline.year == task.year == 2016, task
        assert task.confirmed


def test_a_measures_task_is_led_by_its_projects_lead_department(plan):
    task = Task.objects.get(measure__project__number=12, measure__number=1)
    assert task.title == "出台《郑州市新进教师招录办法》"
    assert task.lead_unit.code == "DEPT-JSC"
    assert {u.code for u in task.co_units.all()} == {"DEPT-ZZC", "DEPT-JJC"}


def test_a_matter_the_plan_names_twice_is_one_task_serving_the_measure_and_the_work_point(plan):
    # 工作要点 20 restates 举措 12.1 (出台《郑州市新进教师招录办法》): one task, two places.
    task = Task.objects.get(work_point__number=20)
    assert (task.measure.project.number, task.measure.number) == (12, 1)
    assert task.place == "举措 12.1（工作要点 20）"
    assert Task.objects.filter(plan=plan, title=task.title).count() == 1
    both = Task.objects.filter(plan=plan, measure__isnull=False, work_point__isnull=False)
    assert sorted(t.work_point.number for t in both) == [9, 13, 15, 16, 18, 20, 22, 25]


def test_a_work_points_lead_is_the_department_its_text_implies_and_the_note_says_so(plan):
    task = Task.objects.get(work_point__number=24)
    assert task.lead_unit.code == "DEPT-ZCFG"
    assert "按文意" in task.note


def test_every_document_the_plan_text_issues_is_a_milestone(plan):
    text = PLAN_TEXT.read_text(encoding="utf-8")
    issued = set(re.findall(r"出台《([^》]+)》", text))
    assert issued == {"郑州市新进教师招录办法", "郑州市关于加快发展现代职业教育的实施意见"}
    documents = Milestone.objects.filter(task__plan=plan, kind=MilestoneKind.DOCUMENT)
    for title in issued:
        milestone = documents.get(document_title=title)
        assert milestone.title == f"出台《{title}》"
        assert milestone.due_on.isoformat() == "2016-12-31"
    # Every other document the text says will be drawn up (制订/制定/拟定《…》) too.
    drawn_up = set(re.findall(r"(?:制订|制定|拟定)(?:并落实)?《([^》]+)》", text))
    assert drawn_up <= set(documents.values_list("document_title", flat=True))


@pytest.mark.parametrize(
    ("kind", "example"),
    [
        ("body", "成立校园安全工作室"),
        ("meeting", "召开职教工作会"),
        ("system", "建成中等职业教育综合管理信息平台并试运行"),
        ("pilot", "启动新高考改革研究"),
    ],
)
def test_the_other_deliverables_are_milestones_worded_as_the_text_words_them(plan, kind, example):
    text = PLAN_TEXT.read_text(encoding="utf-8")
    # As titles word them: 启动开展创客教育项目 → 启动创客教育项目, 平台，并试运行 → 平台并试运行.
    text = text.replace("启动开展", "启动").replace("，并试运行", "并试运行")
    titles = set(
        Milestone.objects.filter(task__plan=plan, kind=kind).values_list("title", flat=True)
    )
    assert example in titles
    assert all(title in text for title in titles), titles


def test_project_sevens_yearly_milestones_stay_the_projects(plan):
    milestones = Milestone.objects.filter(project__number=7, project__plan=plan)
    assert [m.title for m in milestones] == [
        "制订方案、开始试行",
        "完善方案、改进工作",
        "形成制度、常态实施",
    ]
    assert all(m.task is None for m in milestones)
