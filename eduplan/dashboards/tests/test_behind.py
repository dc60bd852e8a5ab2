"""What is behind and whose: lagging targets, late tasks and orders past their deadline,
each with its owner and how late, worst first, on the cockpit and the big screen."""

from __future__ import annotations

import datetime
import io
from collections import Counter
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eduplan.core.figures_cache import figures_stamp
from eduplan.core.periods import period_from_code
from eduplan.dashboards.selectors.behind import (
    ORDERS_LISTED,
    OWNERS_LISTED,
    behind_build,
    orders_behind,
    plan_behind,
)
from eduplan.dashboards.selectors.frame import Frame, frame_for
from eduplan.indicators.models import TargetAssessment
from eduplan.indicators.projects import ProjectStatus
from eduplan.indicators.status import Status, TargetStatus, target_status_list
from eduplan.indicators.work import plan_work
from eduplan.org.models import OrgUnit
from eduplan.plans.models import Plan, PlanStatus, Project, Target
from eduplan.plans.tests.factories import make_plan, make_task
from eduplan.supervision.tests.conftest import raise_order

AT = "2017B1"  # ends 2017-02-28


def _plan(city) -> Plan:
    plan = make_plan(
        code="behind", organisation=city.root, owners={1: city.dept_basic, 2: city.dept_sports}
    )
    plan.status = PlanStatus.ACTIVE
    plan.save(update_fields=["status"])
    return plan


def _behind(city, plan: Plan, username: str):
    at = period_from_code(AT)
    frame = Frame(plan=plan, unit=city.root, at=at, periods=[at], stamp=figures_stamp())
    statuses = target_status_list(plan=plan, at=at, unit=city.root)
    work = plan_work(plan=plan, at=at, unit=city.root)
    return behind_build(
        plan_items=plan_behind(frame, statuses, work.tasks),
        orders=orders_behind(user=city.users[username], day=timezone.localdate()),
    )


@pytest.mark.django_db
def test_the_lagging_items_name_their_owners_and_how_late_worst_first(city):
    plan = _plan(city)
    make_task(plan=plan, lead=city.jinshui, title="出台《学位办法》")  # due 2016-12-31
    behind_target = Target.objects.get(plan=plan, goal__project__number=2)
    TargetAssessment.objects.create(
        target=behind_target,
        period=AT,
        status="off_track",
        comment="进度滞后",
        assessed_by=city.users["dan"],
    )
    raise_order(city.jinshui_one, at=datetime.date(2016, 9, 1))  # long red
    behind = _behind(city, plan, "lee")
    rows = [(i.kind, i.owner, i.severity) for i in behind.items]
    # Overdue and red first (the plan's task before the order chasing it), then behind.
    assert rows == [
        ("task", city.jinshui.name, 3),
        ("order", city.jinshui_one.name, 3),
        ("target", city.dept_sports.name, 2),  # the project's lead department
    ]
    task = behind.items[0]
    assert task.days_late == 59 and "59" in task.late
    assert {o.owner for o in behind.owners} == {i.owner for i in behind.items}


@pytest.mark.django_db
def test_nobody_sees_another_units_orders_among_the_lagging_items(city):
    plan = _plan(city)
    raise_order(city.jinshui_one, at=datetime.date(2016, 9, 1))
    raise_order(city.erqi_one, at=datetime.date(2016, 9, 1))
    kinds = Counter(i.owner for i in _behind(city, plan, "bob").items if i.kind == "order")
    assert kinds == {city.jinshui_one.name: 1}


def test_a_projects_key_target_is_the_one_that_stands_worst_not_the_first_met():
    unit = OrgUnit(name="郑州市教育局")

    def row(indicator: str, status: Status, actual: str) -> TargetStatus:
        target = Target(indicator=indicator)
        return TargetStatus(
            target=target, unit=unit, kind="measured", status=status, actual=Decimal(actual)
        )

    met, behind = row("学前三年毛入园率", Status.DONE, "91.8"), row("普惠率", Status.MISSED, "73.7")
    project = ProjectStatus(Project(number=13), [met, behind], Status.MISSED, Counter())
    assert project.key_target is behind


@pytest.mark.django_db
def test_the_cockpits_queries_do_not_grow_with_the_lagging_items(client, city):
    plan = _plan(city)
    client.force_login(city.users["lee"])
    client.get("/dashboards/", {"at": AT})  # sessions, content types: warmed once

    def queries() -> dict[str, int]:
        client.get("/dashboards/", {"at": AT})  # the marks of the rows just made worked off
        counts = {}
        for url in ("/dashboards/", "/dashboards/screen/"):
            caches["figures"].clear()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, {"at": AT}).status_code == 200
            counts[url] = len(captured)
        return counts

    make_task(plan=plan, lead=city.jinshui, title="任务一")
    raise_order(city.jinshui_one, at=datetime.date(2016, 9, 1))
    few = queries()
    for n, unit in enumerate((city.erqi, city.dept_basic, city.dept_sports, city.jinshui)):
        make_task(plan=plan, lead=unit, title=f"任务{n + 2}")
        raise_order(city.erqi_one, at=datetime.date(2016, 9, 1) + datetime.timedelta(days=n))
    assert queries() == few


def test_a_leaders_cockpit_lists_every_lagging_items_owner_and_exports_them_all(as_user):
    client = as_user("leader")
    body = client.get("/dashboards/", {"at": "2016B6"}).content.decode()
    from django.contrib.auth import get_user_model

    leader = get_user_model().objects.get(username="leader")
    frame = frame_for(user=leader, plan_code=None, at_code="2016B6", org_code=None)
    statuses = target_status_list(plan=frame.plan, at=frame.at, unit=frame.unit)
    work = plan_work(plan=frame.plan, at=frame.at, unit=frame.unit)
    plan_items = plan_behind(frame, statuses, work.tasks)
    day = timezone.localdate()
    behind = behind_build(plan_items=plan_items, orders=orders_behind(user=leader, day=day))
    every = behind_build(
        plan_items=plan_items, orders=orders_behind(user=leader, day=day, all_orders=True)
    )
    assert behind.items, "the demo city has something behind in 2016B6"
    assert behind.total == len(every.items) and behind.owners == every.owners
    owners = body[
        body.index('id="behind-owners"') : body.index("</ul>", body.index("behind-owners"))
    ]
    named = [o.owner for o in behind.owners]
    for owner in named[:OWNERS_LISTED]:
        assert f'data-owner="{owner}"' in owners
    for owner in named[OWNERS_LISTED:]:
        assert f'data-owner="{owner}"' not in owners
    assert "目标：" in body and "/ 共" in body  # the chips say they count targets
    workbook = client.get("/dashboards/", {"at": "2016B6", "export": "behind"})
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    cells = [c for row in rows for c in row]
    numbered = [row[0] for row in rows if isinstance(row[0], int)]
    assert numbered == list(range(1, len(every.items) + 1))  # every item, once
    for item in every.items:
        assert item.owner in cells


@pytest.mark.django_db
def test_a_page_lists_the_worst_orders_and_counts_every_order_and_owner(city):
    plan = _plan(city)
    units = [city.jinshui_one, city.erqi_one]
    for n in range(ORDERS_LISTED + 5):  # the oldest first: each one day older than the next
        raise_order(units[n % 2], at=datetime.date(2016, 6, 1) + datetime.timedelta(days=n))
    listed = _behind(city, plan, "lee")
    at = period_from_code(AT)
    frame = Frame(plan=plan, unit=city.root, at=at, periods=[at], stamp=figures_stamp())
    every = behind_build(
        plan_items=plan_behind(
            frame,
            target_status_list(plan=plan, at=at, unit=city.root),
            plan_work(plan=plan, at=at, unit=city.root).tasks,
        ),
        orders=orders_behind(user=city.users["lee"], day=timezone.localdate(), all_orders=True),
    )
    orders = [i for i in listed.items if i.kind == "order"]
    assert len(orders) == ORDERS_LISTED
    assert orders == [i for i in every.items if i.kind == "order"][:ORDERS_LISTED]
    assert orders[0].days_late > orders[-1].days_late  # the longest overdue first
    assert listed.total == len(every.items) == ORDERS_LISTED + 5
    loads = {o.owner: o.orders for o in listed.owners}
    assert loads == {city.jinshui_one.name: 13, city.erqi_one.name: 12}


@pytest.mark.django_db
def test_the_cockpit_counts_an_order_raised_since_it_was_last_read_and_only_in_scope(client, city):
    _plan(city)

    def counted(username: str) -> int:
        client.force_login(city.users[username])
        body = client.get("/dashboards/", {"at": AT}).content.decode()
        found = body.split('data-behind-count="', 1)[1]
        return int(found.split('"', 1)[0])

    before = {name: counted(name) for name in ("lee", "bob")}
    raise_order(city.erqi_one, at=datetime.date(2016, 9, 1))  # long red, in 二七区
    assert counted("lee") == before["lee"] + 1  # the city sees it at once
    assert counted("bob") == before["bob"]  # 金水区's official does not
    raise_order(city.jinshui_one, at=datetime.date(2016, 9, 1))
    assert counted("bob") == before["bob"] + 1
