"""The rules run from the CLI, as a task through Django's tasks interface, and from the
queue by `eduplan worker` with the database backend."""

from __future__ import annotations

import datetime
import io
import json
import signal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from eduplan.supervision.models import Rule, SupervisionOrder
from eduplan.supervision.tasks import next_run_at, supervision_daily, supervision_daily_schedule


def _scan(*args: str) -> dict:
    out = io.StringIO()
    call_command("supervision", "scan", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_scan_command_runs_the_rules_once_for_a_date(city, class_form):
    first = _scan("--at", "2016-08-21")
    assert first["at"] == "2016-08-21"
    assert first["created"][Rule.REPORT_MISSING] == 4
    again = _scan("--at", "2016-08-21")
    assert again["created"][Rule.REPORT_MISSING] == 0 and again["already_open"] == 4
    out = io.StringIO()
    call_command("supervision", "scan", "--at", "2016-08-22", stdout=out)
    assert "2016-08-22" in out.getvalue()
    assert SupervisionOrder.objects.count() == 4


def test_the_scan_command_refuses_a_date_it_cannot_read(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("supervision", "scan", "--at", "21.08.2016")


def test_the_rules_command_lists_every_rule_with_its_numbers(db):
    out = io.StringIO()
    call_command("supervision", "rules", stdout=out)
    text = out.getvalue()
    # Orders raised by hand follow no rule, so the table has no row for them.
    assert all(rule in text for rule in Rule.values if rule != Rule.MANUAL)
    assert Rule.MANUAL not in text
    assert "报表逾期未报（report_missing）[启用] 逾期 5 天，答复期限 7 天" in text
    assert "None" not in text and "days=" not in text  # in the bureau's words


def test_the_daily_task_runs_through_the_tasks_interface(city, class_form):
    result = supervision_daily.enqueue(at="2016-08-21")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["created"][Rule.REPORT_MISSING] == 4


def test_the_next_daily_run_is_at_the_configured_hour(settings):
    settings.EDUPLAN_SUPERVISION_RUN_HOUR = 6
    tz = timezone.get_current_timezone()
    before = datetime.datetime(2016, 9, 1, 5, 59, tzinfo=tz)
    after = datetime.datetime(2016, 9, 1, 6, 0, tzinfo=tz)
    assert next_run_at(before) == datetime.datetime(2016, 9, 1, 6, tzinfo=tz)
    assert next_run_at(after) == datetime.datetime(2016, 9, 2, 6, tzinfo=tz)


def test_other_backends_keep_no_schedule(db):
    assert supervision_daily_schedule() is None


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def restore_signals():
    """The worker installs its own SIGINT/SIGTERM handlers; put pytest's back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_queued_work_and_keeps_one_daily_run_scheduled(
    database_backend, restore_signals
):
    queued = supervision_daily.enqueue(at="2016-08-21")
    assert DBTaskResult.objects.get(id=queued.id).status == TaskResultStatus.READY
    for _ in range(2):
        call_command(
            "worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            verbosity=0,
            stdout=io.StringIO(),
        )
    done = DBTaskResult.objects.get(id=queued.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value["at"] == "2016-08-21"
    waiting = DBTaskResult.objects.filter(
        task_path=supervision_daily.module_path, status=TaskResultStatus.READY
    )
    assert waiting.count() == 1  # however often the worker starts
    assert waiting.get().run_after > timezone.now()
