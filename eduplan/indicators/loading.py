"""Loading a plan's target bindings (which metric measures which target) from YAML."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from eduplan.core.errors import InputError, date_from
from eduplan.core.figures_cache import figures_changed
from eduplan.core.metrics import SCOPE_SEPARATOR, UnknownMetric, metric, scoped_key
from eduplan.indicators.models import GoalMode, Reach, TargetBinding, Trajectory
from eduplan.org.models import OrgGroup
from eduplan.plans.models import Plan, Target

BINDINGS_FILE = Path(__file__).resolve().parent / "data" / "zhengzhou-2016-bindings.yaml"
KEYS = frozenset(
    {
        *("where", "indicator", "metric", "goal", "baseline", "baseline_on", "start", "due"),
        *("trajectory", "steps", "reach", "note", "units", "provisional"),
    }
)


def _group(value: object, groups: dict[str, OrgGroup], where: str) -> OrgGroup | None:
    """`units:` names a unit group by its code or its name (市区); absent: the whole area."""
    if value is None:
        return None
    group = groups.get(str(value).strip()) if isinstance(value, str) else None
    if group is None:
        known = sorted({g.name for g in groups.values()})
        raise InputError(
            _("no unit group %(v)r; the organisation file declares: %(known)s")
            % {"v": value, "known": "、".join(known) or "—"},
            where=where,
        )
    return group


def _provisional(value: object, where: str) -> str:
    """`provisional:` gives the reason a metric only stands in for the target's words."""
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise InputError(_("give the reason the measure is provisional, as a text"), where=where)
    return value.strip()


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
    groups = {key: g for g in OrgGroup.objects.all() for key in (g.code, g.name)}
    bindings: list[TargetBinding] = []
    for i, item in enumerate(data["bindings"]):
        where = f"{path.name}: bindings[{i}]"
        if not isinstance(item, dict):
            raise InputError(_("a mapping is required"), where=where)
        unknown = sorted(str(k) for k in item if k not in KEYS)
        if unknown:
            # A misspelt `provisional:` or `units:` must not pass silently.
            raise InputError(
                _("unknown key: %(key)s") % {"key": unknown[0]}, where=f"{where}.{unknown[0]}"
            )
        key = (str(item.get("where", "")), str(item.get("indicator", "")))
        target = by_place.get(key)
        if target is None:
            raise InputError(
                _("no target %(indicator)s at %(where)s") % {"indicator": key[1], "where": key[0]},
                where=where,
            )
        metric_key = str(item.get("metric", ""))
        if SCOPE_SEPARATOR in metric_key:
            raise InputError(
                _("name the units with “units:”, not in the metric key"), where=f"{where}.metric"
            )
        group = _group(item.get("units"), groups, f"{where}.units")
        provisional = _provisional(item.get("provisional"), f"{where}.provisional")
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
                metric_key=metric_key if group is None else scoped_key(metric_key, group.code),
                group=group,
                provisional=provisional,
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
