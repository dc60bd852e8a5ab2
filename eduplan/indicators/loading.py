"""Loading a plan's target bindings (which metric measures which target) from YAML."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from eduplan.core.errors import InputError, date_from
from eduplan.core.figures_cache import figures_changed
from eduplan.core.metrics import UnknownMetric, metric
from eduplan.indicators.models import GoalMode, Reach, TargetBinding, Trajectory
from eduplan.plans.models import Plan, Target

BINDINGS_FILE = Path(__file__).resolve().parent / "data" / "zhengzhou-2016-bindings.yaml"


def _place(target: Target) -> str:
    if target.goal is not None:
        return target.goal.section_label
    return target.work_point.section_label if target.work_point is not None else ""


@transaction.atomic
def bindings_load(*, path: Path = BINDINGS_FILE, check_metrics: bool = True) -> list[TargetBinding]:
    """Bind targets to metrics (replacing the plan's earlier bindings), all or nothing."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(str(exc), where=path.name) from None
    if not isinstance(data, dict) or not isinstance(data.get("bindings"), list):
        raise InputError(_("the file must list bindings"), where=path.name)
    try:
        plan = Plan.objects.get(code=data.get("plan"))
    except Plan.DoesNotExist:
        raise InputError(
            _("no plan with this code is loaded"), where=f"{path.name}: plan"
        ) from None
    targets = Target.objects.filter(plan=plan).select_related("goal__project", "work_point")
    by_place: dict[tuple[str, str], Target] = {(_place(t), t.indicator): t for t in targets}
    bindings: list[TargetBinding] = []
    for i, item in enumerate(data["bindings"]):
        where = f"{path.name}: bindings[{i}]"
        key = (str(item.get("where", "")), str(item.get("indicator", "")))
        target = by_place.get(key)
        if target is None:
            raise InputError(
                _("no target %(indicator)s at %(where)s") % {"indicator": key[1], "where": key[0]},
                where=where,
            )
        metric_key = str(item.get("metric", ""))
        if check_metrics:
            try:
                metric(metric_key)
            except UnknownMetric:
                raise InputError(
                    _("unknown metric: %(key)s") % {"key": metric_key}, where=f"{where}.metric"
                ) from None
        choices = {
            "goal": (item.get("goal"), GoalMode.values),
            "trajectory": (item.get("trajectory", Trajectory.LINEAR), Trajectory.values),
            "reach": (item.get("reach", Reach.PLAN), Reach.values),
        }
        for field, (value, allowed) in choices.items():
            if value not in allowed:
                raise InputError(
                    _("%(v)r is not one of: %(allowed)s")
                    % {"v": value, "allowed": ", ".join(allowed)},
                    where=f"{where}.{field}",
                )
        try:
            baseline = None if item.get("baseline") is None else Decimal(str(item["baseline"]))
        except InvalidOperation:
            raise InputError(
                _("a number is required, not %(v)r") % {"v": item["baseline"]},
                where=f"{where}.baseline",
            ) from None
        steps = item.get("steps") or []
        for j, step in enumerate(steps):
            # "by", not "on": YAML reads a bare `on` key as the boolean true.
            date_from(step.get("by"), where=f"{where}.steps[{j}].by")
        bindings.append(
            TargetBinding(
                target=target,
                metric_key=metric_key,
                goal_mode=item["goal"],
                baseline_value=baseline,
                baseline_on=date_from(item.get("baseline_on"), where=f"{where}.baseline_on"),
                start_on=date_from(item.get("start"), where=f"{where}.start"),
                due_on=date_from(item.get("due"), where=f"{where}.due"),
                trajectory=choices["trajectory"][0],
                steps=[{"on": str(s["by"]), "value": s["value"]} for s in steps],
                reach=choices["reach"][0],
                note=str(item.get("note", "")),
            )
        )
    TargetBinding.objects.filter(target__plan=plan).delete()
    created = TargetBinding.objects.bulk_create(bindings)
    figures_changed()
    return created
