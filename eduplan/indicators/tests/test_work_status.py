"""A task's status from its latest approved progress report and its milestones; a
project's status the worst of its targets and its tasks, explained in one line."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

import pytest

from eduplan.indicators.projects import project_statuses_from
from eduplan.indicators.work import Progress, TaskState, WorkStatus, task_status
from eduplan.plans.models import PlanStatus, Task
from eduplan.plans.tests.factories import make_plan, make_task
from eduplan.reporting.models import Submission

DEADLINE = datetime.date(2016, 12, 31)


@pytest.fixture
def task(city) -> Task:
    plan = make_plan(code="city", organisation=city.root, owners={1: city.dept_basic})
    plan.status = PlanStatus.ACTIVE
    plan.save()
    return make_task(plan=plan, lead=city.dept_basic, title="出台《郑州市新进教师招录办法》")


def _reported(status: str, period: str = "2016B5") -> Progress:
    return Progress(Submission(period=period), status, Decimal(50), "进展")


def _status(task: Task, progress: Progress | None, day: datetime.date):
    return task_status(Task.objects.prefetch_related("milestones").get(pk=task.pk), progress, day)


def test_a_task_past_its_deadline_and_not_done_is_overdue_by_so_many_days(task):
    s = _status(task, _reported("正常推进"), DEADLINE + datetime.timedelta(days=45))
    assert s.state == TaskState.OVERDUE
    assert s.reason == "任务「出台《郑州市新进教师招录办法》」逾期45天"
    assert s.days_late == 45


def test_a_milestone_past_due_and_not_done_puts_the_task_behind(task):
    task.deadline = datetime.date(2017, 6, 30)
    task.save()
    s = _status(task, _reported("正常推进"), datetime.date(2017, 1, 10))
    assert s.state == TaskState.BEHIND
    title = "出台《郑州市新进教师招录办法》"
    assert s.reason == f"任务「{title}」的推进步骤「{title}」逾期10天"


@pytest.mark.parametrize(
    ("reported", "state"),
    [
        ("正常推进", TaskState.ON_SCHEDULE),
        ("滞后", TaskState.BEHIND),
        ("未启动", TaskState.NOT_STARTED),
        ("已完成", TaskState.ON_SCHEDULE),  # said done, its milestone not yet marked
    ],
)
def test_before_its_dates_a_task_reads_what_its_report_says(task, reported, state):
    assert _status(task, _reported(reported), datetime.date(2016, 10, 31)).state == state


def test_a_task_is_done_when_reported_done_and_its_milestones_are(task):
    task.milestones.update(done_on=datetime.date(2016, 9, 1), document_number="郑教〔2016〕8号")
    later = DEADLINE + datetime.timedelta(days=100)
    assert _status(task, _reported("已完成"), later).state == TaskState.DONE
    assert _status(task, None, later).state == TaskState.DONE  # its milestones say so
    # Done after the day asked about: still open then.
    assert _status(task, _reported("已完成"), datetime.date(2016, 8, 31)).state == (
        TaskState.ON_SCHEDULE
    )


def test_without_a_report_a_task_says_so(task):
    s = _status(task, None, datetime.date(2016, 10, 31))
    assert (s.state, s.reason) == (
        TaskState.NO_REPORT,
        "任务「出台《郑州市新进教师招录办法》」暂无推进报告",
    )


def test_a_project_takes_the_worst_of_its_targets_and_tasks_with_the_reason(task):
    plan = task.plan
    overdue = _status(task, _reported("滞后"), DEADLINE + datetime.timedelta(days=45))
    work = {task.measure.project_id: WorkStatus([overdue])}
    [project] = project_statuses_from(plan, [], work)
    assert (project.label, project.style) == ("未完成", "danger")
    assert project.reason == "任务「出台《郑州市新进教师招录办法》」逾期45天"
    # Without tasks nor targets judged: no status, and never 无量化目标 once it has tasks.
    [bare] = project_statuses_from(plan, [], {})
    assert bare.status is None and bare.label == "无量化目标"
    on_time = _status(task, _reported("正常推进"), datetime.date(2016, 10, 31))
    [working] = project_statuses_from(plan, [], {task.measure.project_id: WorkStatus([on_time])})
    assert (working.label, working.reason, working.counts) == ("正常", "", Counter())


def test_a_task_serving_a_measure_and_a_work_point_counts_once_in_each_place(task, city):
    from eduplan.core.periods import period_from_code
    from eduplan.indicators.work import plan_work

    plan = task.plan
    point = plan.work_points.get()
    point.projects.add(task.measure.project)
    task.work_point = point
    task.save()
    work = plan_work(plan=plan, at=period_from_code("2016B6"), unit=city.root)
    assert [s.task for s in work.projects[task.measure.project_id].tasks] == [task]
    assert [s.task for s in work.measures[task.measure_id].tasks] == [task]
    assert [s.task for s in work.work_points[point.pk].tasks] == [task]
