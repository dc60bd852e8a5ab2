"""What is behind, and whose (滞后事项及责任单位): lagging targets, late tasks and
supervision orders past their deadline, each with its owner and how late, worst first.

One list for the cockpit and the big screen. A target's owner is its project's lead
department (a work point's: the units leading its tasks) when the page shows the whole
plan's area, else the unit the page shows (a district's own figure is the district's);
a task's, its lead unit; an order's, its responsible unit. Ranked by severity (missed,
overdue and red before behind and yellow), then the plan's commitments before the orders
that chase them (targets, tasks, orders: an order counts its days to today, a target and
a task to the end of the period shown), then by days late and the gap to the expected
progress."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from eduplan.core.numbers import plain_number
from eduplan.core.tables import Table
from eduplan.dashboards.selectors.frame import Frame
from eduplan.indicators.projects import STATUS_STYLES
from eduplan.indicators.status import STATUS_LABELS, Status, TargetStatus
from eduplan.indicators.work import LATE, TaskState, TaskStatus
from eduplan.org.access import User
from eduplan.plans.models import OwnerRole, ProjectOwner, Task
from eduplan.supervision.models import UNDONE, Colour
from eduplan.supervision.selectors import ColouredOrder, orders_for

BEHIND_TARGETS = frozenset({Status.MISSED, Status.OFF_TRACK})
BEHIND_COLOURS = frozenset({Colour.RED, Colour.YELLOW})
WORST = 3  # missed, overdue, red
LAGGING = 2  # off track, behind schedule, yellow


@dataclass(frozen=True)
class BehindItem:
    """One lagging item as a row shows it."""

    kind: str  # "target" | "task" | "order"
    kind_label: str
    title: str
    where: str  # the project or work point it belongs to ("" for an order)
    owner: str
    status_label: str
    style: str
    late: str  # how late, in words (逾期45天, 进度 40% / 应达 75%)
    days_late: int
    gap: float  # points of progress short of the expected (targets), else 0
    severity: int
    url: str

    @property
    def rank(self) -> tuple[int, int, int, float]:
        return (-self.severity, KIND_ORDER[self.kind], -self.days_late, -self.gap)


KIND_ORDER = {"target": 0, "task": 1, "order": 2}
# The owners a page names: a city has hundreds of schools with an order behind, and a
# leader's first screen shows who has most; the workbook lists every one.
OWNERS_LISTED = 20


@dataclass(frozen=True)
class OwnerLoad:
    """One owner and what of theirs is behind."""

    owner: str
    targets: int = 0
    tasks: int = 0
    orders: int = 0
    worst: int = 0

    @property
    def total(self) -> int:
        return self.targets + self.tasks + self.orders


@dataclass
class Behind:
    """What is behind: `items` lists every lagging target and task and the worst orders
    (every order with `all_orders`); `owners` and `total` count every item."""

    items: list[BehindItem] = field(default_factory=list)
    owners: list[OwnerLoad] = field(default_factory=list)
    total: int = 0

    @property
    def owners_listed(self) -> list[OwnerLoad]:
        """The owners a page names (most behind first); the workbook names them all."""
        return self.owners[:OWNERS_LISTED]

    @property
    def owners_more(self) -> int:
        return max(0, len(self.owners) - OWNERS_LISTED)


def _target_owners(frame: Frame) -> tuple[dict[int, str], dict[int, str]]:
    """Lead departments by project and task lead units by work point (two queries)."""
    leads: dict[int, list[str]] = defaultdict(list)
    for project_id, name in (
        ProjectOwner.objects.filter(project__plan=frame.plan, role=OwnerRole.LEAD)
        .order_by("project_id", "id")
        .values_list("project_id", "department__name")
    ):
        leads[project_id].append(name)
    points: dict[int, list[str]] = defaultdict(list)
    for point_id, name in (
        Task.objects.filter(plan=frame.plan, work_point__isnull=False)
        .order_by("work_point_id", "number")
        .values_list("work_point_id", "lead_unit__name")
    ):
        if name not in points[point_id]:
            points[point_id].append(name)
    return (
        {k: "、".join(v) for k, v in leads.items()},
        {k: "、".join(v) for k, v in points.items()},
    )


def _target_late(s: TargetStatus, at_end: datetime.date) -> tuple[str, int, float]:
    if s.status == Status.MISSED:
        days = max(0, (at_end - s.due).days) if s.due else 0
        if s.actual is not None and s.goal is not None:
            text = _("%(actual)s against %(goal)s due %(due)s") % {
                "actual": plain_number(s.actual, places=2) + s.figures_unit,
                "goal": plain_number(s.goal, places=2) + s.figures_unit,
                "due": s.due.isoformat() if s.due else "—",
            }
        else:
            text = _("Not achieved by %(due)s") % {"due": s.due.isoformat() if s.due else "—"}
        return text, days, 0.0
    if s.progress is not None and s.expected_progress is not None:
        gap = float(s.expected_progress - s.progress)
        return (
            _("%(progress)s%% of the way, %(expected)s%% expected")
            % {
                "progress": plain_number(s.progress, places=0),
                "expected": plain_number(s.expected_progress, places=0),
            },
            0,
            gap,
        )
    return "", 0, 0.0


def _targets(frame: Frame, statuses: list[TargetStatus]) -> list[BehindItem]:
    wanted = [s for s in statuses if s.status in BEHIND_TARGETS and s.target.restates_id is None]
    if not wanted:
        return []
    whole_area = frame.unit.pk == frame.plan.organisation_id
    leads, points = _target_owners(frame) if whole_area else ({}, {})
    items = []
    for s in wanted:
        t = s.target
        if t.goal is not None:
            where = f"{t.goal.project.number}. {t.goal.project.name}"
            owner = leads.get(t.goal.project_id, "") if whole_area else frame.unit.name
            url = reverse("dashboards:project", args=[t.goal.project.number])
        else:
            where = t.work_point.section_label if t.work_point is not None else ""
            owner = points.get(t.work_point_id or 0, "") if whole_area else frame.unit.name
            url = reverse("dashboards:cockpit")
        late, days, gap = _target_late(s, frame.at.end)
        items.append(
            BehindItem(
                kind="target",
                kind_label=pgettext("lagging item", "Target"),
                title=t.indicator,
                where=where,
                owner=owner or frame.plan.organisation.name,
                status_label=str(STATUS_LABELS[s.status]),
                style=STATUS_STYLES[s.status],
                late=late,
                days_late=days,
                gap=gap,
                severity=WORST if s.status == Status.MISSED else LAGGING,
                url=f"{url}?at={frame.at.code}",
            )
        )
    return items


def _task_where(s: TaskStatus) -> str:
    task = s.task
    if task.measure is not None:
        return f"{task.measure.project.number}. {task.measure.project.name}"
    return task.work_point.section_label if task.work_point is not None else ""


def _tasks(tasks: list[TaskStatus]) -> list[BehindItem]:
    return [
        BehindItem(
            kind="task",
            kind_label=_("Task"),
            title=s.task.title,
            where=_task_where(s),
            owner=s.task.lead_unit.name,
            status_label=s.label,
            style="danger" if s.state == TaskState.OVERDUE else "warning",
            late=_("%(days)s days late") % {"days": s.days_late} if s.days_late else s.label,
            days_late=s.days_late,
            gap=0.0,
            severity=WORST if s.state == TaskState.OVERDUE else LAGGING,
            url=reverse("dashboards:task", args=[s.task.pk]),
        )
        for s in tasks
        if s.state in LATE
    ]


def _orders(orders: list[ColouredOrder], day: datetime.date) -> list[BehindItem]:
    items = []
    for o in orders:
        days = max(0, (day - o.due_on).days)
        items.append(
            BehindItem(
                kind="order",
                kind_label=_("Supervision order"),
                title=o.title,
                where="",
                owner=o.responsible_unit.name,
                status_label=str(Colour(o.colour).label),
                style="danger" if o.colour == Colour.RED else "warning",
                late=_("%(days)s days past its deadline") % {"days": days}
                if days
                else _("Not signed for"),
                days_late=days,
                gap=0.0,
                severity=WORST if o.colour == Colour.RED else LAGGING,
                url=reverse("supervision:order_detail", args=[o.pk]),
            )
        )
    return items


OrderLoads = dict[tuple[str, int], int]  # (owner, severity) → orders


def _order_loads(orders: QuerySet[ColouredOrder]) -> OrderLoads:
    """The orders behind by owner and severity, counted in the database (one query)."""
    rows = orders.order_by().values("responsible_unit__name", "colour").annotate(n=Count("pk"))
    loads: OrderLoads = {}
    for row in rows:
        severity = WORST if row["colour"] == Colour.RED else LAGGING
        owner = (row["responsible_unit__name"], severity)
        loads[owner] = loads.get(owner, 0) + row["n"]
    return loads


def _owner_loads(plan_items: list[BehindItem], orders: OrderLoads) -> list[OwnerLoad]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for item in plan_items:
        row = counts[item.owner]
        row[item.kind] += 1
        row["worst"] = max(row["worst"], item.severity)
    for (owner, severity), n in orders.items():
        row = counts[owner]
        row["order"] += n
        row["worst"] = max(row["worst"], severity)
    loads = [
        OwnerLoad(
            owner=owner,
            targets=row["target"],
            tasks=row["task"],
            orders=row["order"],
            worst=row["worst"],
        )
        for owner, row in counts.items()
    ]
    return sorted(loads, key=lambda o: (-o.worst, -o.total, o.owner))


# The most orders a page lists (the cockpit 10 items, the big screen 7): only these are
# built; the owners and the count include every order behind.
ORDERS_LISTED = 20


def plan_behind(
    frame: Frame, statuses: list[TargetStatus], tasks: list[TaskStatus]
) -> list[BehindItem]:
    """The frame's lagging targets and late tasks (the same for every reader)."""
    return _targets(frame, statuses) + _tasks(tasks)


@dataclass(frozen=True)
class OrdersBehind:
    """The orders past their deadline a user sees: the worst listed (every one, for the
    workbook), and all of them counted by owner and severity."""

    items: list[BehindItem]
    loads: OrderLoads


def orders_behind(*, user: User, day: datetime.date, all_orders: bool = False) -> OrdersBehind:
    """The orders the user sees undone, yellow or red on `day`. They may be thousands in a
    province: they are counted by owner in the database and only the worst
    `ORDERS_LISTED` are read (all of them with `all_orders`), in the list's own order (red
    first, then the longest overdue)."""
    behind = orders_for(user=user, day=day).filter(status__in=UNDONE, colour__in=BEHIND_COLOURS)
    listed = behind.only("pk", "title", "due_on", "responsible_unit__name")
    orders = list(listed if all_orders else listed[:ORDERS_LISTED])
    return OrdersBehind(items=_orders(orders, day), loads=_order_loads(behind))


def behind_build(*, plan_items: list[BehindItem], orders: OrdersBehind) -> Behind:
    """The lagging targets and tasks of the frame (`plan_items`, from `plan_behind`) and
    the orders behind (`orders_behind`), worst first, and their owners by load."""
    items = plan_items + orders.items
    items.sort(key=lambda i: i.rank)
    return Behind(
        items=items,
        owners=_owner_loads(plan_items, orders.loads),
        total=len(plan_items) + sum(orders.loads.values()),
    )


def behind_table(behind: Behind) -> Table:
    """Every lagging item, worst first, as a workbook table."""
    return Table(
        id="behind",
        title=_("Lagging items and their owners"),
        header=[
            _("No."),
            _("Kind"),
            _("Item"),
            _("Project or work point"),
            _("Owner"),
            _("How late"),
            _("Status"),
        ],
        rows=[
            [n, i.kind_label, i.title, i.where, i.owner, i.late, i.status_label]
            for n, i in enumerate(behind.items, start=1)
        ],
    )
