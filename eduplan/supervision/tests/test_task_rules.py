"""A task reported behind (滞后) in two bimonthly periods in a row raises an order for its
lead unit, once per pair of periods; a task milestone overdue goes to the lead unit too."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from eduplan.plans.models import PlanStatus
from eduplan.plans.tests.factories import make_plan, make_task
from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.models import DataElement, DataValue, Status, Submission
from eduplan.reporting.services import form_load
from eduplan.supervision.models import Rule, SupervisionOrder
from eduplan.supervision.services import supervision_scan

FORM_FILE = Path(__file__).parents[2] / "reporting" / "data" / "forms" / "measure-progress.yaml"


@pytest.fixture
def progress_form(city):
    data = yaml.safe_load(FORM_FILE.read_text(encoding="utf-8"))
    data["owner"] = "D-JC"
    form, _version, _created = form_load(definition=definition_from_data(data, source="test"))
    return form


@pytest.fixture
def task(city):
    plan = make_plan(code="city", organisation=city.root, owners={1: city.dept_basic})
    plan.status = PlanStatus.ACTIVE
    plan.save()
    return make_task(plan=plan, lead=city.jinshui, milestone_kind=None, title="推进改薄工作")


def _report(form, task, period: str, status: str) -> None:
    sub = Submission.objects.create(
        form=form,
        form_version=form.current_version,
        org_unit=task.lead_unit,
        period=period,
        subject=f"task:{task.pk}",
        status=Status.APPROVED,
    )
    DataValue.objects.create(
        submission=sub,
        element=DataElement.objects.get(code="mp_status"),
        org_unit=task.lead_unit,
        period=period,
        text=status,
    )


def _orders():
    return list(SupervisionOrder.objects.filter(rule=Rule.TASK_BEHIND_TWICE))


def test_behind_twice_in_a_row_raises_one_order_for_the_lead_unit(city, progress_form, task):
    _report(progress_form, task, "2016B4", "滞后")
    _report(progress_form, task, "2016B5", "正常推进")
    _report(progress_form, task, "2016B6", "滞后")
    supervision_scan(at=datetime.date(2017, 1, 10))
    assert _orders() == []  # B5 then B6: not twice in a row
    _report(progress_form, task, "2017B1", "滞后")
    supervision_scan(at=datetime.date(2017, 3, 10))
    [order] = _orders()
    assert order.responsible_unit == city.jinshui
    assert order.subject == f"task:{task.pk}" and "推进改薄工作" in order.title
    assert "2016年第6双月" in order.detail and "2017年第1双月" in order.detail
    supervision_scan(at=datetime.date(2017, 3, 20))
    assert len(_orders()) == 1


def test_a_draft_plans_tasks_raise_nothing(city, progress_form, task):
    task.plan.status = PlanStatus.DRAFT
    task.plan.save(update_fields=["status"])
    _report(progress_form, task, "2016B5", "滞后")
    _report(progress_form, task, "2016B6", "滞后")
    supervision_scan(at=datetime.date(2017, 1, 10))
    assert _orders() == []


def test_an_overdue_task_milestone_goes_to_the_tasks_lead_unit(city, progress_form):
    plan = make_plan(code="city", organisation=city.root, owners={1: city.dept_basic})
    plan.status = PlanStatus.ACTIVE
    plan.save()
    make_task(plan=plan, lead=city.erqi, milestone_kind="body", title="成立领导小组")
    supervision_scan(at=datetime.date(2017, 1, 1))
    [order] = SupervisionOrder.objects.filter(rule=Rule.MILESTONE_OVERDUE)
    assert order.responsible_unit == city.erqi
    assert order.title == "举措 1.1：成立领导小组"
