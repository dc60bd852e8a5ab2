"""A year of records in the test city (eduplan/conftest.py) to score, with known shares.

金水区: its two schools' reports, one on time and one late (1/2); two orders closed on
time (2/2); no milestones, no targets of its own (their weight goes to the rest).
二七区: its school's report never came (0/1); one order left open past its deadline (0/1).
基础教育处 leads project 1: one milestone done early, one never done (1/2); its 2016
target judged achieved (1/1). 体卫艺处 leads project 2: its milestone done late (0/1), its
target judged missed (0/1).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone

from eduplan.appraisal.loading import WEIGHTS_FILE, weights_load
from eduplan.appraisal.models import WeightSet
from eduplan.indicators.models import TargetAssessment
from eduplan.plans.models import Milestone, PlanStatus, Target
from eduplan.plans.tests.factories import make_plan
from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.models import ExpectedReport, Status, Submission
from eduplan.reporting.services import form_load
from eduplan.reporting.tests.conftest import CLASS_FORM
from eduplan.supervision.models import OrderStatus, SupervisionOrder
from eduplan.supervision.tests.conftest import raise_order

DUE = datetime.date(2016, 8, 15)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _close(order: SupervisionOrder, on: datetime.date) -> None:
    SupervisionOrder.objects.filter(pk=order.pk).update(
        status=OrderStatus.CLOSED, response="已办结", closed_at=_at(on)
    )


@dataclass
class Year:
    weights: WeightSet
    orders: list[SupervisionOrder]


def _reports(city) -> None:
    form, version, _created = form_load(definition=definition_from_data(CLASS_FORM, source="t"))
    for unit in (city.jinshui_one, city.jinshui_two, city.erqi_one):
        ExpectedReport.objects.create(form=form, period="2016T1", org_unit=unit, due_on=DUE)
    for unit, day in ((city.jinshui_one, DUE), (city.jinshui_two, DUE + datetime.timedelta(3))):
        Submission.objects.create(
            form=form,
            form_version=version,
            org_unit=unit,
            period="2016T1",
            status=Status.SUBMITTED,
            submitted_at=_at(day),
            first_submitted_at=_at(day),
        )


def _plan(city) -> None:
    plan = make_plan(
        code="p", organisation=city.root, owners={1: city.dept_basic, 2: city.dept_sports}
    )
    plan.status = PlanStatus.ACTIVE
    plan.save(update_fields=["status"])
    basic, sports = plan.projects.order_by("number")
    Milestone.objects.create(
        project=basic,
        year=2016,
        title="出台《实施意见》",
        due_on=datetime.date(2016, 6, 30),
        done_on=datetime.date(2016, 6, 20),
    )
    Milestone.objects.create(
        project=basic, year=2016, title="召开推进会", due_on=datetime.date(2016, 10, 31)
    )
    Milestone.objects.create(
        project=sports,
        year=2016,
        title="成立领导小组",
        due_on=datetime.date(2016, 12, 31),
        done_on=datetime.date(2017, 1, 5),
    )
    Target.objects.filter(plan=plan).update(year=2016)
    for target, status in zip(
        Target.objects.filter(plan=plan).order_by("goal__project__number"),
        ["done", "missed"],
        strict=True,
    ):
        TargetAssessment.objects.create(
            target=target,
            period="2016B6",
            status=status,
            comment="年度评估",
            assessed_by=city.users["dan"],
        )


@pytest.fixture
def year(city) -> Year:
    _reports(city)
    _plan(city)
    raised = datetime.date(2016, 9, 1)  # due on 9-08
    orders = [raise_order(u, at=raised) for u in (city.jinshui_one, city.jinshui_two)]
    orders.append(raise_order(city.erqi_one, at=raised))
    _close(orders[0], datetime.date(2016, 9, 8))
    _close(orders[1], datetime.date(2016, 9, 5))
    weights, _new = weights_load(path=WEIGHTS_FILE)
    return Year(weights=weights, orders=orders)


def weights_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "weights.yaml"
    path.write_text(text, encoding="utf-8")
    return path
