"""Migration 0005: orders once assigned to the supervision office go to the unit that
does the work, with the reassignment in their history; a rules run's 立项交办 moves to
its 交办日期."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

import time_machine
from django.apps import apps
from django.utils import timezone

from eduplan.org.models import UnitType
from eduplan.org.tests.factories import OrgUnitFactory
from eduplan.plans.models import Target
from eduplan.plans.tests.factories import make_plan, make_task
from eduplan.supervision.models import CoHandler, OrderEvent, SupervisionOrder
from eduplan.supervision.rules import Finding
from eduplan.supervision.services import order_create

migration = importlib.import_module(
    "eduplan.supervision.migrations.0005_no_order_for_the_office_itself"
)


def _order(unit, subject: str) -> SupervisionOrder:
    finding = Finding(
        rule="target_off_track",
        subject=subject,
        occurrence="2016B6",
        unit=unit,
        title="工作要点 1：党建示范点",
        detail="进度滞后",
    )
    order = order_create(finding=finding, at=datetime.date(2017, 1, 10), respond_days=7)
    assert order is not None
    return order


def test_orders_of_the_office_move_to_the_unit_leading_the_work(city):
    office = OrgUnitFactory(
        code="DEPT-DCS", name="督查室", type=UnitType.DEPARTMENT, parent=city.root
    )
    plan = make_plan(code="old", organisation=city.root)
    make_task(plan=plan, lead=city.dept_basic)  # the work point's task
    point = Target.objects.create(
        plan=plan,
        work_point=plan.work_points.get(),
        indicator="党建示范点",
        value=Decimal(10),
        unit="个",
        comparator=">=",
        source="建设10个党建示范点",
    )
    with time_machine.travel(datetime.datetime(2026, 12, 6, 2, tzinfo=datetime.UTC)):
        for_point = _order(office, f"target:{point.pk}")
        other = _order(office, "report:9")
        fine = _order(city.dept_sports, "target:0")
    CoHandler.objects.create(order=fine, unit=office)
    # As the old code stamped it: raised on 2026-12-06 for 2017-01-10.
    OrderEvent.objects.filter(action="assign").update(at=timezone.now())
    migration.forwards(apps, None)
    for_point.refresh_from_db()
    other.refresh_from_db()
    fine.refresh_from_db()
    assert for_point.responsible_unit == city.dept_basic
    assert other.responsible_unit == city.root  # the bureau above the office
    assert fine.responsible_unit == city.dept_sports
    assert not SupervisionOrder.objects.filter(responsible_unit=office).exists()
    assert not CoHandler.objects.filter(unit=office).exists()
    moved = for_point.events.get(action="reassign")
    assert city.dept_basic.name in moved.note
    assigned = {timezone.localdate(e.at) for e in OrderEvent.objects.filter(action="assign")}
    assert assigned == {datetime.date(2017, 1, 10)}
