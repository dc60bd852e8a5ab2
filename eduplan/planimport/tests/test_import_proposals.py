"""Importing a plan text proposes its deliverables as unconfirmed tasks with their
milestones, led by the supervision office until the owners decide; the review page lists
them first."""

from __future__ import annotations

import pytest

from eduplan.demo.services import org_load_file
from eduplan.org.models import OrgUnit
from eduplan.planimport.importing import plan_import
from eduplan.planimport.parsing import parse_plan
from eduplan.planimport.tests.test_import_cli import SMALL_PLAN
from eduplan.planimport.tests.test_import_review import _review_url
from eduplan.plans.models import Milestone, Task
from eduplan.plans.tests.test_breakdown import PLAN_TEXT


@pytest.fixture
def bureau(db) -> OrgUnit:
    org_load_file()
    return OrgUnit.objects.get(code="410100")


def test_the_zhengzhou_text_imports_with_its_deliverables_proposed(bureau):
    parsed = parse_plan(PLAN_TEXT.read_text(encoding="utf-8"), filename=PLAN_TEXT.name)
    plan = plan_import(parsed=parsed, code="zz-import", name="导入稿", organisation=bureau)
    tasks = Task.objects.filter(plan=plan)
    assert tasks.count() >= 30
    assert not tasks.filter(confirmed=True).exists()
    assert set(tasks.values_list("lead_unit__code", flat=True)) == {"DEPT-DCS"}
    document = Milestone.objects.get(
        task__plan=plan,
        task__measure__project__number=12,
        document_title="郑州市新进教师招录办法",
    )
    assert (document.kind, document.title, str(document.due_on)) == (
        "document",
        "出台《郑州市新进教师招录办法》",
        "2016-12-31",
    )
    assert Milestone.objects.filter(
        task__plan=plan, kind="meeting", title="召开职教工作会"
    ).exists()
    assert "暂定督查室" in tasks.first().note


def test_without_the_office_department_nothing_is_proposed(city):
    parsed = parse_plan("示范县2016年工作要点\n一、党建\n1. 出台《示范办法》。\n", filename="x.txt")
    plan = plan_import(parsed=parsed, code="shifan", name="示范", organisation=city.root)
    assert plan.work_points.count() == 1 and not Task.objects.exists()


def test_the_review_page_lists_the_proposed_deliverables(client, city):
    client.force_login(city.users["sue"])
    text = SMALL_PLAN.replace("二是保障土地。", "二是出台《土地保障办法》。")
    page = client.get(_review_url(client, text)).content.decode()
    assert "建议的任务和推进步骤" in page
    assert "出台《土地保障办法》" in page and "出台文件" in page
    assert "建成党建示范校20所" not in page.split('id="proposals"')[1].split("</table>")[0]
