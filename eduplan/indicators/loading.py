"""Loading a plan's target bindings (which metric measures which target) from YAML.

The file's shape is declared once (`BindingsFile`) and checked by `core.loading`; which
plan, target, unit group and metric a binding names is checked against the database
after it, before anything is written. Every refusal names its place in the file.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Self

from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import Field, model_validator

from eduplan.core.errors import InputError
from eduplan.core.figures_cache import JUDGEMENT, figures_changed
from eduplan.core.loading import (
    Day,
    Items,
    Number,
    OptionalText,
    Shape,
    Step,
    Text,
    data_validate,
    place_of,
    refusal,
    yaml_file_load,
)
from eduplan.core.metrics import SCOPE_SEPARATOR, UnknownMetric, metric, scoped_key
from eduplan.indicators.models import GoalMode, Reach, TargetBinding, Trajectory
from eduplan.org.models import OrgGroup
from eduplan.plans.models import Plan, Target

BINDINGS_FILE = Path(__file__).resolve().parent / "data" / "zhengzhou-2016-bindings.yaml"


# What TargetBinding.baseline_value can hold.
Baseline = Annotated[Number, Field(max_digits=20, decimal_places=4)]


class StepShape(Shape):
    # "by", not "on": YAML reads a bare `on` key as the boolean true.
    by: Day
    value: Number


class BindingShape(Shape):
    where: Text  # the target's place, as `eduplan plan show --json` labels it
    indicator: Text
    metric: Annotated[Text, Field(max_length=64)]  # with "@" and a group code: 100 at most
    goal: GoalMode
    baseline: Baseline | None = None  # absent: read from the metric at baseline_on
    baseline_on: Day
    start: Day
    due: Day
    trajectory: Trajectory = Trajectory.LINEAR
    steps: Items[StepShape] = []
    reach: Reach = Reach.PLAN
    note: OptionalText = ""
    units: Text | None = None  # a unit group's code or name (市区); absent: the whole area
    provisional: Text | None = None  # why the metric only stands in for the target's words

    @model_validator(mode="after")
    def _consistency_check(self) -> Self:
        if SCOPE_SEPARATOR in self.metric:
            raise refusal(_("name the units with “units:”, not in the metric key"), at=("metric",))
        if self.due < self.start:
            raise refusal(_("the due date is before the start"), at=("due",))
        return self


class BindingsFile(Shape):
    """A bindings file (indicators/data/zhengzhou-2016-bindings.yaml)."""

    plan: Text
    bindings: list[BindingShape]


def _place(target: Target) -> str:
    if target.goal is not None:
        return target.goal.section_label
    return target.work_point.section_label if target.work_point is not None else ""


def _json_number(value: Decimal) -> int | float:
    """A step's value as the JSON of `TargetBinding.steps` holds it."""
    return int(value) if value == value.to_integral_value() else float(value)


def _binding(shape: BindingShape, target: Target, group: OrgGroup | None) -> TargetBinding:
    return TargetBinding(
        target=target,
        metric_key=shape.metric if group is None else scoped_key(shape.metric, group.code),
        group=group,
        provisional=shape.provisional or "",
        goal_mode=shape.goal.value,
        baseline_value=shape.baseline,
        baseline_on=shape.baseline_on,
        start_on=shape.start,
        due_on=shape.due,
        trajectory=shape.trajectory.value,
        steps=[{"on": s.by.isoformat(), "value": _json_number(s.value)} for s in shape.steps],
        reach=shape.reach.value,
        note=shape.note,
    )


def _bindings_check(
    checked: BindingsFile, place: Callable[..., str], *, check_metrics: bool
) -> tuple[Plan, list[TargetBinding]]:
    """The plan and the bindings, every target, unit group and metric found, each target
    bound once."""
    plan = Plan.objects.filter(code=checked.plan).first()
    if plan is None:
        raise InputError(_("no plan with this code is loaded"), where=place("plan"))
    targets = Target.objects.filter(plan=plan).select_related("goal__project", "work_point")
    by_place: dict[tuple[str, str], Target] = {(_place(t), t.indicator): t for t in targets}
    groups = {key: g for g in OrgGroup.objects.all() for key in (g.code, g.name)}
    bindings: list[TargetBinding] = []
    bound: dict[int, int] = {}
    for i, shape in enumerate(checked.bindings):
        target = by_place.get((shape.where, shape.indicator))
        if target is None:
            raise InputError(
                _("no target %(indicator)s at %(where)s")
                % {"indicator": shape.indicator, "where": shape.where},
                where=place("bindings", i),
            )
        if target.pk in bound:
            raise InputError(
                _("this target is bound already, at %(first)s")
                % {"first": place("bindings", bound[target.pk])},
                where=place("bindings", i),
            )
        bound[target.pk] = i
        group = None if shape.units is None else groups.get(shape.units)
        if shape.units is not None and group is None:
            raise InputError(
                _("no unit group %(v)r; the organisation file declares: %(known)s")
                % {
                    "v": shape.units,
                    "known": "、".join(sorted({g.name for g in groups.values()})) or "—",
                },
                where=place("bindings", i, "units"),
            )
        if check_metrics:
            try:
                metric(shape.metric)
            except UnknownMetric:
                raise InputError(
                    _("unknown metric: %(key)s") % {"key": shape.metric},
                    where=place("bindings", i, "metric"),
                ) from None
        bindings.append(_binding(shape, target, group))
    return plan, bindings


@transaction.atomic
def bindings_load(*, path: Path = BINDINGS_FILE, check_metrics: bool = True) -> list[TargetBinding]:
    """Bind targets to metrics (replacing the plan's earlier bindings), all or nothing."""
    data = yaml_file_load(path=path)
    checked = data_validate(schema=BindingsFile, data=data, source=path.name)

    def place(*path_inside: Step) -> str:
        return place_of(data=data, path=path_inside, source=path.name)

    plan, bindings = _bindings_check(checked, place, check_metrics=check_metrics)
    TargetBinding.objects.filter(target__plan=plan).delete()
    created = TargetBinding.objects.bulk_create(bindings)
    figures_changed(rows=False, parts=[JUDGEMENT])  # what is judged, not what is counted
    return created
