"""Reads for the 工作台 (my work): what each person has to do now, gathered from
reporting (reports due, overdue, returned; reports waiting for approval), supervision
(orders to answer, feedback to review) and the plan's tasks (those led by their unit that
are late). Each list is bounded (`SHOWN`), each count is one query."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from eduplan.core.periods import PeriodType, period_containing, period_from_code
from eduplan.indicators.work import LATE, TaskStatus, task_status_list
from eduplan.org.access import User, membership_of, scope_of
from eduplan.org.models import OrgUnit, Role
from eduplan.plans.models import Plan, Task
from eduplan.reporting.forms import ReportRow, report_rows
from eduplan.reporting.models import ExpectedReport, Submission
from eduplan.reporting.selectors import (
    OpenCounts,
    approval_queue,
    reports_of_my_unit,
    reports_open,
    reports_open_counts,
    subject_labels,
)
from eduplan.supervision.models import UNDONE, OrderStatus
from eduplan.supervision.selectors import ColouredOrder, orders_for

SHOWN = 20  # rows shown in each list; the counts say how many there are in all
OFFICE_ROLES = frozenset({Role.SUPERVISION})
REVIEW = (OrderStatus.RESPONDED, OrderStatus.REVIEWING)


def entry_url(report: ExpectedReport) -> str:
    path = reverse("reporting:entry", args=[report.form.code, report.period, report.org_unit.code])
    return f"{path}?{urlencode({'subject': report.subject})}" if report.subject else path


def my_orders(*, user: User, day: datetime.date) -> QuerySet[ColouredOrder]:
    """The orders waiting on the user: for the supervision office, feedback to review;
    for everyone else, the orders their unit has still to answer."""
    membership = membership_of(user)
    orders = orders_for(user=user, day=day)
    if membership is not None and membership.role in OFFICE_ROLES:
        return orders.filter(status__in=REVIEW)
    return orders.filter(status__in=UNDONE)


def _task_unit(user: User) -> OrgUnit | None:
    """The unit whose led tasks are the user's: a department's, a district's own."""
    membership, scope = membership_of(user), scope_of(user)
    if membership is None or scope is None:
        return None
    if membership.role == Role.DEPARTMENT:
        return membership.department
    if membership.role == Role.DISTRICT_ADMIN:
        return scope
    return None


def my_late_tasks(*, user: User, day: datetime.date) -> list[TaskStatus]:
    """Tasks led by the user's unit that are overdue or behind, the latest first (four
    queries a plan whose tasks the unit leads; plus one)."""
    unit = _task_unit(user)
    if unit is None:
        return []
    at = period_containing(day, PeriodType.BIMONTHLY)
    plan_ids = Task.objects.filter(lead_unit=unit).values_list("plan_id", flat=True).distinct()
    late: list[TaskStatus] = []
    for plan in Plan.objects.filter(pk__in=plan_ids).order_by("pk"):
        late += [
            s
            for s in task_status_list(plan=plan, at=at, unit=unit, day=day)
            if s.task.lead_unit_id == unit.pk and s.state in LATE
        ]
    return sorted(late, key=lambda s: -s.days_late)


@dataclass(frozen=True)
class Counts:
    """The numbers in the menu's badges."""

    reports: OpenCounts
    approvals: int
    orders: int

    @property
    def total(self) -> int:
        return self.reports.total + self.approvals + self.orders


def work_counts(*, user: User, day: datetime.date | None = None) -> Counts:
    """What waits for the user, counted (a bounded number of queries, whatever the data)."""
    day = day or timezone.localdate()
    return Counts(
        reports=reports_open_counts(reports_of_my_unit(user=user), today=day),
        approvals=len(approval_queue(user=user)),
        orders=my_orders(user=user, day=day).count(),
    )


@dataclass(frozen=True)
class WorkItem:
    """One thing to do, as the page lists it."""

    kind: str  # report, returned, approval, order, task
    title: str
    unit: str
    url: str
    period: str = ""  # a period's label, never its code
    detail: str = ""
    due: datetime.date | None = None
    days_late: int = 0


@dataclass(frozen=True)
class Workbench:
    """The page: each list's first rows and the counts of all."""

    counts: Counts
    overdue: list[WorkItem] = field(default_factory=list)
    due: list[WorkItem] = field(default_factory=list)
    returned: list[WorkItem] = field(default_factory=list)
    approvals: list[WorkItem] = field(default_factory=list)
    orders: list[WorkItem] = field(default_factory=list)
    late_tasks: list[WorkItem] = field(default_factory=list)
    office: bool = False


def _report_item(row: ReportRow, kind: str, day: datetime.date) -> WorkItem:
    e = row.expected
    detail = row.subject_label
    if kind == "returned" and row.submission is not None:
        detail = row.submission.returned_reason
    return WorkItem(
        kind=kind,
        title=e.form.name,
        unit=e.org_unit.name,
        url=row.url,
        period=period_from_code(e.period).label,
        detail=detail,
        due=e.due_on,
        days_late=max(0, (day - e.due_on).days),
    )


def _approval_item(s: Submission, labels: dict[str, str]) -> WorkItem:
    path = reverse("reporting:entry", args=[s.form.code, s.period, s.org_unit.code])
    return WorkItem(
        kind="approval",
        title=s.form.name,
        unit=s.org_unit.name,
        url=f"{path}?{urlencode({'subject': s.subject})}" if s.subject else path,
        period=period_from_code(s.period).label,
        detail=labels.get(s.subject, s.subject),
    )


def _order_item(o: ColouredOrder, day: datetime.date) -> WorkItem:
    return WorkItem(
        kind="order",
        title=o.title,
        unit=o.responsible_unit.name,
        url=reverse("supervision:order_detail", args=[o.pk]),
        detail=str(OrderStatus(o.status).label),
        due=o.due_on,
        days_late=max(0, (day - o.due_on).days),
    )


def _task_item(t: TaskStatus) -> WorkItem:
    return WorkItem(
        kind="task",
        title=t.task.title,
        unit=t.task.lead_unit.name,
        url=reverse("dashboards:task", args=[t.task.pk]),
        detail=t.reason,
        due=t.task.deadline,
        days_late=t.days_late,
    )


def workbench_for(*, user: User, day: datetime.date | None = None) -> Workbench:
    """The user's 工作台 as of `day` (today)."""
    day = day or timezone.localdate()
    mine = reports_of_my_unit(user=user)
    open_reports = list(reports_open(mine).order_by("due_on", "form__code", "subject")[: SHOWN * 3])
    rows = report_rows(open_reports, url_of=entry_url)
    returned = [r for r in rows if r.status == "returned"]
    waiting = [r for r in rows if r.status != "returned"]
    queue = approval_queue(user=user)
    labels = subject_labels(s.subject for s in queue[:SHOWN])
    orders = my_orders(user=user, day=day)
    membership = membership_of(user)
    return Workbench(
        counts=Counts(
            reports=reports_open_counts(mine, today=day),
            approvals=len(queue),
            orders=orders.count(),
        ),
        overdue=[_report_item(r, "report", day) for r in waiting if r.expected.due_on < day][
            :SHOWN
        ],
        due=[_report_item(r, "report", day) for r in waiting if r.expected.due_on >= day][:SHOWN],
        returned=[_report_item(r, "returned", day) for r in returned][:SHOWN],
        approvals=[_approval_item(s, labels) for s in queue[:SHOWN]],
        orders=[_order_item(o, day) for o in orders[:SHOWN]],
        late_tasks=[_task_item(t) for t in my_late_tasks(user=user, day=day)[:SHOWN]],
        office=membership is not None and membership.role in OFFICE_ROLES,
    )
