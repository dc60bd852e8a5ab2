"""Targets gathered by project: one status per project, and figures cached per change.

A project's status is the worst status among its targets and its work (its tasks,
`indicators/work.py`): missed, off track, at risk, not assessed past its date, no data,
on track, done. A target with no data, or one its owner never judged, keeps its project
from reading 正常: only targets not yet due for an assessment (待评估) and those a
city-wide count does not apportion are left out. A task overdue counts as 未完成, behind
as 滞后, not started as 预警, without a report as 暂无数据. Both the cockpit and the
bulletin read it from here, with a one-line reason (which task or target, how late).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eduplan.core.figure_parts import figures_settings, metric_parts
from eduplan.core.figure_reads import part_stamps
from eduplan.core.figures_cache import JUDGEMENT, figures_cached
from eduplan.core.metrics import UnknownMetric
from eduplan.core.numbers import number
from eduplan.core.periods import Period, PeriodType, period_containing, periods_between
from eduplan.core.tables import Table
from eduplan.indicators.aggregation import metric_value
from eduplan.indicators.status import (
    STATUS_LABELS,
    Status,
    TargetStatus,
    expected_at,
    has_binding,
    target_status_list,
)
from eduplan.indicators.work import WorkStatus, plan_work_cached
from eduplan.org.models import OrgUnit
from eduplan.plans.models import Plan, Project, Target

T = TypeVar("T")
MEASURED_OK = {Status.ON_TRACK, Status.DONE}
WORST_FIRST = [
    Status.MISSED,
    Status.OFF_TRACK,
    Status.AT_RISK,
    Status.NOT_ASSESSED,
    Status.NO_DATA,
    Status.ON_TRACK,
    Status.DONE,
]


def status_rank(row: TargetStatus) -> int:
    """Where a target's status stands, worst first (0), for sorting."""
    return WORST_FIRST.index(row.status) if row.status in WORST_FIRST else len(WORST_FIRST)


# Statuses that say where a target stands against its goal (shares on track count these).
JUDGED = frozenset({Status.MISSED, Status.OFF_TRACK, Status.AT_RISK, Status.ON_TRACK, Status.DONE})
STATUS_STYLES = {
    Status.ON_TRACK: "success",
    Status.DONE: "primary",
    Status.AT_RISK: "warning",
    Status.OFF_TRACK: "danger",
    Status.MISSED: "danger",
    Status.NOT_ASSESSED: "warning",
    Status.NOT_APPORTIONED: "light",
    Status.NO_DATA: "secondary",
    Status.UNMEASURED: "secondary",
}


def status_summary(statuses: list[TargetStatus]) -> list[tuple[str, str, int]]:
    """(label, style, count) of each status present, each commitment counted once: a work
    point's target that restates a project's target is not counted again."""
    counts = Counter(s.status for s in statuses if s.target.restates_id is None)
    return [
        (str(STATUS_LABELS[k]), STATUS_STYLES[k], counts[k]) for k in STATUS_STYLES if counts[k]
    ]


@dataclass(frozen=True)
class ProjectStatus:
    project: Project
    targets: list[TargetStatus]
    status: Status | None  # None: nothing that can be judged yet (targets and tasks)
    counts: Counter[str]
    work: WorkStatus = field(default_factory=WorkStatus)
    reason: str = ""  # one line: the task or target that sets the status, how late

    @property
    def number(self) -> int:
        return self.project.number

    @property
    def name(self) -> str:
        return self.project.name

    @property
    def worst(self) -> Status | None:
        return self.status

    @property
    def label(self) -> str:
        if self.status is not None:
            return str(STATUS_LABELS[self.status])
        if not self.targets and not self.work.tasks:
            return str(_("No quantitative targets"))
        # Nothing judged: the targets are city-wide counts seen from a district, or
        # wait for their owner's assessment.
        if any(s.status == Status.NOT_APPORTIONED for s in self.targets):
            return str(STATUS_LABELS[Status.NOT_APPORTIONED])
        return str(STATUS_LABELS[Status.UNMEASURED])

    @property
    def style(self) -> str:
        if self.status is None:
            return "light" if not self.targets and not self.work.tasks else "secondary"
        return STATUS_STYLES[self.status]

    def count(self, *statuses: Status) -> int:
        return sum(self.counts.get(str(s), 0) for s in statuses)

    @property
    def ok(self) -> int:
        """Targets on track or achieved."""
        return self.count(Status.ON_TRACK, Status.DONE)

    @property
    def behind(self) -> int:
        """Targets off track, or missed at their due date."""
        return self.count(Status.OFF_TRACK, Status.MISSED)

    @property
    def unknown(self) -> int:
        """Targets whose standing is not known: no data, or never judged past their date."""
        return self.count(Status.NO_DATA, Status.NOT_ASSESSED)

    @property
    def share_on_track(self) -> float | None:
        judged = [s for s in self.targets if s.status in JUDGED]
        if not judged:
            return None
        return 100.0 * sum(s.status in MEASURED_OK for s in judged) / len(judged)

    @property
    def key_target(self) -> TargetStatus | None:
        """The measured target with a figure that stands worst (the one a leader must see
        first: 普惠率 behind, not 毛入园率 met); the plan's order on a tie."""
        measured = [s for s in self.targets if s.kind == "measured" and s.actual is not None]
        return min(measured, key=status_rank) if measured else None


def target_statuses_cached(
    *, stamp: int, plan: Plan, at: Period, unit: OrgUnit
) -> list[TargetStatus]:
    """`target_status_list`, computed once per data change; and then each target's
    status only if a part of what it depends on moved (`_kept_statuses`)."""
    return figures_cached(
        stamp,
        f"status:{plan.pk}:{unit.pk}:{at.code}",
        lambda: _kept_statuses(plan=plan, at=at, unit=unit),
    )


def _kept_statuses(*, plan: Plan, at: Period, unit: OrgUnit) -> list[TargetStatus]:
    """Each target's status, kept per target under the stamps of the parts it depends on:
    what is judged (the plan, the target, its binding and assessments) and its metric's
    rows. A school's report approved moves the figures of the form's metrics only: the
    targets measured by a ledger or a census keep theirs (two queries when none moved)."""
    stamps = part_stamps()
    order = list(
        Target.objects.filter(plan=plan)
        .order_by("order", "pk")
        .values_list("pk", "binding__metric_key")
    )
    keys = {pk: _status_key(pk, key, stamps, at, unit) for pk, key in order}
    cache = caches[settings.FIGURES_CACHE]
    kept = cache.get_many([k for k in keys.values() if k])
    missing = [pk for pk, key in keys.items() if key not in kept]
    computed = (
        {s.target.pk: s for s in target_status_list(plan=plan, at=at, unit=unit, only=missing)}
        if missing
        else {}
    )
    cache.set_many(
        {keys[pk]: status for pk, status in computed.items() if keys[pk]},
        timeout=settings.FIGURES_CACHE_SECONDS,
    )
    return [computed[pk] if pk in computed else kept[keys[pk]] for pk, _key in order]


def _status_key(
    target: int, metric_key: str | None, stamps: dict[str, int], at: Period, unit: OrgUnit
) -> str:
    """The cache key of one target's status ("": not kept: its metric is unknown)."""
    parts = [JUDGEMENT]
    if metric_key:
        try:
            parts += metric_parts(metric_key, stamps)
        except UnknownMetric:
            return ""
    moved = ",".join(f"{p}={stamps.get(p, 0)}" for p in parts)
    tail = hashlib.sha256(f"{moved}|{figures_settings()}".encode()).hexdigest()[:32]
    return f"target:{target}:{unit.pk}:{at.code}:{tail}"


def _target_reason(rows: list[TargetStatus], status: Status) -> str:
    row = next(s for s in rows if s.status == status)
    return gettext("Target “%(indicator)s” %(status)s") % {
        "indicator": row.target.indicator,
        "status": STATUS_LABELS[status],
    }


def _project_status(project: Project, rows: list[TargetStatus], work: WorkStatus) -> ProjectStatus:
    """The worst of the targets' statuses and the tasks' (a task first on a tie: it says
    how late), with the reason."""
    judged = {s.status for s in rows}
    targets_worst = next((w for w in WORST_FIRST if w in judged), None)
    worst_task = work.worst
    task_worst = worst_task.as_target if worst_task else None
    candidates = [s for s in (targets_worst, task_worst) if s is not None]
    worst = min(candidates, key=WORST_FIRST.index) if candidates else None
    reason = ""
    if worst is not None and worst not in MEASURED_OK:
        if worst == task_worst and worst_task is not None and worst_task.reason:
            reason = worst_task.reason
        elif worst == targets_worst:
            reason = _target_reason(rows, worst)
    counts = Counter(str(s.status) for s in rows)
    return ProjectStatus(project, rows, worst, counts, work, reason)


def project_statuses_from(
    plan: Plan, statuses: list[TargetStatus], work: dict[int, WorkStatus] | None = None
) -> list[ProjectStatus]:
    """Group target statuses (of one unit and period) by project, in plan order, each
    with its work status (by project id) when given."""
    by_project: dict[int, list[TargetStatus]] = defaultdict(list)
    for s in statuses:
        if s.target.goal is not None:
            by_project[s.target.goal.project_id].append(s)
    work = work or {}
    return [
        _project_status(project, by_project.get(project.pk, []), work.get(project.pk, WorkStatus()))
        for project in plan.projects.order_by("number")
    ]


def project_statuses(*, plan: Plan, at: Period, unit: OrgUnit, stamp: int) -> list[ProjectStatus]:
    """Every project of the plan with its status for `unit` as of the end of `at`."""
    return project_statuses_from(
        plan,
        target_statuses_cached(stamp=stamp, plan=plan, at=at, unit=unit),
        plan_work_cached(plan=plan, at=at, unit=unit).projects,
    )


@dataclass(frozen=True)
class TargetPath:
    """A measured target's path: dates, the actual figure as of each, the expected path,
    then the forecast to the due date and the goal."""

    dates: list[datetime.date]
    actual: list[float | None]
    expected: list[float | None]
    forecast: list[tuple[datetime.date, float]]
    goal: float | None
    baseline: float | None


def _f(value: Decimal | float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def trajectory_points(status: TargetStatus, at: Period) -> list[Period]:
    """Bimonthly points from the start of counting to `at` (no later than the due date)."""
    binding = status.target.binding
    first = period_containing(binding.start_on, PeriodType.BIMONTHLY)
    last = min(at, period_containing(binding.due_on, PeriodType.BIMONTHLY))
    return list(periods_between(first, last)) if first <= last else []


def trajectory(*, stamp: int, status: TargetStatus, at: Period) -> TargetPath | None:
    """The path of a measured target for its unit, computed once per data change."""
    if status.kind != "measured" or status.baseline is None or status.goal is None:
        return None
    binding = status.target.binding
    if status.status == Status.NOT_APPORTIONED:  # a city-wide count seen from a district
        return None

    def compute() -> TargetPath:
        assert status.baseline is not None and status.goal is not None
        points = trajectory_points(status, at)
        dates = [binding.baseline_on] + [p.end for p in points]
        actual: list[float | None] = [_f(status.baseline)]
        for p in points:
            figure = metric_value(
                key=binding.metric_key, unit=status.unit, start=binding.start_on, end=p.end
            )
            actual.append(_f(figure.value))
        expected = [
            _f(expected_at(binding, status.baseline, status.goal, min(d, binding.due_on)))
            for d in dates
        ]
        forecast = []
        if status.forecast is not None and dates[-1] < binding.due_on and actual[-1] is not None:
            forecast = [(dates[-1], actual[-1]), (binding.due_on, float(_f(status.forecast) or 0))]
        return TargetPath(
            dates=dates,
            actual=actual,
            expected=expected,
            forecast=forecast,
            goal=_f(status.goal),
            baseline=_f(status.baseline),
        )

    return kept_for_target(
        status.target, at=at, unit=status.unit, what="path", stamp=stamp, compute=compute
    )


def kept_for_target(
    target: Target, *, at: Period, unit: OrgUnit, what: str, stamp: int, compute: Callable[[], T]
) -> T:
    """`compute()`, kept as the target's status is: until a part of what the target
    depends on moves (what is judged, its metric's figures); under the figures `stamp`
    where its metric is unknown."""
    binding = getattr(target, "binding", None) if has_binding(target) else None
    metric_key = binding.metric_key if binding is not None else None
    kept = _status_key(target.pk, metric_key, part_stamps(), at, unit)
    if not kept:
        return figures_cached(stamp, f"{what}:{target.pk}:{unit.pk}:{at.code}", compute)
    return figures_cached(0, f"{what}-{kept}", compute)


def targets_table(
    *, unit: OrgUnit, at: Period, rows: list[TargetStatus], table_id: str = "targets"
) -> Table:
    """Target statuses as a table of plain values (for a page's download and the project
    report). The last column, 口径, gives the reason a figure only stands in for what the
    target's words say (临时口径), and is empty where the figure measures them."""
    provisional = gettext("Provisional measure")
    return Table(
        id=table_id,
        title=gettext("Targets of %(unit)s as of the end of %(period)s")
        % {"unit": unit.name, "period": at.label},
        header=[
            gettext("Project"),
            gettext("Indicator"),
            gettext("Unit"),
            gettext("Baseline"),
            gettext("Actual"),
            gettext("Expected by now"),
            gettext("Goal"),
            gettext("Due"),
            gettext("Forecast"),
            gettext("Status"),
            gettext("Measured as"),
        ],
        rows=[
            [
                s.target.goal.project.number if s.target.goal else None,
                s.target.indicator,
                s.figures_unit,
                number(s.baseline),
                number(s.actual),
                number(s.expected),
                number(s.goal),
                s.due,
                number(s.forecast),
                s.label,
                f"{provisional}：{s.provisional}" if s.provisional else "",
            ]
            for s in rows
        ],
    )
