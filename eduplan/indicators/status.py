"""Where each target is and where it should be: actual, expected, status, forecast.

progress = (actual − baseline) / (goal − baseline), so a cut (大班额 −60% against 2013)
works like a rise. Expected progress follows the trajectory (linear by default, or steps
the plan sets); the status compares the two with the thresholds in settings.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eduplan.core.figures_cache import figures_memo
from eduplan.core.metrics import UnknownMetric, metric
from eduplan.core.numbers import number, plain_number
from eduplan.core.periods import Period, period_from_code
from eduplan.indicators.aggregation import Figure, figure_absent, metric_by_child, metric_value
from eduplan.indicators.models import GoalMode, Reach, TargetAssessment, TargetBinding, Trajectory
from eduplan.org.models import OrgUnit
from eduplan.org.selectors import rows_in_group, unit_subtree
from eduplan.plans.models import Plan, Target

HUNDRED = Decimal(100)


class Status(enum.StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    DONE = "done"
    MISSED = "missed"  # the due date has passed and the goal was not met
    NOT_ASSESSED = "not_assessed"  # a judged target past its assessment date, never judged
    NOT_APPORTIONED = "not_apportioned"  # a city-wide count has no goal for one district
    NO_DATA = "no_data"
    UNMEASURED = "unmeasured"  # neither bound to a metric nor assessed yet


# Chinese through the catalogue: 正常, 预警, 滞后, 已完成, 未完成, 未评估, 未分解到本单位,
# 暂无数据, 待评估.
STATUS_LABELS: dict[Status, Any] = {
    Status.ON_TRACK: _("On track"),
    Status.AT_RISK: _("At risk"),
    Status.OFF_TRACK: _("Off track"),
    Status.DONE: _("Achieved"),
    Status.MISSED: _("Missed"),
    Status.NOT_ASSESSED: _("Not assessed"),
    Status.NOT_APPORTIONED: _("Not apportioned to this unit"),
    Status.NO_DATA: _("No data"),
    Status.UNMEASURED: _("Awaiting assessment"),
}


@dataclass(frozen=True)
class TargetStatus:
    target: Target
    unit: OrgUnit
    kind: str  # "measured" | "judged"
    status: Status
    baseline: Decimal | None = None
    goal: Decimal | None = None
    due: datetime.date | None = None
    actual: Decimal | None = None
    expected: Decimal | None = None
    forecast: Decimal | None = None
    progress: Decimal | None = None  # share of the way from baseline to goal, in percent
    expected_progress: Decimal | None = None
    assessment: TargetAssessment | None = None
    # For a missed target: how far the figure stopped short of the goal, in figures_unit.
    shortfall: Decimal | None = None
    # The unit baseline, goal, actual, expected and forecast are counted in: the target's,
    # except for a cut or rise by a percentage ("大班额比2013年减少60%"), whose figures are
    # the metric's (classes), not percent.
    figures_unit: str = ""
    # Why the figure only stands in for what the target's words say (临时口径), from the
    # binding; blank when the metric measures them.
    provisional: str = ""

    def as_json(self) -> dict[str, Any]:
        t = self.target
        project = t.goal.project.number if t.goal is not None else None
        return {
            "target_id": t.pk,
            "project": project,
            "work_point": t.work_point.number if t.work_point is not None else None,
            "indicator": t.indicator,
            "unit": t.unit,
            "figures_unit": self.figures_unit,
            "org": self.unit.code,
            "kind": self.kind,
            "metric": t.binding.metric_key if hasattr(t, "binding") else None,
            "baseline": number(self.baseline),
            "goal": number(self.goal),
            "due": self.due.isoformat() if self.due else None,
            "actual": number(self.actual),
            "expected": number(self.expected),
            "status": str(self.status),
            "status_label": str(STATUS_LABELS[self.status]),
            "forecast": number(self.forecast),
            "progress": number(self.progress),
            "expected_progress": number(self.expected_progress),
            "shortfall": number(self.shortfall),
            "assessment": self.assessment.comment if self.assessment else None,
            "provisional": self.provisional,
        }

    @property
    def label(self) -> str:
        """The status as a reader needs it: a missed target says by how much (a rate by
        percentage points)."""
        text = str(STATUS_LABELS[self.status])
        if self.shortfall is not None:
            unit = gettext("percentage points") if self.figures_unit == "%" else self.figures_unit
            return gettext("%(status)s (short by %(figure)s%(unit)s)") % {
                "status": text,
                "figure": plain_number(self.shortfall, places=2),
                "unit": unit,
            }
        return text


def goal_for(binding: TargetBinding, baseline: Decimal | None, value: Decimal) -> Decimal | None:
    """The value to reach, from the target's figure and the baseline."""
    match binding.goal_mode:
        case GoalMode.ABSOLUTE:
            return value
        case GoalMode.ADD:
            return None if baseline is None else baseline + value
        case GoalMode.REDUCE_PERCENT:
            return None if baseline is None else baseline * (1 - value / HUNDRED)
        case GoalMode.INCREASE_PERCENT:
            return None if baseline is None else baseline * (1 + value / HUNDRED)
        case GoalMode.PER_YEAR:
            years = binding.due_on.year - binding.start_on.year + 1
            return (baseline or Decimal(0)) + value * years
    return None


def expected_at(
    binding: TargetBinding, baseline: Decimal, goal: Decimal, day: datetime.date
) -> Decimal:
    """Where the trajectory says the figure should be on `day`."""
    if binding.trajectory == Trajectory.STEPS and binding.steps:
        reached = baseline
        for step in sorted(binding.steps, key=lambda s: s["on"]):
            if datetime.date.fromisoformat(step["on"]) <= day:
                step_value = Decimal(str(step["value"]))
                reached = goal_for(binding, baseline, step_value) or baseline
        return reached
    total = (binding.due_on - binding.start_on).days
    done = (min(max(day, binding.start_on), binding.due_on) - binding.start_on).days
    fraction = Decimal(1) if total <= 0 else Decimal(done) / Decimal(total)
    return baseline + (goal - baseline) * fraction


def classify(progress: Decimal | None, expected_progress: Decimal | None) -> Status:
    """On track at ≥ 95% of the expected progress, at risk from 85%, else off track."""
    if progress is None:
        return Status.NO_DATA
    if progress >= HUNDRED:
        return Status.DONE
    if expected_progress is None or expected_progress <= 0:
        return Status.ON_TRACK
    ratio = progress / expected_progress
    if ratio >= Decimal(str(settings.EDUPLAN_ON_TRACK_MIN)):
        return Status.ON_TRACK
    if ratio >= Decimal(str(settings.EDUPLAN_AT_RISK_MIN)):
        return Status.AT_RISK
    return Status.OFF_TRACK


def _share(actual: Decimal | None, baseline: Decimal, goal: Decimal) -> Decimal | None:
    if actual is None or goal == baseline:
        return None
    return HUNDRED * (actual - baseline) / (goal - baseline)


def _forecast(points: list[tuple[datetime.date, Decimal]], due: datetime.date) -> Decimal | None:
    """Least-squares line through the figures so far, read at the due date."""
    if len(points) < 2:
        return points[0][1] if points else None
    xs = [Decimal((d - points[0][0]).days) for d, _v in points]
    ys = [v for _d, v in points]
    n = Decimal(len(points))
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return ys[-1]
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return mean_y + slope * (Decimal((due - points[0][0]).days) - mean_x)


def _meets(comparator: str, actual: Decimal, goal: Decimal) -> bool:
    return actual <= goal if comparator == "<=" else actual >= goal


def judged_on(binding: TargetBinding, at: Period) -> datetime.date:
    """The day a target's figures are taken for a status as of `at`: the end of `at`, but
    never after the due date: data from after it cannot make a missed target met."""
    return min(at.end, binding.due_on)


def _value(binding: TargetBinding, unit: OrgUnit, day: datetime.date) -> Figure:
    return metric_value(key=binding.metric_key, unit=unit, start=binding.start_on, end=day)


def baseline_for(binding: TargetBinding, unit: OrgUnit, *, is_plan_area: bool) -> Decimal | None:
    if binding.baseline_value is not None and is_plan_area:
        return binding.baseline_value
    if binding.baseline_value is not None and binding.reach == Reach.PLAN:
        return None
    figure = metric_value(
        key=binding.metric_key, unit=unit, start=binding.baseline_on, end=binding.baseline_on
    )
    if figure.value is None and binding.goal_mode == GoalMode.ABSOLUTE:
        return Decimal(0)
    return figure.value


def measured_status(
    target: Target, binding: TargetBinding, *, unit: OrgUnit, at: Period, is_plan_area: bool
) -> TargetStatus:
    """The status of a bound target for one org unit as of the end of a period (figures
    as of its due date once that has passed)."""
    if not is_plan_area and outside_group(binding, unit):
        return _not_this_units(target, binding, unit)
    actual = _value(binding, unit, judged_on(binding, at)).value
    if binding.reach == Reach.PLAN and not is_plan_area:
        baseline = None  # not needed: a city-wide count is not apportioned
    else:
        baseline = baseline_for(binding, unit, is_plan_area=is_plan_area)
    return status_from_figures(
        target,
        binding,
        unit=unit,
        at=at,
        is_plan_area=is_plan_area,
        actual=actual,
        baseline=baseline,
    )


def _not_this_units(target: Target, binding: TargetBinding, unit: OrgUnit) -> TargetStatus:
    """A target of a unit group seen from a unit with none of the group's units (直属学校
    from a district): not this unit's target."""
    return TargetStatus(
        target=target,
        unit=unit,
        kind="measured",
        status=Status.NOT_APPORTIONED,
        due=binding.due_on,
        figures_unit=figures_unit_for(target, binding),
        provisional=binding.provisional,
    )


def _group_code(binding: TargetBinding) -> str:
    return binding.metric_key.partition("@")[2]


def children_in_group(binding: TargetBinding, parent: OrgUnit) -> set[str] | None:
    """Codes of the children of `parent` holding a unit of the binding's group (None: the
    binding has no group), in one query."""
    group = _group_code(binding)
    if not group:
        return None
    below = rows_in_group(
        unit_subtree(unit=parent, include_self=False), group_code=group, path="path"
    )
    depth = len([c for c in parent.path.split("/") if c])
    return {path.split("/")[depth + 1] for path in below.values_list("path", flat=True)}


def outside_group(binding: TargetBinding, unit: OrgUnit) -> bool:
    """Whether a target bound to a unit group (the key's part after "@") has no unit of the
    group in `unit`'s subtree; one query per group and unit, memoized."""
    group = _group_code(binding)
    if not group:
        return False
    return not figures_memo(
        f"in-group:{group}:{unit.path}",
        lambda: rows_in_group(unit_subtree(unit=unit), group_code=group, path="path").exists(),
    )


def measured_status_by_child(
    target: Target, binding: TargetBinding, *, parent: OrgUnit, at: Period
) -> dict[str, TargetStatus]:
    """The target's status for every child of `parent` (e.g. every district), each against
    its own baseline: two queries whatever the number of children (three for a target of a
    unit group)."""
    children = {c.code: c for c in OrgUnit.objects.filter(parent=parent)}
    in_group = children_in_group(binding, parent)
    absent = figure_absent(metric(binding.metric_key))
    actual = metric_by_child(
        key=binding.metric_key, unit=parent, start=binding.start_on, end=judged_on(binding, at)
    )
    base: dict[str, Figure] = {}
    if binding.reach != Reach.PLAN:
        base = metric_by_child(
            key=binding.metric_key, unit=parent, start=binding.baseline_on, end=binding.baseline_on
        )
    out = {}
    for code, child in children.items():
        if in_group is not None and code not in in_group:
            out[code] = _not_this_units(target, binding, child)
            continue
        baseline = base[code].value if code in base else None
        if (
            baseline is None
            and binding.reach != Reach.PLAN
            and binding.goal_mode == GoalMode.ABSOLUTE
        ):
            baseline = Decimal(0)
        out[code] = status_from_figures(
            target,
            binding,
            unit=child,
            at=at,
            is_plan_area=False,
            actual=actual.get(code, absent).value,
            baseline=baseline,
        )
    return out


PERCENT_CHANGE = frozenset({GoalMode.REDUCE_PERCENT, GoalMode.INCREASE_PERCENT})


def figures_unit_for(target: Target, binding: TargetBinding) -> str:
    """The unit a bound target's figures are in (see `TargetStatus.figures_unit`)."""
    if binding.goal_mode in PERCENT_CHANGE:
        try:
            return metric(binding.metric_key).unit
        except UnknownMetric:
            return ""
    return target.unit


def status_from_figures(
    target: Target,
    binding: TargetBinding,
    *,
    unit: OrgUnit,
    at: Period,
    is_plan_area: bool,
    actual: Decimal | None,
    baseline: Decimal | None,
) -> TargetStatus:
    """Status, expected value and forecast from the figures already read (no queries).

    Once the period reaches the due date there are two outcomes only: 已完成, or 未完成
    with the shortfall."""
    day = judged_on(binding, at)
    final = at.end >= binding.due_on
    common: dict[str, Any] = {
        "target": target,
        "unit": unit,
        "kind": "measured",
        "due": binding.due_on,
        "actual": actual,
        "figures_unit": figures_unit_for(target, binding),
        "provisional": binding.provisional,
    }
    if binding.reach == Reach.PLAN and not is_plan_area:
        return TargetStatus(
            **common,
            status=Status.NOT_APPORTIONED,
        )
    goal = goal_for(binding, baseline, target.value) if baseline is not None else None
    if baseline is None or goal is None:
        return TargetStatus(
            **common,
            baseline=baseline,
            goal=goal,
            status=Status.NO_DATA,
        )
    expected = expected_at(binding, baseline, goal, day)
    if goal == baseline:
        # Nothing to move (a floor already met at the start): judge the level itself.
        met = actual is not None and _meets(target.comparator, actual, goal)
        missed = Status.MISSED if final else Status.OFF_TRACK
        return TargetStatus(
            **common,
            baseline=baseline,
            goal=goal,
            expected=expected,
            status=Status.DONE if met else missed,
            shortfall=abs(goal - actual) if final and not met and actual is not None else None,
            forecast=actual,
            progress=HUNDRED if met else Decimal(0),
            expected_progress=HUNDRED,
        )
    progress = _share(actual, baseline, goal)
    expected_progress = _share(expected, baseline, goal)
    # The trend so far: from the baseline at the start to the figure now, carried on to
    # the due date (no extra queries, so a status list stays cheap).
    points = [(binding.start_on, baseline)] + ([(day, actual)] if actual is not None else [])
    status = classify(progress, expected_progress)
    shortfall = None
    if final and status != Status.NO_DATA and status != Status.DONE:
        assert actual is not None
        status, shortfall = Status.MISSED, abs(goal - actual)
    return TargetStatus(
        **common,
        baseline=baseline,
        goal=goal,
        expected=expected,
        status=status,
        shortfall=shortfall,
        forecast=_forecast(points, binding.due_on),
        progress=progress,
        expected_progress=expected_progress,
    )


def judged_due(target: Target) -> datetime.date:
    """When a target only a person can judge falls due: the end of its year (the plan's
    last year when the text names none)."""
    return datetime.date(target.year or target.plan.end_year, 12, 31)


def _final(status: Status) -> Status:
    """After the due date an owner's judgement is either achieved or missed."""
    return status if status == Status.DONE else Status.MISSED


def target_status(*, target: Target, at: Period, unit: OrgUnit, plan_area: OrgUnit) -> TargetStatus:
    """A target's status: measured where it is bound, else its latest assessment.

    An owner's assessment marked as an override replaces the measured status (shown as
    such through `assessment`). Past the due date only 已完成 and 未完成 remain; a judged
    target with no assessment for its due period once EDUPLAN_ASSESSMENT_DAYS have passed
    is 未评估."""
    # From the prefetched assessments: the latest one up to this period.
    candidates = [
        (period_from_code(a.period).end, a)
        for a in target.assessments.all()
        if period_from_code(a.period).end <= at.end
    ]
    candidates.sort(key=lambda pair: (pair[0], pair[1].assessed_at), reverse=True)
    assessed_for, assessment = candidates[0] if candidates else (None, None)
    binding = getattr(target, "binding", None) if has_binding(target) else None
    if binding is not None:
        measured = measured_status(
            target, binding, unit=unit, at=at, is_plan_area=unit.pk == plan_area.pk
        )
        if assessment is not None and assessment.overrides:
            judged = Status(assessment.status)
            if at.end >= binding.due_on:
                judged = _final(judged)
            return dataclasses.replace(measured, status=judged, assessment=assessment)
        return measured
    due = judged_due(target)
    common: dict[str, Any] = {
        "target": target,
        "unit": unit,
        "kind": "judged",
        "goal": target.value,
        "due": due,
        "figures_unit": target.unit,
    }
    if at.end >= due:
        # Only an assessment of the period that holds the due date, or a later one, judges
        # the outcome.
        if assessment is not None and assessed_for is not None and assessed_for >= due:
            return TargetStatus(
                **common,
                status=_final(Status(assessment.status)),
                progress=assessment.progress,
                assessment=assessment,
            )
        grace = datetime.timedelta(days=settings.EDUPLAN_ASSESSMENT_DAYS)
        if at.end > due + grace:
            return TargetStatus(**common, status=Status.NOT_ASSESSED)
        return TargetStatus(**common, status=Status.UNMEASURED)
    if assessment is None:
        return TargetStatus(**common, status=Status.UNMEASURED)
    return TargetStatus(
        **common,
        status=Status(assessment.status),
        progress=assessment.progress,
        assessment=assessment,
    )


def has_binding(target: Target) -> bool:
    try:
        target.binding  # noqa: B018
    except TargetBinding.DoesNotExist:
        return False
    return True


def target_status_list(
    *, plan: Plan, at: Period, unit: OrgUnit, only: Iterable[int] | None = None
) -> list[TargetStatus]:
    """Every target of the plan (or those of `only`), for one org unit, as of the end of
    `at`."""
    chosen = Target.objects.filter(plan=plan)
    targets = (
        (chosen if only is None else chosen.filter(pk__in=list(only)))
        .select_related("plan", "goal__project", "work_point", "binding")
        .prefetch_related("assessments", "goal__project__project_owners")
        .order_by("order", "pk")
    )
    return [target_status(target=t, at=at, unit=unit, plan_area=plan.organisation) for t in targets]
