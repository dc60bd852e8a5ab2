"""The test city (eduplan/conftest.py) with the class-size form opened for 2016T1 (due
2016-08-15), the task queue run at once and mail kept in memory; the clock stands on
2016-08-10, five days before the due date."""

from __future__ import annotations

import pytest
import time_machine

from eduplan.org.models import Role
from eduplan.org.tests.factories import user_with_role
from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.services import expected_reports_open, form_load
from eduplan.reporting.tests.conftest import CLASS_FORM

NOW = "2016-08-10 10:00 +0800"
PASSWORD = "pw-for-tests"


@pytest.fixture(autouse=True)
def _queue_and_mail(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def class_form(city, clock):
    form, _version, _created = form_load(definition=definition_from_data(CLASS_FORM, source="test"))
    expected_reports_open(form=form, period_code="2016T1")
    return form


@pytest.fixture
def people(city):
    """Alice, Bob and Sue have addresses; Jim reports for 金水二小."""
    for name in ("alice", "bob", "sue", "charlie"):
        user = city.users[name]
        user.email = f"{name}@example.cn"
        user.save(update_fields=["email"])
    city.users["jim"] = user_with_role(
        "jim", Role.SCHOOL_REPORTER, city.jinshui_two, email="jim@example.cn"
    )
    return city
