"""Supervision tests share the named test city (eduplan/conftest.py), with e-mail
addresses, the class-size form of the reporting tests, and orders raised on demand."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest

from eduplan.org.models import OrgUnit
from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.services import expected_reports_open, form_load
from eduplan.reporting.tests.conftest import CLASS_FORM
from eduplan.supervision.handling import OrderDraft, order_raise
from eduplan.supervision.models import OrderSource, Rule, SupervisionOrder
from eduplan.supervision.rules import Finding
from eduplan.supervision.services import order_create

RAISED = datetime.date(2016, 9, 1)  # orders raised on this day are due on 9-08


@pytest.fixture(autouse=True)
def _supervision_settings(settings):
    """Defaults spelled out, so the tests do not depend on the environment."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EDUPLAN_SUPERVISION_RESPOND_DAYS = 7
    settings.EDUPLAN_SUPERVISION_SIGN_DAYS = 2
    settings.EDUPLAN_SUPERVISION_BLUE_DAYS = 3
    settings.EDUPLAN_SUPERVISION_RED_DAYS = 7
    settings.EDUPLAN_SUPERVISION_REPORT_MISSING_DAYS = 5
    settings.EDUPLAN_SUPERVISION_MILESTONE_GRACE_DAYS = 0
    settings.EDUPLAN_SUPERVISION_APPROVAL_PENDING_DAYS = 5
    settings.EDUPLAN_SUPERVISION_REMIND_EVERY_DAYS = 7
    settings.EDUPLAN_SUPERVISION_TARGET_PERIOD_TYPE = "bimonthly"
    settings.EDUPLAN_SUPERVISION_OFFICE_CODE = "DEPT-DCS"


@pytest.fixture
def people(city):
    """The city's users, each with an e-mail address (name@example.org)."""
    for name, user in city.users.items():
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
    return city.users


@pytest.fixture
def class_form(city):
    form, _version, _created = form_load(definition=definition_from_data(CLASS_FORM, source="test"))
    expected_reports_open(form=form, period_code="2016T1")
    return form


_counter = iter(range(1, 10**6))


def raise_order(
    unit: OrgUnit,
    *,
    at: datetime.date = RAISED,
    rule: Rule = Rule.MILESTONE_OVERDUE,
    subject: str | None = None,
    respond_days: int = 7,
) -> SupervisionOrder:
    """An order for `unit`, raised on `at` as a rules run would."""
    finding = Finding(
        rule=rule,
        subject=subject or f"test:{next(_counter)}",
        occurrence="",
        unit=unit,
        title=f"{unit.name}：测试督办事项",
        detail="测试",
    )
    order = order_create(finding=finding, at=at, respond_days=respond_days)
    assert order is not None
    return order


TODAY = datetime.datetime(2016, 9, 1, 2, tzinfo=datetime.UTC)  # 10:00 in Zhengzhou


def draft_for(unit: str, **changes: object) -> OrderDraft:
    """A complete draft of an order raised by hand for `unit` (code or name)."""
    values: dict[str, object] = {
        "source": OrderSource.LEADER_INSTRUCTION,
        "source_title": "关于加快推进学校建设的批示",
        "source_number": "郑教督〔2016〕12号",
        "source_date": datetime.date(2016, 8, 29),
        "title": "加快推进新建学校开工",
        "asked": "9月30日前报告新建学校开工情况",
        "unit": unit,
        "due_on": datetime.date(2016, 9, 30),
    }
    values.update(changes)
    return OrderDraft(**values)


def raise_by_hand(user: Any, unit: str, **changes: object) -> SupervisionOrder:
    """An order the office raises by hand for `unit` (each call a new form)."""
    return order_raise(user=user, draft=draft_for(unit, **changes), token=uuid.uuid4().hex)
