"""Status from work on the demo city: `eduplan plan status`, the cockpit's projects
without numeric targets (7 和谐机关, 12 教师管理体制, 15 职业教育), the bulletin's late tasks,
and the work breakdown page with its filters and its .xlsx."""

from __future__ import annotations

import io
import json
import re

import openpyxl
from django.core.management import call_command

from eduplan.core.periods import period_from_code
from eduplan.indicators.work import TaskState
from eduplan.plans.models import Plan, Task
from eduplan.supervision.bulletin import bulletin_build

NO_TARGETS = {7, 12, 15}
TASK_SHAPE = {"title", "lead", "deadline", "status", "milestones"}


def _plan_status(at: str) -> dict:
    out = io.StringIO()
    call_command("plan", "status", "--at", at, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_plan_status_has_its_shape_and_every_project_a_computed_status(as_user):
    data = _plan_status("2016B6")
    assert data["at"] == "2016B6"
    assert [p["number"] for p in data["projects"]] == list(range(1, 18))
    for p in data["projects"]:
        assert {"number", "name", "status", "reason", "owners"} <= set(p)
        assert p["status"] is not None, p
        assert p["status_label"] not in ("无量化目标", "无量化指标"), p
        assert p["owners"] and p["owners"][0].endswith("（牵头）")
    assert [w["number"] for w in data["work_points"]] == list(range(1, 29))
    assert len(data["measures"]) == 77
    for row in data["work_points"] + data["measures"]:
        assert row["status"] in set(TaskState) and row["tasks"], row
        assert all(set(t) >= TASK_SHAPE for t in row["tasks"])
    assert {"project", "number"} <= set(data["measures"][0])
    twelve = next(m for m in data["measures"] if (m["project"], m["number"]) == (12, 1))
    [task] = twelve["tasks"]
    assert task["title"] == "出台《郑州市新进教师招录办法》" and task["lead"] == "教师工作处"
    assert task["deadline"] == "2016-12-31"
    assert task["milestones"][0]["kind"] == "document"


def test_after_the_deadline_the_reason_names_the_task_and_how_late(as_user):
    data = _plan_status("2017B1")
    reasons = {p["number"]: p["reason"] for p in data["projects"]}
    late = [n for n in NO_TARGETS if re.fullmatch(r"任务「.+」逾期59天", reasons[n])]
    assert late, reasons


def test_the_cockpit_shows_the_projects_without_targets_with_a_status_from_their_tasks(as_user):
    body = as_user("leader").get("/dashboards/", {"at": "2016B6"}).content.decode()
    for number in NO_TARGETS:
        tile = re.search(rf'data-project="{number}">(.*?)</a>', body, re.S)
        assert tile, number
        assert "无量化目标" not in tile.group(1)
        assert re.search(r"badge text-bg-(success|primary|warning|danger|secondary)", tile.group(1))
        assert "项任务" in tile.group(1)
    screen = as_user("leader").get("/dashboards/screen/", {"at": "2017B1"}).content.decode()
    assert "逾期59天" in screen


def test_the_bulletin_lists_the_late_tasks_of_each_project(as_user):
    plan = Plan.objects.get()
    bulletin = bulletin_build(plan=plan, period=period_from_code("2017B1"))
    late = {p.number for p, _t in bulletin.late_tasks}
    assert late >= NO_TARGETS
    for _p, t in bulletin.late_tasks:
        assert t.state in (TaskState.OVERDUE, TaskState.BEHIND)
        assert t.reason.startswith(f"任务「{t.task.title}」")
    page = as_user("duchashi").get("/supervision/bulletin/", {"at": "2017B1"}).content.decode()
    assert "各工程逾期、滞后任务" in page
    seven = [t for p, t in bulletin.late_tasks if p.number == 7]
    assert f'data-task="{seven[0].task.pk}"' in page


def test_the_bulletin_shows_no_zeros_for_a_project_without_targets_and_counts_each_task_once(
    as_user,
):
    plan = Plan.objects.get()
    bulletin = bulletin_build(plan=plan, period=period_from_code("2017B1"))
    rows = {p.number: (p, cells) for p, cells in bulletin.project_rows}
    seven, cells = rows[7]
    assert not seven.targets and cells[:5] == ["—"] * 5
    assert cells[-1] == f"{len(seven.work.late)}/{len(seven.work.tasks)}"
    assert rows[1][1][0] != "—"  # project 1 has measured targets: counts, not dashes
    # 工作要点 20 restates 举措 12.1: its one task is listed once among project 12's.
    titles = [t.task.title for p, t in bulletin.late_tasks if p.number == 12]
    assert len(titles) == len(set(titles))
    page = as_user("duchashi").get("/supervision/bulletin/", {"at": "2017B1"}).content.decode()
    row = re.search(r'<tr data-project="7">(.*?)</tr>', page, re.S)
    assert row is not None
    assert row.group(1).count(">—<") == 6  # five counts and the share on track
    assert f">{cells[-1]}<" in row.group(1)
    assert "任务（滞后/共）" in page


def test_the_breakdown_page_filters_by_unit_and_status_and_downloads(as_user):
    client = as_user("jichu")
    everything = client.get("/dashboards/tasks/", {"at": "2016B6"}).content.decode()
    assert len(re.findall(r'data-task="\d+"', everything)) == Task.objects.count()
    mine = client.get("/dashboards/tasks/", {"at": "2016B6", "unit": "DEPT-JSC"}).content.decode()
    jsc = Task.objects.filter(lead_unit__code="DEPT-JSC").count()
    co = Task.objects.filter(co_units__code="DEPT-JSC").exclude(lead_unit__code="DEPT-JSC")
    assert len(re.findall(r'data-task="\d+"', mine)) == jsc + co.count()
    behind = client.get("/dashboards/tasks/", {"at": "2016B6", "status": "behind"}).content
    rows = re.findall(r'data-task="\d+"', behind.decode())
    assert rows and "进度滞后" in behind.decode()
    export = client.get(
        "/dashboards/tasks/", {"at": "2016B6", "status": "behind", "export": "tasks"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any("牵头单位" in (v or "") for v in values[0] + values[1] if isinstance(v, str))
    assert sum(1 for row in values if "滞后" in row) == len(rows)


def test_a_task_page_offers_marking_done_to_its_lead_unit_only(as_user):
    # A task of 基础教育处 (jichu) with a milestone not done (the demo has done most).
    task = Task.objects.filter(lead_unit__code="DEPT-JCJY", milestones__isnull=False).first()
    assert task is not None
    task.milestones.update(done_on=None)
    at = {"at": "2016B6"}
    own = as_user("jichu").get(f"/dashboards/tasks/{task.pk}/", at).content.decode()
    other = as_user("tiweiyi").get(f"/dashboards/tasks/{task.pk}/", at).content.decode()
    assert "标记完成" in own and "标记完成" not in other
    assert task.title in other
